// Langfuse's comments API: create, list and get markdown comments on traces,
// observations, sessions and prompt versions.
#include <fmt/format.h>

#include <charconv>
#include <set>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time.h"
#include "tracing/comment_store.h"
#include "tracing/route_helpers.h"
#include "tracing/routes.h"

namespace tally::tracing {

namespace bj = boost::json;
using store::Connection;

namespace {

// Langfuse's limit on a comment's content, counted here in Unicode code points.
constexpr size_t kMaxContentLength = 5000;

constexpr const char* kCommentSchema = R"({
  "type": "object",
  "required": ["id", "projectId", "createdAt", "updatedAt", "objectType", "objectId", "content", "authorUserId"],
  "properties": {"id": {"type": "string"}, "projectId": {"type": "string"},
                 "createdAt": {"type": "string", "format": "date-time"},
                 "updatedAt": {"type": "string", "format": "date-time"},
                 "objectType": {"type": "string", "enum": ["TRACE", "OBSERVATION", "SESSION", "PROMPT"]},
                 "objectId": {"type": "string"}, "content": {"type": "string"},
                 "authorUserId": {"type": ["string", "null"]}}
})";

constexpr const char* kCommentCreateSchema = R"({
  "type": "object", "required": ["projectId", "objectType", "objectId", "content"], "additionalProperties": false,
  "properties": {"projectId": {"type": "string"},
                 "objectType": {"type": "string", "enum": ["TRACE", "OBSERVATION", "SESSION", "PROMPT"]},
                 "objectId": {"type": "string"}, "content": {"type": "string", "minLength": 1, "maxLength": 5000},
                 "authorUserId": {"type": ["string", "null"]}}
})";

bool IsCommentObjectType(std::string_view type) {
  return type == "TRACE" || type == "OBSERVATION" || type == "SESSION" || type == "PROMPT";
}

size_t CodePointCount(std::string_view text) {
  size_t count = 0;
  for (char byte : text) {
    if ((static_cast<unsigned char>(byte) & 0xC0) != 0x80) ++count;
  }
  return count;
}

Result<std::string> RequireNonEmptyString(const bj::object& body, std::string_view key) {
  const bj::value* value = body.if_contains(key);
  if (!value || !value->is_string() || value->as_string().empty()) {
    return Error::InvalidField(std::string(key), "Required, expected a non-empty string");
  }
  return std::string(value->as_string());
}

// True when `user_id` is the decimal id of an active member of the organization.
Result<bool> IsOrganizationMember(Connection& c, int64_t organization_id, const std::string& user_id) {
  int64_t id = 0;
  const auto [end, error] = std::from_chars(user_id.data(), user_id.data() + user_id.size(), id);
  if (error != std::errc() || end != user_id.data() + user_id.size()) return false;
  TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT 1 FROM memberships WHERE organization_id = ? AND user_id = ? AND "
                                         "deleted_at IS NULL",
                                         {organization_id, id}));
  return row.has_value();
}

// Parses the strict create body. The author is resolved by the caller.
Result<Comment> ParseCreateBody(const bj::object& body, int64_t project_id) {
  static const std::set<std::string, std::less<>> kKeys = {"projectId", "objectType", "objectId", "content",
                                                           "authorUserId"};
  for (const auto& entry : body) {
    if (!kKeys.count(entry.key())) {
      return Error::InvalidField(std::string(entry.key()),
                                 "Unrecognized key; send only projectId, objectType, objectId, content and authorUserId");
    }
  }

  TALLY_ASSIGN_OR_RETURN(body_project, RequireNonEmptyString(body, "projectId"));
  if (body_project != std::to_string(project_id)) {
    return Error::InvalidField("projectId", "must be the id of the project the credentials belong to, " +
                                                std::to_string(project_id));
  }

  Comment comment;
  TALLY_ASSIGN_OR_RETURN(object_type, RequireNonEmptyString(body, "objectType"));
  if (!IsCommentObjectType(object_type)) {
    return Error::InvalidField("objectType", "must be TRACE, OBSERVATION, SESSION or PROMPT");
  }
  comment.object_type = std::move(object_type);
  TALLY_ASSIGN_OR_RETURN(object_id, RequireNonEmptyString(body, "objectId"));
  comment.object_id = std::move(object_id);

  const bj::value* content = body.if_contains("content");
  if (!content || !content->is_string()) return Error::InvalidField("content", "Required, expected a string");
  const size_t length = CodePointCount(content->as_string());
  if (length == 0 || length > kMaxContentLength) {
    return Error::InvalidField("content", fmt::format("must be 1 to {} characters long, got {}", kMaxContentLength,
                                                      length));
  }
  comment.content = std::string(content->as_string());

  if (const bj::value* author = body.if_contains("authorUserId"); author && !author->is_null()) {
    if (!author->is_string() || author->as_string().empty()) {
      return Error::InvalidField("authorUserId", "must be a non-empty string or null");
    }
    comment.author_user_id = std::string(author->as_string());
  }
  return comment;
}

