// Structured logging on spdlog.
//
// One event per line: `event=<name> key=value ...`. Callers pass ids, counts,
// sizes and durations; never secrets (tokens, passwords, Authorization or
// Cookie headers, credentialed URLs) and never user content (task data,
// annotation values, prompt text, trace inputs, emails). RedactUrl strips the
// password from a connection string before it can be printed.
#pragma once

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace tally {

// Configures the default logger: level name ("debug", "info", …), and whether
// lines are JSON objects instead of key=value text.
void InitLogging(std::string_view level, bool json_lines);

// Returns `url` with any password in its userinfo replaced by "***".
std::string RedactUrl(std::string_view url);

// Returns a client-supplied value (a path, a header) safe to put in a
// key=value log line: control characters, spaces, quotes and backslashes
// become \xNN, so no input can forge a line or a field.
std::string LogValue(std::string_view value);

}  // namespace tally

#define TALLY_LOG_DEBUG(...) SPDLOG_DEBUG(__VA_ARGS__)
#define TALLY_LOG_INFO(...) spdlog::info(__VA_ARGS__)
#define TALLY_LOG_WARN(...) spdlog::warn(__VA_ARGS__)
#define TALLY_LOG_ERROR(...) spdlog::error(__VA_ARGS__)
