#include "http/openapi.h"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/json.h"
#include "http/errors.h"

namespace tally::http {

namespace bj = boost::json;

std::string OpenApiPath(const std::string& pattern) {
  std::string out;
  out.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern.compare(i, 4, ":int") == 0 && i + 4 < pattern.size() && pattern[i + 4] == '}') {
      i += 3;
      continue;
    }
    out.push_back(pattern[i]);
  }
  return out;
}

namespace {

bj::value SchemaOrAny(const std::string& text) {
  if (text.empty()) return bj::object{};
  return bj::parse(text);  // schemas are literals in the source: a parse error is a build-time bug
}

bj::array SecurityFor(Auth auth) {
  switch (auth) {
    case Auth::kNone: return bj::array{};
    case Auth::kUser:
      return bj::array{bj::object{{"TokenAuth", bj::array{}}}, bj::object{{"BearerAuth", bj::array{}}},
                       bj::object{{"SessionCookie", bj::array{}}}};
    case Auth::kProjectKey:
    case Auth::kScoreWriter: {
      // A key pair, or a person's credential together with the project header.
      bj::array security{bj::object{{"BasicAuth", bj::array{}}}};
      if (auth == Auth::kScoreWriter) security.push_back(bj::object{{"PublicKeyBearer", bj::array{}}});
      for (const char* user_scheme : {"TokenAuth", "BearerAuth", "SessionCookie"}) {
        security.push_back(bj::object{{user_scheme, bj::array{}}, {"ProjectHeader", bj::array{}}});
      }
      return security;
    }
  }
  return bj::array{};
}

bj::object Components() {
  return bj::object{
      {"securitySchemes",
       {{"TokenAuth",
         {{"type", "apiKey"}, {"in", "header"}, {"name", "Authorization"},
          {"description", "Label Studio legacy token: `Authorization: Token <key>` (or `X-Api-Key: <key>`)."}}},
        {"BearerAuth",
         {{"type", "http"}, {"scheme", "bearer"}, {"bearerFormat", "JWT"},
          {"description", "Short-lived access token from POST /api/token/refresh with a personal access token."}}},
        {"SessionCookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "tally_session"},
                           {"description", "Browser session; unsafe methods also need the X-CSRFToken header."}}},
        {"BasicAuth", {{"type", "http"}, {"scheme", "basic"},
                       {"description", "Langfuse project key pair: base64(publicKey:secretKey)."}}},
        {"PublicKeyBearer", {{"type", "http"}, {"scheme", "bearer"},
                             {"description", "A project's public key alone (pk-lf-…); allowed to write scores only."}}},
        {"ProjectHeader",
         {{"type", "apiKey"}, {"in", "header"}, {"name", "X-Tally-Project"},
          {"description", "With a user's token, access token or session: the id of the project a key-pair endpoint "
                          "acts on. Members read; score writes are open to every member, other writes need the "
                          "manager role."}}}}},
      {"schemas",
       {{"LabelStudioError",
         {{"type", "object"},
          {"properties",
           {{"id", {{"type", "string"}}},
            {"status_code", {{"type", "integer"}}},
            {"version", {{"type", "string"}}},
            {"detail", {{"type", "string"}}},
            {"exc_info", {{"type", "null"}}},
            {"validation_errors", {{"type", "object"}, {"additionalProperties", {{"type", "array"}}}}}}},
          {"required", {"status_code", "detail"}}}},
        {"LangfuseError",
         {{"type", "object"},
          {"properties", {{"message", {{"type", "string"}}}, {"error", {}}}},
          {"required", {"message"}}}}}}};
}

}  // namespace

