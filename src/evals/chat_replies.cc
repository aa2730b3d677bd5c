#include "evals/chat_replies.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

#include "accounts/project_access.h"
#include "core/json.h"
#include "core/log.h"
#include "core/rate_limiter.h"
#include "core/time.h"
#include "evals/llm_connections.h"
#include "http/errors.h"
#include "labeling/config/result_checks.h"
#include "labeling/config/validator.h"
#include "labeling/project_store.h"
#include "labeling/task_store.h"

namespace tally::evals {

namespace bj = boost::json;

namespace {

constexpr std::array<std::string_view, 5> kRoles = {"user", "assistant", "system", "tool", "developer"};

// A reply is text for one message; a larger body is a misbehaving peer.
constexpr size_t kMaxReplyBytes = 2 * 1024 * 1024;

constexpr const char* kRequestSchema = R"({
  "type": "object", "required": ["chat", "messages"],
  "properties": {
    "chat": {"type": "string", "description": "name of the Chat tag in the project's label config"},
    "task": {"type": "integer", "description": "task whose own messages may use roles outside the Chat's messageroles"},
    "messages": {"type": "array", "maxItems": 500, "items": {"type": "object", "required": ["role", "content"],
      "properties": {"role": {"type": "string", "enum": ["user", "assistant", "system", "tool", "developer"]},
                     "content": {"type": "string"}}}}
  }
})";

constexpr const char* kResponseSchema = R"({
  "type": "object", "required": ["chatmessage"],
  "properties": {"chatmessage": {"type": "object", "required": ["role", "content", "createdAt"],
    "properties": {"role": {"type": "string"}, "content": {"type": "string"},
                   "createdAt": {"type": "integer", "description": "milliseconds since the epoch"}}}}
})";

struct ReplySetup {
  std::string llm;  // the Chat's llm attribute, for messages
  ChatModel model;
  LlmConnection connection;
  std::vector<std::string> roles;  // roles the annotator's messages may have
  bj::array task_messages;         // the task's own messages, when the request names a task
};

// The Chat's messages in the task's data, or an empty list when the Chat
// reads a nested path or the field is not a list.
bj::array TaskChatMessages(const labeling::Task& task, const labeling::ObjectTag& chat) {
  if (!chat.data || chat.data->nested) return {};
  const bj::value* messages = task.data.if_contains(chat.data->key);
  return messages && messages->is_array() ? messages->as_array() : bj::array{};
}

// Reads the Chat's llm attribute and the connection it names, checking
// that the caller may use the project.
Result<ReplySetup> LoadReplySetup(store::Database& database, const http::Request& request, int64_t project_id,
                                  const std::string& chat, std::optional<int64_t> task_id) {
  return database.Read([&](store::Connection& connection) -> Result<ReplySetup> {
    TALLY_TRY(accounts::AuthorizeProject(connection, request.principal, project_id, accounts::Role::kAnnotator));
    TALLY_ASSIGN_OR_RETURN(project, labeling::FindProject(connection, project_id));
    if (!project) return Error::NotFound(fmt::format("project {} not found", project_id));
    TALLY_ASSIGN_OR_RETURN(config, labeling::LoadLabelConfig(project->label_config));

    const labeling::ObjectTag* object = config.FindObject(chat);
    if (!object || object->type != "Chat") {
      return Error::InvalidField("chat", fmt::format("the label config has no <Chat name=\"{}\">", chat));
    }
    const labeling::XmlAttribute* llm = config.Element(object->element).FindAttributeIgnoringCase("llm");
    if (!llm || llm->value.empty()) {
      return Error::InvalidField(
          "chat", fmt::format("<Chat name=\"{}\"> has no llm attribute. Set llm=\"provider/model\" to get replies", chat));
    }
    auto model = ParseChatModel(llm->value);
    if (!model) return Error::Conflict(model.error().message + ". Fix the label config");

    TALLY_ASSIGN_OR_RETURN(found, FindLlmConnectionByName(connection, project_id, model->provider));
    if (!found) {
      return Error::Conflict(fmt::format(
          "<Chat name=\"{}\"> requests llm=\"{}\", but project {} has no LLM connection named \"{}\". Add one "
          "with that name to the project's LLM connections",
          chat, llm->value, project_id, model->provider));
    }

    bj::array task_messages;
    if (task_id) {
      TALLY_ASSIGN_OR_RETURN(task, labeling::FindTask(connection, *task_id));
      if (!task || task->project_id != project_id) {
        return Error::InvalidField("task", fmt::format("task {} not found in project {}", *task_id, project_id));
      }
      task_messages = TaskChatMessages(*task, *object);
    }
    return ReplySetup{.llm = llm->value,
                      .model = std::move(*model),
                      .connection = std::move(*found),
                      .roles = labeling::ChatMessageRoles(config.Element(object->element)),
                      .task_messages = std::move(task_messages)};
  });
}

