// Query-string parsing shared by the tracing routes. Every failure is an
// InvalidField error naming the parameter, which /api/public paths return as
// 400 {"message": "Invalid request data", "error": [issues]}.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http/message.h"
#include "tracing/trace_store.h"

namespace tally::tracing {

// The highest page number a list accepts; with any limit up to a million
// the SQL offset stays far inside 64 bits.
inline constexpr int64_t kMaxPage = 1'000'000'000;

// `page` (1..kMaxPage, default 1) and `limit` (1..max_limit, default 50).
[[nodiscard]] Result<Page> ParsePage(const http::Request& request, int64_t max_limit = 100);

// An ISO 8601 datetime parameter with a zone, or nullopt when absent.
[[nodiscard]] Result<std::optional<Micros>> ParseTimeParam(const http::Request& request, std::string_view key);

// Non-empty values of a parameter, repeated or comma-separated.
std::vector<std::string> ListParam(const http::Request& request, std::string_view key);

// A non-empty string parameter, or nullopt.
std::optional<std::string> TextParam(const http::Request& request, std::string_view key);

// {"page", "limit", "totalItems", "totalPages"}.
boost::json::object PageMeta(const Page& page, int64_t total);

// The path parameter `name` (already percent-decoded by the server).
std::string PathParam(const http::Request& request, std::string_view name);

// Parses a request body as JSON allowing deep nesting (up to 1000 levels).
[[nodiscard]] Result<boost::json::value> ParseDeepJson(std::string_view body);

}  // namespace tally::tracing
