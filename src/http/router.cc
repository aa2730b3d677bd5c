#include "http/router.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <stdexcept>

namespace tally::http {

std::vector<std::string_view> Router::SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    parts.push_back(path.substr(start, end - start));
    start = end;
  }
  return parts;
}

void Router::Add(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
  }
  if (route.doc.summary.empty()) {
    throw std::invalid_argument("route " + route.method + " " + route.pattern + " needs a doc summary");
  }
  if (!route.handler) throw std::invalid_argument("route " + route.method + " " + route.pattern + " has no handler");
  for (const std::string* schema : {&route.doc.request_schema, &route.doc.response_schema}) {
    boost::system::error_code ec;
    if (!schema->empty()) (void)boost::json::parse(*schema, ec);
    if (ec) {
      throw std::invalid_argument("route " + route.method + " " + route.pattern + " has a schema that is not JSON: " +
                                  ec.message());
    }
  }

  Compiled compiled;
  for (std::string_view part : SplitPath(route.pattern)) {
    Segment segment;
    if (part.front() == '{') {
      if (part.back() != '}') throw std::invalid_argument("unclosed parameter in " + route.pattern);
      std::string_view inner = part.substr(1, part.size() - 2);
      segment.is_param = true;
      if (inner.ends_with(":int")) {
        segment.is_int = true;
        inner.remove_suffix(4);
      }
      segment.text = std::string(inner);
    } else {
      segment.text = std::string(part);
    }
    compiled.segments.push_back(std::move(segment));
  }

  for (const Route& existing : routes_) {
    if (existing.method == route.method && SplitPath(existing.pattern) == SplitPath(route.pattern)) {
      throw std::invalid_argument("duplicate route " + route.method + " " + route.pattern);
    }
  }
  compiled.route_index = routes_.size();
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(compiled));
}

bool Router::MatchSegments(const Compiled& compiled, const std::vector<std::string_view>& parts,
                           std::map<std::string, std::string>* params) const {
  if (compiled.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Segment& segment = compiled.segments[i];
    if (!segment.is_param) {
      if (segment.text != parts[i]) return false;
      continue;
    }
    if (segment.is_int && !std::all_of(parts[i].begin(), parts[i].end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    if (params) (*params)[segment.text] = std::string(parts[i]);
  }
  return true;
}

Match Router::Find(std::string_view method, std::string_view path) const {
  return FindSegments(method, SplitPath(path), path);
}

Match Router::FindEncoded(std::string_view method, std::string_view raw_path) const {
  if (raw_path.find('%') == std::string_view::npos) return Find(method, raw_path);
  // An escape that does not decode is kept as sent, per the contract.
  auto decode = [](std::string_view text) {
    auto decoded = PercentDecode(text, false);
    return decoded ? std::move(*decoded) : std::string(text);
  };
  std::vector<std::string> decoded;
  for (std::string_view part : SplitPath(raw_path)) decoded.push_back(decode(part));
  const std::vector<std::string_view> parts(decoded.begin(), decoded.end());
  return FindSegments(method, parts, decode(raw_path));
}

Match Router::FindSegments(std::string_view method, const std::vector<std::string_view>& parts,
                           std::string_view path) const {
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;

  // Literal segments win over parameters: try routes with fewer parameters
  // first so "/api/projects/validate" beats "/api/projects/{id}".
  Match match;
  int best_params = -1;
  for (const Compiled& compiled : compiled_) {
    const Route& route = routes_[compiled.route_index];
    if (!MatchSegments(compiled, parts, nullptr)) continue;
    if (route.method != wanted) {
      if (std::find(match.allowed_methods.begin(), match.allowed_methods.end(), route.method) ==
          match.allowed_methods.end()) {
        match.allowed_methods.push_back(route.method);
      }
      continue;
    }
    const int param_count = static_cast<int>(
        std::count_if(compiled.segments.begin(), compiled.segments.end(), [](const Segment& s) { return s.is_param; }));
    if (match.route && param_count >= best_params) continue;
    match.params.clear();
    MatchSegments(compiled, parts, &match.params);
    match.route = &route;
    best_params = param_count;
  }
  if (match.route) match.allowed_methods.clear();
  if (!match.route && match.allowed_methods.empty() && fallback_ && wanted == "GET" && fallback_accepts_(path)) {
    match.route = &*fallback_;
  }
  return match;
}

void Router::SetFallback(Route route, std::function<bool(std::string_view path)> accepts) {
  if (route.doc.summary.empty() || !route.handler || !accepts) {
    throw std::invalid_argument("the fallback route needs a summary, a handler and a path check");
  }
  fallback_ = std::move(route);
  fallback_accepts_ = std::move(accepts);
}

}  // namespace tally::http
