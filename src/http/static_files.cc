#include "http/static_files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

namespace tally::http {
namespace {

namespace fs = std::filesystem;

// Vite names bundles with a content hash, so a file under assets/ never
// changes; index.html names the current bundles and must be revalidated.
constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kRevalidate = "no-cache";
constexpr const char* kShortLived = "public, max-age=3600";

constexpr std::array<std::string_view, 5> kServerPrefixes = {"/api", "/data", "/metrics", "/health", "/assets"};

std::optional<std::string> ReadFile(const fs::path& path) {
  std::error_code error;
  if (!fs::is_regular_file(path, error)) return std::nullopt;
  std::ifstream input(path, std::ios::binary);
  if (!input) return std::nullopt;
  std::ostringstream contents;
  contents << input.rdbuf();
  return std::move(contents).str();
}

Response FileResponse(std::string body, std::string_view name, const char* cache_control) {
  Response response = Response::Text(std::move(body), StaticContentType(name));
  response.WithHeader("Cache-Control", cache_control);
  response.WithHeader("X-Content-Type-Options", "nosniff");
  // The UI acts with the user's session cookie, so no other site may frame
  // it and trick a click (clickjacking).
  response.WithHeader("X-Frame-Options", "DENY");
  response.WithHeader("Content-Security-Policy", "frame-ancestors 'none'");
  return response;
}

Result<Response> ServeIndex(const fs::path& dist) {
  auto index = ReadFile(dist / "index.html");
  if (!index) {
    return Response::Text(
        "The web UI is not built. Run `make build` (or `npm ci && npm run build` in web/), "
        "or point --web-dir at a directory whose dist/ holds the build. The API is at /api.\n",
        "text/plain; charset=utf-8", 503);
  }
  return FileResponse(std::move(*index), "index.html", kRevalidate);
}

}  // namespace

std::string StaticContentType(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  for (const auto& [extension, type] : kTypes) {
    if (name.size() > extension.size() && name.ends_with(extension)) return std::string(type);
  }
  return "application/octet-stream";
}

bool IsPlainFileName(std::string_view name) {
  return !name.empty() && name.size() <= 255 && name.front() != '.' &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
         });
}

bool IsWebUiPath(std::string_view path) {
  for (std::string_view prefix : kServerPrefixes) {
    if (path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/')) return false;
  }
  return true;
}

void AddWebUiRoutes(Router& router, std::string dist_dir) {
  const fs::path dist(std::move(dist_dir));

  router.Add({.method = "GET",
              .pattern = "/",
              .auth = Auth::kNone,
              .doc = {.summary = "The web UI (index.html of the built app)",
                      .tag = "Web UI",
                      .response_schema = R"({"type":"string","description":"text/html"})"},
              .handler = [dist](Request&) -> Result<Response> { return ServeIndex(dist); }});

  router.Add({.method = "GET",
              .pattern = "/assets/{file}",
              .auth = Auth::kNone,
              .doc = {.summary = "A content-hashed bundle of the web UI, cacheable for a year",
                      .tag = "Web UI",
                      .response_schema = R"({"type":"string","format":"binary"})"},
              .handler = [dist](Request& request) -> Result<Response> {
                const std::string& file = request.path_params["file"];
                if (!IsPlainFileName(file)) return Error::NotFound("Not found.");
                auto body = ReadFile(dist / "assets" / file);
                if (!body) return Error::NotFound("Not found.");
                return FileResponse(std::move(*body), file, kImmutable);
              }});

  // Client routes (/projects/3/data, /account, …) load index.html; a single
  // segment naming a top-level file of the build (favicon.svg) serves it.
  router.SetFallback(
      Route{.method = "GET",
            .pattern = "/{client_route}",
            .auth = Auth::kNone,
            .doc = {.summary = "Client-side routes of the web UI", .tag = "Web UI"},
            .handler = [dist](Request& request) -> Result<Response> {
              std::string_view path = request.path;
              if (path.starts_with('/')) path.remove_prefix(1);
              if (IsPlainFileName(path) && path != "index.html") {
                if (auto body = ReadFile(dist / std::string(path))) {
                  return FileResponse(std::move(*body), path, kShortLived);
                }
              }
              return ServeIndex(dist);
            }},
      IsWebUiPath);
}

}  // namespace tally::http
