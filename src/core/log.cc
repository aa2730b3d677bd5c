#include "core/log.h"

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>

namespace tally {

namespace {

// %* in a pattern: the message escaped as the inside of a JSON string.
class JsonEscapedMessage final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& message, const std::tm&, spdlog::memory_buf_t& out) override {
    for (char c : message.payload) {
      const auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(c);
      } else if (byte < 0x20) {
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", byte);
      } else {
        out.push_back(c);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JsonEscapedMessage>(); }
};

}  // namespace

void InitLogging(std::string_view level, bool json_lines) {
  auto logger = spdlog::stderr_color_mt("tally");
  if (json_lines) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonEscapedMessage>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","line":"%*"})");
    logger->set_formatter(std::move(formatter));
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
  // The userinfo ends at the last '@': a password may hold an unencoded '/',
  // '?' or '#', so the end of the authority cannot be found first. A query
  // that contains '@' makes this mask too much, which is the safe side.
  const size_t at = url.rfind('@');
  if (at == std::string_view::npos || at < authority_start) return std::string(url);
  const size_t colon = url.substr(authority_start, at - authority_start).find(':');
  if (colon == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, authority_start + colon + 1));
  out += "***";
  out += url.substr(at);
  return out;
}

}  // namespace

std::string RedactUrl(std::string_view url) { return RedactQueryPassword(RedactUserinfo(url)); }

std::string LogValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f || c == '"' || c == '\\') {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace tally