// Rejects a message whose role the Chat does not let annotators write,
// unless it repeats the task's own message at the same position.
Result<void> CheckMessageRoles(const ReplySetup& setup, const std::string& chat, const bj::array& messages) {
  for (size_t i = 0; i < messages.size(); ++i) {
    const bj::object& message = messages[i].as_object();
    const bj::string& role = message.at("role").as_string();
    if (std::find(setup.roles.begin(), setup.roles.end(), std::string_view(role)) != setup.roles.end()) continue;

    const bj::object* task_message = i < setup.task_messages.size() ? setup.task_messages[i].if_object() : nullptr;
    if (task_message && task_message->if_contains("role") && *task_message->if_contains("role") == message.at("role") &&
        task_message->if_contains("content") && *task_message->if_contains("content") == message.at("content")) {
      continue;
    }
    return Error::InvalidField(
        fmt::format("messages.{}.role", i),
        fmt::format("is \"{}\", but <Chat name=\"{}\"> lets annotators write only as {}. List the role in the "
                    "Chat's messageroles to allow it",
                    std::string_view(role), chat, fmt::join(setup.roles, ", ")));
  }
  return Ok();
}

Result<std::string> CallModel(const ReplySetup& setup, const bj::array& messages, const core::SecretBox& secret_box,
                              const integrations::OutboundClient& client) {
  TALLY_ASSIGN_OR_RETURN(api_key, secret_box.Open(setup.connection.api_key_sealed));
  integrations::OutboundRequest outbound{
      .method = "POST",
      .url = setup.connection.base_url + "/chat/completions",
      .headers = {{"Authorization", "Bearer " + api_key}, {"Content-Type", "application/json"}},
      .body = json::Serialize(BuildChatReplyRequest(setup.model.model, messages)),
      .timeout = setup.connection.timeout,
      .max_response_bytes = kMaxReplyBytes};
  TALLY_ASSIGN_OR_RETURN(response, client.Send(outbound));
  if (response.status < 200 || response.status >= 300) {
    return Error::Unavailable(
        fmt::format("LLM connection '{}' returned HTTP {}", setup.connection.name, response.status));
  }
  auto reply = ParseChatReply(response.body);
  if (!reply) {
    return Error::Unavailable(
        fmt::format("LLM connection '{}' sent an unusable reply: {}", setup.connection.name, reply.error().message));
  }
  return reply;
}

// The 429 response with Retry-After set to `wait`, in place of the fixed
// value ErrorResponse gives rate-limited errors.
http::Response TooManyRequests(const http::Request& request, std::string message, std::chrono::seconds wait) {
  http::Response response =
      http::ErrorResponse(Error::RateLimited(std::move(message)), request.path, request.request_id);
  std::erase_if(response.headers, [](const auto& header) { return header.first == "Retry-After"; });
  response.WithHeader("Retry-After", std::to_string(wait.count()));
  return response;
}

// Model calls waiting per project, process-wide.
class ModelCallSlots {
 public:
  // Takes a slot of `project_id` unless `limit` are taken; 0 means no limit.
  bool TryAcquire(int64_t project_id, int64_t limit) {
    std::lock_guard lock(mutex_);
    int64_t& taken = taken_[project_id];
    if (limit > 0 && taken >= limit) return false;
    ++taken;
    return true;
  }

