#include "core/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace tally {

void InitLogging(std::string_view level, bool json_lines) {
  auto logger = spdlog::stderr_color_mt("tally");
  if (json_lines) {
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","line":"%v"})", spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(std::string(level)));
  spdlog::set_default_logger(logger);
}

namespace {

// Masks the value of every `password=` parameter in a query string.
std::string RedactQueryPassword(std::string url) {
  size_t pos = 0;
  while ((pos = url.find("password=", pos)) != std::string::npos) {
    if (pos > 0 && url[pos - 1] != '?' && url[pos - 1] != '&') {
      pos += 9;
      continue;
    }
    const size_t value_start = pos + 9;
    const size_t value_end = url.find('&', value_start);
    url.replace(value_start, (value_end == std::string::npos ? url.size() : value_end) - value_start, "***");
    pos = value_start + 3;
  }
  return url;
}

std::string RedactUserinfo(std::string_view url) {
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const size_t authority_start = scheme_end + 3;
  const size_t authority_end = url.find_first_of("/?#", authority_start);
  const std::string_view authority = url.substr(authority_start, authority_end - authority_start);
  const size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  const size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, authority_start + colon + 1));
  out += "***";
  out += url.substr(authority_start + at);
  return out;
}

}  // namespace

std::string RedactUrl(std::string_view url) { return RedactQueryPassword(RedactUserinfo(url)); }

}  // namespace tally