bj::object BuildOpenApi(const Router& router) {
  bj::object paths;
  for (const Route& route : router.routes()) {
    const std::string path = OpenApiPath(route.pattern);
    bj::object operation;
    operation["summary"] = route.doc.summary;
    operation["tags"] = bj::array{bj::value(route.doc.tag.empty() ? "Other" : route.doc.tag)};
    operation["operationId"] = route.method + " " + path;
    operation["security"] = SecurityFor(route.auth);

    bj::array parameters;
    for (const auto& [name, is_int] : [&] {
           std::vector<std::pair<std::string, bool>> params;
           size_t pos = 0;
           while ((pos = route.pattern.find('{', pos)) != std::string::npos) {
             const size_t end = route.pattern.find('}', pos);
             std::string inner = route.pattern.substr(pos + 1, end - pos - 1);
             const bool is_int = inner.ends_with(":int");
             if (is_int) inner.resize(inner.size() - 4);
             params.emplace_back(inner, is_int);
             pos = end;
           }
           return params;
         }()) {
      parameters.push_back(bj::object{{"name", name}, {"in", "path"}, {"required", true},
                                      {"schema", {{"type", is_int ? "integer" : "string"}}}});
    }
    for (const std::string& name : route.doc.query) {
      parameters.push_back(bj::object{{"name", name}, {"in", "query"}, {"required", false},
                                      {"schema", {{"type", "string"}}}});
    }
    if (!parameters.empty()) operation["parameters"] = std::move(parameters);

    if (!route.doc.request_schema.empty()) {
      operation["requestBody"] = {
          {"required", true},
          {"content", {{"application/json", {{"schema", SchemaOrAny(route.doc.request_schema)}}}}}};
    }

    bj::object responses;
    bj::object success{{"description", "Success"}};
    if (!route.doc.response_schema.empty()) {
      success["content"] = {{"application/json", {{"schema", SchemaOrAny(route.doc.response_schema)}}}};
    }
    responses[std::to_string(route.doc.success_status)] = std::move(success);
    const char* error_schema = IsLangfusePath(route.pattern) ? "#/components/schemas/LangfuseError"
                                                             : "#/components/schemas/LabelStudioError";
    bj::object error_content{{"application/json", {{"schema", {{"$ref", error_schema}}}}}};
    responses["400"] = {{"description", "Invalid request; the body names the field"}, {"content", error_content}};
    if (route.auth != Auth::kNone) {
      responses["401"] = {{"description", "Missing or invalid credentials"}, {"content", error_content}};
      responses["403"] = {{"description", "Credentials lack access"}, {"content", error_content}};
    }
    if (route.pattern.find('{') != std::string::npos) {
      responses["404"] = {{"description", "Not found"}, {"content", error_content}};
    }
    responses["503"] = {{"description", "Overloaded or shutting down; retry after Retry-After seconds"},
                        {"content", error_content}};
    operation["responses"] = std::move(responses);

    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
    bj::value& item = paths[path];
    if (!item.is_object()) item.emplace_object();
    item.as_object()[method] = std::move(operation);
  }

  return bj::object{{"openapi", "3.1.0"},
                    {"info",
                     {{"title", "Tally API"},
                      {"version", TALLY_VERSION},
                      {"description",
                       "Label Studio-compatible labeling API under /api and Langfuse-compatible tracing API under "
                       "/api/public."}}},
                    {"paths", std::move(paths)},
                    {"components", Components()}};
}

namespace {

const char* kDocsPage = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Tally API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
</script>
</body>
</html>
)html";

std::string ContentTypeFor(const std::string& file) {
  if (file.ends_with(".js")) return "text/javascript";
  if (file.ends_with(".css")) return "text/css";
  if (file.ends_with(".png")) return "image/png";
  if (file.ends_with(".map")) return "application/json";
  return "application/octet-stream";
}

}  // namespace

void AddDocsRoutes(Router& router, std::string swagger_ui_dir) {
  auto document = std::make_shared<std::string>();
  auto once = std::make_shared<std::once_flag>();
  const Router* table = &router;

  router.Add({.method = "GET",
              .pattern = "/api/openapi.json",
              .auth = Auth::kNone,
              .dispatch = Dispatch::kInline,
              .doc = {.summary = "This OpenAPI document", .tag = "Meta", .response_schema = R"({"type":"object"})"},
              .handler = [document, once, table](Request&) -> Result<Response> {
                // Built on first use: every route is registered by then.
                std::call_once(*once, [&] { *document = json::Serialize(BuildOpenApi(*table)); });
                return Response::Text(*document, "application/json");
              }});

  router.Add({.method = "GET",
              .pattern = "/api/docs",
              .auth = Auth::kNone,
              .dispatch = Dispatch::kInline,
              .doc = {.summary = "Interactive API documentation (swagger-ui)", .tag = "Meta"},
              .handler = [swagger_ui_dir](Request&) -> Result<Response> {
                if (!std::filesystem::exists(std::filesystem::path(swagger_ui_dir) / "swagger-ui-bundle.js")) {
                  return Response::Text(
                      "The interactive page needs the swagger-ui-dist npm package (run `make build`); "
                      "the document itself is at /api/openapi.json.\n",
                      "text/plain; charset=utf-8", 200);
                }
                return Response::Text(kDocsPage, "text/html; charset=utf-8");
              }});

  router.Add({.method = "GET",
              .pattern = "/api/docs/assets/{file}",
              .auth = Auth::kNone,
              .dispatch = Dispatch::kPool,
              .doc = {.summary = "swagger-ui static assets", .tag = "Meta"},
              .handler = [swagger_ui_dir](Request& request) -> Result<Response> {
                const std::string& file = request.path_params["file"];
                // Only plain file names: letters, digits, '.', '-', '_', not
                // starting with '.', so no separator, NUL or dot-dot gets through.
                const bool plain = !file.empty() && file.front() != '.' &&
                                   std::all_of(file.begin(), file.end(), [](char c) {
                                     return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                                            c == '_';
                                   });
                if (!plain || file.find("..") != std::string::npos) return Error::NotFound("Not found.");
                std::ifstream input(std::filesystem::path(swagger_ui_dir) / file, std::ios::binary);
                if (!input) return Error::NotFound("Not found.");
                std::ostringstream contents;
                contents << input.rdbuf();
                Response response = Response::Text(contents.str(), ContentTypeFor(file));
                response.WithHeader("Cache-Control", "public, max-age=86400");
                return response;
              }});
}

}  // namespace tally::http