  void Release(int64_t project_id) {
    std::lock_guard lock(mutex_);
    if (--taken_[project_id] <= 0) taken_.erase(project_id);
  }

 private:
  std::mutex mutex_;
  std::map<int64_t, int64_t> taken_;
};

// The Retry-After, in seconds, when the project's model call slots are
// taken. It is an estimate, since the calls in progress may take up to the
// connection's timeout.
constexpr std::chrono::seconds kBusyRetryAfter(5);

Result<http::Response> ChatReplyRoute(store::Database& database, const core::SecretBox& secret_box,
                                      const integrations::OutboundClient& client, core::RateLimiter& limiter,
                                      ModelCallSlots& slots, const ChatReplyLimits& limits,
                                      const http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(project_id, request.IdParam("id"));
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  TALLY_ASSIGN_OR_RETURN(chat, json::RequireString(body, "chat"));
  TALLY_ASSIGN_OR_RETURN(messages, ReadChatMessages(body));
  TALLY_ASSIGN_OR_RETURN(task_id, json::OptionalInt(body, "task"));
  TALLY_ASSIGN_OR_RETURN(setup, LoadReplySetup(database, request, project_id, chat, task_id));
  TALLY_TRY(CheckMessageRoles(setup, chat, messages));

  // Counted after the checks above, so requests that never reach the model
  // use up no quota.
  const std::array<core::RateLimiter::Quota, 2> quotas = {
      core::RateLimiter::Quota{fmt::format("user:{}", request.principal.user_id), limits.per_user},
      core::RateLimiter::Quota{fmt::format("project:{}", project_id), limits.per_project}};
  if (const auto wait = limiter.Acquire(quotas)) {
    TALLY_LOG_WARN("event=chat_reply_rate_limited request_id={} project_id={} user_id={} retry_after_s={}",
                   request.request_id, project_id, request.principal.user_id, wait->count());
    return TooManyRequests(
        request,
        fmt::format("Too many chat reply requests: the limit is {} per minute per user and {} per minute per "
                    "project. Retry after {} seconds",
                    limits.per_user, limits.per_project, wait->count()),
        *wait);
  }

  if (!slots.TryAcquire(project_id, limits.concurrent_per_project)) {
    TALLY_LOG_WARN("event=chat_reply_busy request_id={} project_id={} user_id={} concurrent_limit={}",
                   request.request_id, project_id, request.principal.user_id, limits.concurrent_per_project);
    return TooManyRequests(request,
                           fmt::format("Project {} already has {} chat replies waiting for the model. Retry after {} "
                                       "seconds",
                                       project_id, limits.concurrent_per_project, kBusyRetryAfter.count()),
                           kBusyRetryAfter);
  }
  const std::shared_ptr<void> release_slot(nullptr, [&slots, project_id](void*) { slots.Release(project_id); });

  // The model is called outside the transaction: it may take the
  // connection's whole timeout.
  const auto started = std::chrono::steady_clock::now();
  auto reply = CallModel(setup, messages, secret_box, client);
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (!reply) {
    TALLY_LOG_WARN(
        "event=chat_reply_failed request_id={} project_id={} chat={} connection_id={} elapsed_ms={} error=\"{}\" "
        "detail=\"{}\"",
        request.request_id, project_id, chat, setup.connection.id, elapsed_ms, reply.error().message,
        reply.error().detail);
    return reply.error();
  }
  TALLY_LOG_INFO("event=chat_reply request_id={} project_id={} chat={} connection_id={} messages={} elapsed_ms={}",
                 request.request_id, project_id, chat, setup.connection.id, messages.size(), elapsed_ms);

  const int64_t created_at = NowMicros() / 1000;
  return http::Response::Json(bj::object{
      {"chatmessage", bj::object{{"role", "assistant"}, {"content", *reply}, {"createdAt", created_at}}}});
}

}  // namespace

