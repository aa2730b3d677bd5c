// SQL for Langfuse comments: markdown notes that project members attach to a
// trace, observation, session or prompt version.
//
// Thread-safety: stateless; the Connection rules of store/database.h apply.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "store/database.h"
#include "tracing/trace_store.h"

namespace tally::tracing {

struct Comment {
  std::string id;
  std::string object_type;  // TRACE, OBSERVATION, SESSION or PROMPT
  std::string object_id;
  std::string content;      // markdown, 1 to 5000 characters
  std::optional<std::string> author_user_id;
  Micros created_at = 0, updated_at = 0;
};

struct CommentQuery {
  Page page;
  std::optional<std::string> object_type, object_id, author_user_id;
};

// True when the project has an object of that type and id: a trace, an
// observation, a session, or a prompt version by its id. An unknown
// `object_type` is an InvalidField error.
[[nodiscard]] Result<bool> CommentObjectExists(store::Connection& c, int64_t project_id,
                                               const std::string& object_type, const std::string& object_id);

[[nodiscard]] Result<void> InsertComment(store::Connection& c, int64_t project_id, const Comment& comment);

// nullopt when the project has no comment with that id.
[[nodiscard]] Result<std::optional<Comment>> FindComment(store::Connection& c, int64_t project_id,
                                                         const std::string& id);

// Matching comments, newest first, and the number of all matches.
[[nodiscard]] Result<std::pair<std::vector<Comment>, int64_t>> ListComments(store::Connection& c, int64_t project_id,
                                                                           const CommentQuery& query);

// Langfuse's comment object: {"id", "projectId", "createdAt", "updatedAt",
// "objectType", "objectId", "content", "authorUserId"}.
boost::json::object CommentToJson(const Comment& comment, int64_t project_id);

}  // namespace tally::tracing
