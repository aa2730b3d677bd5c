// Parsing and checking of prompt API requests: bodies and query strings in,
// store-level values out. Every failure is an Errc::kInvalidArgument. Field
// faults name the field, so /api/public returns 400 {"message": "Invalid
// request data", "error": [{code, path, message}]}.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "prompts/prompt_store.h"

namespace tally::prompts {

// The body of POST /api/public/v2/prompts. `type` defaults to text; chat
// messages lose the "chatmessage" type marker the SDKs send; `config`
// defaults to {}. Checks the name, label and placeholder-name rules and that
// no {{variable}} shares its name with a placeholder.
[[nodiscard]] Result<NewPromptVersion> ParseNewPromptVersion(std::string_view body);

// The body of PATCH …/versions/{version}: {"newLabels": [..]}. Any strings
// are accepted except `latest`, which only the server assigns.
[[nodiscard]] Result<std::vector<std::string>> ParseNewLabels(std::string_view body);

// `version` and `label` from the query string; both at once is an error.
[[nodiscard]] Result<VersionSelector> ParseVersionSelector(const http::Request& request);

// The integer query parameter `key`; nullopt when it is absent.
[[nodiscard]] Result<std::optional<int64_t>> IntParam(const http::Request& request, std::string_view key);

// The list filters and `page`/`limit` (default 10, max 100).
[[nodiscard]] Result<PromptListFilter> ParseListFilter(const http::Request& request);

// `page` (1..1,000,000,000, default 1) and `limit` (1..100, default
// `default_limit`).
[[nodiscard]] Result<std::pair<int64_t, int64_t>> ParsePage(const http::Request& request, int64_t default_limit);

// Checks a name against the create rules; the error message names the broken rule.
[[nodiscard]] Result<void> CheckPromptName(std::string_view name);

}  // namespace tally::prompts
