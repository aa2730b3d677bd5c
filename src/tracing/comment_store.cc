#include "tracing/comment_store.h"

#include "core/time.h"

namespace tally::tracing {

namespace bj = boost::json;
using store::Connection;
using store::Row;

namespace {

constexpr const char* kCommentColumns =
    "id, object_type, object_id, content, author_user_id, created_at, updated_at";

Comment CommentFromRow(const Row& row) {
  Comment comment;
  comment.id = row.Text(0);
  comment.object_type = row.Text(1);
  comment.object_id = row.Text(2);
  comment.content = row.Text(3);
  comment.author_user_id = row.OptionalText(4);
  comment.created_at = row.Int(5);
  comment.updated_at = row.Int(6);
  return comment;
}

}  // namespace

Result<bool> CommentObjectExists(Connection& c, int64_t project_id, const std::string& object_type,
                                 const std::string& object_id) {
  const char* table = object_type == "TRACE"         ? "traces"
                      : object_type == "OBSERVATION" ? "observations"
                      : object_type == "SESSION"     ? "trace_sessions"
                      : object_type == "PROMPT"      ? "prompts"
                                                     : nullptr;
  if (!table) return Error::InvalidField("objectType", "must be TRACE, OBSERVATION, SESSION or PROMPT");
  TALLY_ASSIGN_OR_RETURN(row, c.QueryOne(std::string("SELECT 1 FROM ") + table + " WHERE project_id = ? AND id = ?",
                                         {project_id, object_id}));
  return row.has_value();
}

Result<void> InsertComment(Connection& c, int64_t project_id, const Comment& comment) {
  TALLY_TRY(c.Execute(
      "INSERT INTO comments (project_id, id, object_type, object_id, content, author_user_id, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {project_id, comment.id, comment.object_type, comment.object_id, comment.content,
       store::OrNull(comment.author_user_id), comment.created_at, comment.updated_at}));
  return Ok();
}

Result<std::optional<Comment>> FindComment(Connection& c, int64_t project_id, const std::string& id) {
  TALLY_ASSIGN_OR_RETURN(row, c.QueryOne(std::string("SELECT ") + kCommentColumns +
                                             " FROM comments WHERE project_id = ? AND id = ?",
                                         {project_id, id}));
  if (!row) return std::optional<Comment>();
  return std::optional<Comment>(CommentFromRow(*row));
}

Result<std::pair<std::vector<Comment>, int64_t>> ListComments(Connection& c, int64_t project_id,
                                                             const CommentQuery& query) {
  std::string where = " FROM comments WHERE project_id = ?";
  std::vector<store::Value> params = {project_id};
  if (query.object_type) {
    where += " AND object_type = ?";
    params.push_back(*query.object_type);
  }
  if (query.object_id) {
    where += " AND object_id = ?";
    params.push_back(*query.object_id);
  }
  if (query.author_user_id) {
    where += " AND author_user_id = ?";
    params.push_back(*query.author_user_id);
  }
  TALLY_ASSIGN_OR_RETURN(total, c.QueryOne("SELECT COUNT(*)" + where, params));

  params.push_back(query.page.limit);
  params.push_back((query.page.page - 1) * query.page.limit);
  TALLY_ASSIGN_OR_RETURN(rows, c.Query(std::string("SELECT ") + kCommentColumns + where +
                                           " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
                                       params));
  std::vector<Comment> comments;
  for (const Row& row : rows) comments.push_back(CommentFromRow(row));
  return std::pair{std::move(comments), total ? total->Int(0) : 0};
}

bj::object CommentToJson(const Comment& comment, int64_t project_id) {
  return bj::object{
      {"id", comment.id},
      {"projectId", std::to_string(project_id)},
      {"createdAt", FormatIsoMillis(comment.created_at)},
      {"updatedAt", FormatIsoMillis(comment.updated_at)},
      {"objectType", comment.object_type},
      {"objectId", comment.object_id},
      {"content", comment.content},
      {"authorUserId", comment.author_user_id ? bj::value(*comment.author_user_id) : bj::value(nullptr)},
  };
}

}  // namespace tally::tracing
