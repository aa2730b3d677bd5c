#include "http/errors.h"

#include <boost/json.hpp>

namespace tally::http {

namespace bj = boost::json;

int StatusFor(Errc code) {
  switch (code) {
    case Errc::kNotFound: return 404;
    case Errc::kInvalidArgument: return 400;
    case Errc::kConflict: return 409;
    case Errc::kUnauthorized: return 401;
    case Errc::kForbidden: return 403;
    case Errc::kUnavailable: return 503;
    case Errc::kPayloadTooLarge: return 413;
    case Errc::kRateLimited: return 429;
    case Errc::kInternal: return 500;
  }
  return 500;
}

namespace {

const char* LangfuseErrorName(Errc code) {
  switch (code) {
    case Errc::kNotFound: return "LangfuseNotFoundError";
    case Errc::kInvalidArgument: return "InvalidRequestError";
    case Errc::kConflict: return "LangfuseConflictError";
    case Errc::kUnauthorized: return "UnauthorizedError";
    case Errc::kForbidden: return "ForbiddenError";
    case Errc::kUnavailable: return "ServiceUnavailableError";
    case Errc::kPayloadTooLarge: return "PayloadTooLargeError";
    case Errc::kRateLimited: return "TooManyRequestsError";
    case Errc::kInternal: return "InternalServerError";
  }
  return "InternalServerError";
}

bj::array IssuePath(std::string_view field) {
  bj::array path;
  size_t start = 0;
  while (start <= field.size()) {
    size_t end = field.find('.', start);
    if (end == std::string_view::npos) end = field.size();
    std::string_view part = field.substr(start, end - start);
    if (!part.empty() && part.find_first_not_of("0123456789") == std::string_view::npos) {
      path.emplace_back(std::stoll(std::string(part)));
    } else {
      path.emplace_back(part);
    }
    start = end + 1;
  }
  return path;
}

}  // namespace

Response ErrorResponse(const Error& error, std::string_view path, std::string_view request_id) {
  return ErrorResponse(error, path, request_id, StatusFor(error.code));
}

Response ErrorResponse(const Error& error, std::string_view path, std::string_view request_id, int status) {
  bj::object body;

  if (IsLangfusePath(path)) {
    if (!error.fields.empty()) {
      body["message"] = "Invalid request data";
      bj::array issues;
      for (const FieldError& field : error.fields) {
        issues.push_back(bj::object{{"code", "invalid_type"}, {"path", IssuePath(field.field)},
                                    {"message", field.message}});
      }
      body["error"] = std::move(issues);
    } else {
      body["message"] = error.message;
      body["error"] = LangfuseErrorName(error.code);
    }
  } else {
    body["id"] = request_id;
    body["status_code"] = status;
    body["version"] = TALLY_VERSION;
    body["detail"] = error.message;
    body["exc_info"] = nullptr;
    if (!error.fields.empty()) {
      bj::object validation;
      for (const FieldError& field : error.fields) {
        auto& messages = validation[field.field];
        if (!messages.is_array()) messages = bj::array();
        messages.as_array().emplace_back(field.message);
      }
      body["validation_errors"] = std::move(validation);
    }
  }

  Response response = Response::Json(body, status);
  if (error.code == Errc::kUnavailable) response.WithHeader("Retry-After", "1");
  if (error.code == Errc::kRateLimited) response.WithHeader("Retry-After", "60");
  if (status == 401) {
    response.WithHeader("WWW-Authenticate", std::string(IsLangfusePath(path) ? kBasicChallenge : kTokenChallenge));
  }
  return response;
}

}  // namespace tally::http
