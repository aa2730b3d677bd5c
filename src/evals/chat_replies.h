// LLM replies for the labeling editor's Chat tag. A Chat with
// llm="<provider>/<model>" lets annotators request an assistant reply to
// the conversation they write, as Label Studio's Chat does. Tally takes the
// provider from the project's LLM connections (the ones LLM-as-a-judge
// evaluators use): the connection named like the provider, called with the
// model after the slash.
//
// Route (Tally's own, user token or session, any project member):
//   POST /api/projects/{id}/chat-replies
//     {"chat": "<Chat name>", "messages": [{"role", "content"}, …]}
//   → 200 {"chatmessage": {"role": "assistant", "content", "createdAt"}},
//     the value of a `chatmessage` result item.
// The model comes from the config, never from the request, so an annotator
// cannot pick another model or connection. Each user and each project may
// make a set number of requests per minute (ChatReplyLimits); more are
// answered 429 with Retry-After in seconds, before any model call, and so
// are requests while the project already has
// ChatReplyLimits::concurrent_per_project model calls waiting.
//
// Thread-safety: pure functions, and a route whose only state is its
// rate limiter and its count of model calls per project, which lock.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/secret_box.h"
#include "http/router.h"
#include "integrations/outbound/client.h"
#include "store/database.h"

namespace tally::evals {

// The maximum number of messages one reply request may send.
inline constexpr size_t kMaxChatReplyMessages = 500;

struct ChatModel {
  std::string provider;  // the LLM connection's name
  std::string model;     // sent as "model"
};

// Splits a Chat's llm attribute, "openai/gpt-4.1-nano", at its first
// slash. kInvalidArgument when either side is empty.
[[nodiscard]] Result<ChatModel> ParseChatModel(std::string_view llm);

// Checks the request's `messages`: a list of 1 to kMaxChatReplyMessages
// objects, each with a role Label Studio's Chat accepts (user, assistant,
// system, tool, developer) and a string content. Returns them with only
// those two keys. Errors name the field ("messages.2.role").
[[nodiscard]] Result<boost::json::array> ReadChatMessages(const boost::json::object& body);

// The chat completions request body: the model and the messages.
boost::json::object BuildChatReplyRequest(const std::string& model, const boost::json::array& messages);

// Reads choices[0].message.content from a chat completions response, as a
// string or as a list of text parts. kInvalidArgument naming what is
// missing otherwise.
[[nodiscard]] Result<std::string> ParseChatReply(std::string_view body);

// Requests per minute the route allows; 0 turns a limit off.
struct ChatReplyLimits {
  int64_t per_user = 30;      // one user, over all projects
  int64_t per_project = 300;  // all users of one project
  // Model calls of one project waiting at once, each holding a handler
  // thread for up to the connection's timeout. More get 429 at once, so a
  // slow model cannot occupy every handler thread of the process.
  // NOTE: the cap is per project, so slow replies in several projects at
  // once can still take all handler threads.
  int64_t concurrent_per_project = 2;
};

// Registers the route above. Every argument must outlive the router.
void AddChatReplyRoute(http::Router& router, store::Database& database, const core::SecretBox& secret_box,
                       const integrations::OutboundClient& client, ChatReplyLimits limits = {});

}  // namespace tally::evals