Result<http::Response> CreateCommentRoute(store::Database& database, const http::Request& request) {
  const http::Principal& principal = request.principal;
  // The route takes Auth::kScoreWriter so that every signed-in member can
  // comment, not only managers. That also admits a public key alone, which
  // may write scores but not comments.
  if (principal.kind == http::Principal::Kind::kPublicKey) {
    TALLY_LOG_WARN("event=comment_rejected request_id={} project_id={} reason=public_key_only", request.request_id,
                   principal.project_id);
    return Error::Forbidden("Access denied - a public key alone cannot create comments; use the key pair");
  }
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  const int64_t project_id = principal.project_id;
  TALLY_ASSIGN_OR_RETURN(comment, ParseCreateBody(body, project_id));

  if (principal.is_user()) {
    const std::string own_id = std::to_string(principal.user_id);
    if (comment.author_user_id && *comment.author_user_id != own_id) {
      TALLY_LOG_WARN("event=comment_rejected request_id={} project_id={} user_id={} reason=other_author",
                     request.request_id, project_id, principal.user_id);
      return Error::Forbidden("authorUserId must be your own user id (" + own_id + ") or left out");
    }
    comment.author_user_id = own_id;
  }

  comment.id = NewUuidV4();
  comment.created_at = comment.updated_at = NowMicros();
  TALLY_TRY(database.Write([&](Connection& c) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(exists, CommentObjectExists(c, project_id, comment.object_type, comment.object_id));
    if (!exists) {
      return Error::NotFound(fmt::format("No {} with id {} found within authorized project", comment.object_type,
                                         comment.object_id));
    }
    if (!principal.is_user() && comment.author_user_id) {
      TALLY_ASSIGN_OR_RETURN(member, IsOrganizationMember(c, principal.organization_id, *comment.author_user_id));
      if (!member) {
        return Error::InvalidField("authorUserId", "must be the id of a member of the project's organization");
      }
    }
    return InsertComment(c, project_id, comment);
  }));
  TALLY_LOG_INFO("event=comment_created request_id={} project_id={} comment_id={} object_type={}", request.request_id,
                 project_id, comment.id, comment.object_type);
  return http::Response::Json(bj::object{{"id", comment.id}});
}

Result<http::Response> ListCommentsRoute(store::Database& database, const http::Request& request) {
  CommentQuery query;
  TALLY_ASSIGN_OR_RETURN(page, ParsePage(request));
  query.page = page;
  query.object_type = TextParam(request, "objectType");
  if (query.object_type && !IsCommentObjectType(*query.object_type)) {
    return Error::InvalidField("objectType", "must be TRACE, OBSERVATION, SESSION or PROMPT");
  }
  query.object_id = TextParam(request, "objectId");
  if (query.object_id && !query.object_type) {
    return Error::InvalidField("objectId", "requires objectType");
  }
  query.author_user_id = TextParam(request, "authorUserId");

  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(listed, database.Read([&](Connection& c) { return ListComments(c, project_id, query); }));
  bj::array data;
  for (const Comment& comment : listed.first) data.push_back(CommentToJson(comment, project_id));
  return http::Response::Json(bj::object{{"data", std::move(data)}, {"meta", PageMeta(page, listed.second)}});
}

Result<http::Response> GetCommentRoute(store::Database& database, const http::Request& request) {
  const std::string id = PathParam(request, "commentId");
  const int64_t project_id = request.principal.project_id;
  TALLY_ASSIGN_OR_RETURN(comment, database.Read([&](Connection& c) { return FindComment(c, project_id, id); }));
  if (!comment) return Error::NotFound(fmt::format("Comment {} not found within authorized project", id));
  return http::Response::Json(CommentToJson(*comment, project_id));
}

}  // namespace

void AddCommentRoutes(http::Router& router, store::Database& database) {
  router.Add({.method = "POST",
              .pattern = "/api/public/comments",
              .auth = http::Auth::kScoreWriter,
              .doc = {.summary = "Create a comment on a trace, observation, session or prompt version",
                      .tag = "Comments",
                      .request_schema = kCommentCreateSchema,
                      .response_schema = R"({"type": "object", "required": ["id"],
                                             "properties": {"id": {"type": "string"}}})"},
              .handler = [&database](http::Request& r) { return CreateCommentRoute(database, r); }});
  router.Add({.method = "GET",
              .pattern = "/api/public/comments",
              .auth = http::Auth::kProjectKey,
              .doc = {.summary = "List comments, newest first",
                      .tag = "Comments",
                      .response_schema = R"({"type": "object", "required": ["data", "meta"],
                        "properties": {"data": {"type": "array", "items": {"type": "object"}},
                                       "meta": {"type": "object"}}})",
                      .query = {"page", "limit", "objectType", "objectId", "authorUserId"}},
              .handler = [&database](http::Request& r) { return ListCommentsRoute(database, r); }});
  router.Add({.method = "GET",
              .pattern = "/api/public/comments/{commentId}",
              .auth = http::Auth::kProjectKey,
              .doc = {.summary = "Get a comment", .tag = "Comments", .response_schema = kCommentSchema},
              .handler = [&database](http::Request& r) { return GetCommentRoute(database, r); }});
}

}  // namespace tally::tracing
