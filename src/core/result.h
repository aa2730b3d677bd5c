// Result<T>: the value-or-error type every fallible call in Tally returns.
//
// Expected failures (a missing row, a bad field in a request, a busy database)
// are values, not exceptions: a function that can fail returns Result<T> and is
// marked [[nodiscard]]. Exceptions are reserved for broken invariants and
// start-up failures.
//
// An Error carries three things:
//   - a code from a small closed set, which src/http/ maps to a status in one place;
//   - a message that is safe to show to the client who made the request;
//   - a detail that is logged only (SQL text, driver messages, file paths).
// Optionally it names the request field at fault, so both API envelopes
// (Label Studio's validation_errors, Langfuse's issue path) can point at it.
//
// Thread-safety: plain values; copy freely.
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tally {

enum class Errc {
  kNotFound,
  kInvalidArgument,
  kConflict,
  kUnauthorized,
  kForbidden,
  kUnavailable,
  kPayloadTooLarge,
  kRateLimited,
  kInternal,
};

// Stable lowercase name of a code ("not_found", …), used in logs and metrics.
std::string_view ErrcName(Errc code);

struct FieldError {
  std::string field;    // dotted path into the request: "label_config", "batch.3.body.id"
  std::string message;  // what is wrong with it and what to send instead
};

struct Error {
  Errc code = Errc::kInternal;
  std::string message;              // client-safe
  std::string detail;               // logged only; never sent to a client
  std::vector<FieldError> fields;   // empty unless the fault is in named request fields

  static Error NotFound(std::string message) { return {Errc::kNotFound, std::move(message), {}, {}}; }
  static Error Invalid(std::string message) { return {Errc::kInvalidArgument, std::move(message), {}, {}}; }
  // A validation failure on one request field; message says what to send instead.
  static Error InvalidField(std::string field, std::string message) {
    Error error{Errc::kInvalidArgument, "Validation error", {}, {}};
    error.fields.push_back({std::move(field), std::move(message)});
    return error;
  }
  static Error Conflict(std::string message) { return {Errc::kConflict, std::move(message), {}, {}}; }
  static Error Unauthorized(std::string message) { return {Errc::kUnauthorized, std::move(message), {}, {}}; }
  static Error Forbidden(std::string message) { return {Errc::kForbidden, std::move(message), {}, {}}; }
  static Error Unavailable(std::string message, std::string detail = {}) {
    return {Errc::kUnavailable, std::move(message), std::move(detail), {}};
  }
  static Error TooLarge(std::string message) { return {Errc::kPayloadTooLarge, std::move(message), {}, {}}; }
  static Error RateLimited(std::string message) { return {Errc::kRateLimited, std::move(message), {}, {}}; }
  // An unexpected failure: the client sees a generic message, the detail goes to the log.
  static Error Internal(std::string detail) { return {Errc::kInternal, "Internal server error", std::move(detail), {}}; }

  bool Is(Errc other) const { return code == other; }
  bool IsNotFound() const { return code == Errc::kNotFound; }
  bool IsConflict() const { return code == Errc::kConflict; }
};

// Called by boost::system::result::value() on an error; found by ADL.
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, Error>;

// Result<void> success value: `return Ok();`
inline Result<void> Ok() { return {}; }

}  // namespace tally

// Propagates an error from a Result-returning expression; otherwise yields nothing.
#define TALLY_TRY(...)                                   \
  do {                                                   \
    auto tally_try_result_ = (__VA_ARGS__);              \
    if (!tally_try_result_) return tally_try_result_.error(); \
  } while (false)

// Declares `var` from a Result-returning expression, or returns its error.
#define TALLY_ASSIGN_OR_RETURN(var, ...)                 \
  auto var##_result_ = (__VA_ARGS__);                    \
  if (!var##_result_) return var##_result_.error();      \
  auto var = std::move(*var##_result_)
