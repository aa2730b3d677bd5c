#include "tracing/route_helpers.h"

#include <fmt/format.h>

#include <charconv>

namespace tally::tracing {

namespace bj = boost::json;

namespace {

Result<std::optional<int64_t>> IntParam(const http::Request& request, std::string_view key) {
  auto text = request.Query(key);
  if (!text) return std::optional<int64_t>();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) {
    return Error::InvalidField(std::string(key), "Expected integer, received string");
  }
  return std::optional<int64_t>(value);
}

}  // namespace

Result<Page> ParsePage(const http::Request& request, int64_t max_limit) {
  Page page;
  TALLY_ASSIGN_OR_RETURN(number, IntParam(request, "page"));
  TALLY_ASSIGN_OR_RETURN(limit, IntParam(request, "limit"));
  if (number) {
    if (*number < 1) return Error::InvalidField("page", "Number must be greater than or equal to 1");
    // Bounded so that (page - 1) * limit, the SQL offset, fits in 64 bits.
    if (*number > kMaxPage) {
      return Error::InvalidField("page", fmt::format("Number must be less than or equal to {}", kMaxPage));
    }
    page.page = *number;
  }
  if (limit) {
    if (*limit < 1) return Error::InvalidField("limit", "Number must be greater than or equal to 1");
    if (*limit > max_limit) {
      return Error::InvalidField("limit", fmt::format("Number must be less than or equal to {}", max_limit));
    }
    page.limit = *limit;
  }
  return page;
}

Result<std::optional<Micros>> ParseTimeParam(const http::Request& request, std::string_view key) {
  auto text = request.Query(key);
  if (!text || text->empty()) return std::optional<Micros>();
  auto parsed = ParseIsoTimestamp(*text);
  if (!parsed) {
    return Error::InvalidField(std::string(key), "Invalid datetime: send ISO 8601 with a zone, e.g. 2024-01-01T00:00:00Z");
  }
  return std::optional<Micros>(*parsed);
}

std::vector<std::string> ListParam(const http::Request& request, std::string_view key) {
  std::vector<std::string> out;
  for (const std::string& value : request.QueryAll(key)) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t end = value.find(',', start);
      if (end == std::string::npos) end = value.size();
      std::string item = value.substr(start, end - start);
      if (!item.empty()) out.push_back(std::move(item));
      start = end + 1;
    }
  }
  return out;
}

std::optional<std::string> TextParam(const http::Request& request, std::string_view key) {
  auto value = request.Query(key);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

bj::object PageMeta(const Page& page, int64_t total) {
  return bj::object{{"page", page.page},
                    {"limit", page.limit},
                    {"totalItems", total},
                    {"totalPages", (total + page.limit - 1) / page.limit}};
}

std::string PathParam(const http::Request& request, std::string_view name) {
  auto it = request.path_params.find(std::string(name));
  return it == request.path_params.end() ? std::string() : it->second;
}

Result<bj::value> ParseDeepJson(std::string_view body) {
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 1000;
  bj::value value = bj::parse(body, ec, {}, options);
  if (ec) return Error::Invalid(fmt::format("Request body is not valid JSON: {}", ec.message()));
  return value;
}

}  // namespace tally::tracing
