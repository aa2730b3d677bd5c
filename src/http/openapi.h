// The OpenAPI 3.1 document of every registered route, built from the router's
// table (so no route can be missing from it), and the routes that serve it:
// GET /api/openapi.json and the interactive page GET /api/docs, whose
// swagger-ui assets come from the swagger-ui-dist npm package on disk.
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "http/router.h"

namespace tally::http {

// Builds the document for every route in `router`.
boost::json::object BuildOpenApi(const Router& router);

// OpenAPI path template for a route pattern: "/api/projects/{id:int}" →
// "/api/projects/{id}".
std::string OpenApiPath(const std::string& pattern);

// Registers /api/openapi.json, /api/docs and /api/docs/assets/{file}.
// `swagger_ui_dir` is the swagger-ui-dist package directory; when it is
// missing, /api/docs explains how to install it and the JSON still works.
void AddDocsRoutes(Router& router, std::string swagger_ui_dir);

}  // namespace tally::http