Result<ChatModel> ParseChatModel(std::string_view llm) {
  const size_t slash = llm.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == llm.size()) {
    return Error::Invalid(fmt::format("llm=\"{}\" is not of the form provider/model, such as openai/gpt-4.1-nano", llm));
  }
  return ChatModel{.provider = std::string(llm.substr(0, slash)), .model = std::string(llm.substr(slash + 1))};
}

Result<bj::array> ReadChatMessages(const bj::object& body) {
  const bj::value* messages = body.if_contains("messages");
  if (!messages || !messages->is_array()) return Error::InvalidField("messages", "must be a list of messages");
  const bj::array& list = messages->as_array();
  if (list.empty()) return Error::InvalidField("messages", "must contain at least one message");
  if (list.size() > kMaxChatReplyMessages) {
    return Error::InvalidField("messages", fmt::format("must contain at most {} messages, not {}",
                                                       kMaxChatReplyMessages, list.size()));
  }

  bj::array checked;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string field = fmt::format("messages.{}", i);
    if (!list[i].is_object()) return Error::InvalidField(field, "must be an object with role and content");
    const bj::object& message = list[i].as_object();
    const bj::value* role = message.if_contains("role");
    if (!role || !role->is_string() ||
        std::find(kRoles.begin(), kRoles.end(), std::string_view(role->as_string())) == kRoles.end()) {
      return Error::InvalidField(field + ".role", "must be one of \"user\", \"assistant\", \"system\", \"tool\", \"developer\"");
    }
    const bj::value* content = message.if_contains("content");
    if (!content || !content->is_string()) return Error::InvalidField(field + ".content", "must be a string");
    checked.push_back(bj::object{{"role", *role}, {"content", *content}});
  }
  return checked;
}

bj::object BuildChatReplyRequest(const std::string& model, const bj::array& messages) {
  return bj::object{{"model", model}, {"messages", messages}};
}

Result<std::string> ParseChatReply(std::string_view body) {
  boost::system::error_code ec;
  const bj::value parsed = bj::parse(body, ec);
  if (ec || !parsed.is_object()) return Error::Invalid("the response is not a JSON object");
  const bj::value* choices = parsed.as_object().if_contains("choices");
  if (!choices || !choices->is_array() || choices->as_array().empty() || !choices->as_array()[0].is_object()) {
    return Error::Invalid("the response has no choices");
  }
  const bj::value* message = choices->as_array()[0].as_object().if_contains("message");
  const bj::value* content = message && message->is_object() ? message->as_object().if_contains("content") : nullptr;
  if (content && content->is_string()) return std::string(content->as_string());

  // Some providers send content as a list of parts; the text parts make the reply.
  if (content && content->is_array()) {
    std::string text;
    for (const bj::value& part : content->as_array()) {
      const bj::object* object = part.if_object();
      const bj::value* part_text = object ? object->if_contains("text") : nullptr;
      if (part_text && part_text->is_string()) text += part_text->as_string();
    }
    if (!text.empty()) return text;
  }
  return Error::Invalid("choices[0].message.content is missing or has no text");
}

void AddChatReplyRoute(http::Router& router, store::Database& database, const core::SecretBox& secret_box,
                       const integrations::OutboundClient& client, ChatReplyLimits limits) {
  auto limiter = std::make_shared<core::RateLimiter>(std::chrono::seconds(60));
  auto slots = std::make_shared<ModelCallSlots>();
  router.Add({.method = "POST",
              .pattern = "/api/projects/{id:int}/chat-replies",
              .auth = http::Auth::kUser,
              .doc = {.summary = "Request an assistant reply to a conversation from the LLM a Chat tag names",
                      .tag = "Projects",
                      .request_schema = kRequestSchema,
                      .response_schema = kResponseSchema},
              .handler = [&database, &secret_box, &client, limiter, slots, limits](http::Request& request) {
                return ChatReplyRoute(database, secret_box, client, *limiter, *slots, limits, request);
              }});
}

}  // namespace tally::evals
