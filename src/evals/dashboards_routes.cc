#include "evals/dashboards_routes.h"

#include <fmt/format.h>

#include <charconv>

#include "accounts/project_access.h"
#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "evals/agreement_store.h"
#include "evals/dashboards_store.h"
#include "evals/metrics_store.h"

namespace tally::evals {

namespace bj = boost::json;
using accounts::Role;
using store::Connection;

namespace {

constexpr Micros kDefaultRange = 24 * 3'600'000'000LL;

constexpr const char* kDashboardSchema = R"({
  "type": "object", "required": ["id", "project", "name", "description", "widgets"],
  "properties": {"id": {"type": "string"}, "project": {"type": "integer"}, "name": {"type": "string"},
                 "description": {"type": "string"}, "default_key": {"type": ["string", "null"]},
                 "widgets": {"type": "array", "items": {"type": "object", "required": ["id", "name", "type", "layout"]}}}
})";

constexpr const char* kDashboardListSchema = R"({"type": "array", "items": {"type": "object"}})";

constexpr const char* kCreateSchema = R"({
  "type": "object", "required": ["project", "name"],
  "properties": {"project": {"type": "integer"}, "name": {"type": "string", "maxLength": 200},
                 "description": {"type": "string"}, "widgets": {"type": "array"}}
})";

constexpr const char* kUpdateSchema = R"({
  "type": "object",
  "properties": {"name": {"type": "string", "maxLength": 200}, "description": {"type": "string"},
                 "widgets": {"type": "array"}}
})";

constexpr const char* kDataSchema = R"({
  "type": "object", "required": ["dashboard", "from", "to", "widgets"],
  "properties": {"widgets": {"type": "array", "items": {"type": "object", "required": ["id", "type"]}}}
})";

Result<std::string> CheckName(const bj::value& value) {
  if (!value.is_string() || value.as_string().empty() || value.as_string().size() > 200) {
    return Error::InvalidField("name", "must be a string of 1 to 200 characters");
  }
  return std::string(value.as_string());
}

// Loads the dashboard `id` after checking the caller's role in its project.
Result<Dashboard> AuthorizedDashboard(Connection& c, const http::Request& request, Role minimum) {
  const std::string id = request.path_params.at("id");
  TALLY_ASSIGN_OR_RETURN(dashboard, FindDashboard(c, id));
  if (!dashboard) return Error::NotFound("Dashboard not found");
  auto authorized = accounts::AuthorizeProject(c, request.principal, dashboard->project_id, minimum);
  // A dashboard of a project the caller cannot see does not exist for them.
  if (!authorized && authorized.error().IsNotFound()) return Error::NotFound("Dashboard not found");
  TALLY_TRY(authorized);
  return *dashboard;
}

Result<http::Response> ListRoute(store::Database& database, http::Request& request) {
  auto text = request.Query("project");
  int64_t project_id = 0;
  if (!text || std::from_chars(text->data(), text->data() + text->size(), project_id).ec != std::errc() ||
      project_id < 1) {
    return Error::InvalidField("project", "is required: the id of the project whose dashboards to list");
  }
  TALLY_ASSIGN_OR_RETURN(dashboards, database.Write([&](Connection& c) -> Result<std::vector<Dashboard>> {
    TALLY_TRY(accounts::AuthorizeProject(c, request.principal, project_id, Role::kAnnotator));
    TALLY_ASSIGN_OR_RETURN(created, EnsureDefaultDashboards(c, project_id));
    if (created > 0) {
      TALLY_LOG_INFO("event=default_dashboards_created request_id={} project_id={} count={}", request.request_id,
                     project_id, created);
    }
    return ListDashboards(c, project_id);
  }));
  bj::array out;
  for (const auto& dashboard : dashboards) out.push_back(SerializeDashboard(dashboard));
  return http::Response::Json(out);
}

Result<http::Response> CreateRoute(store::Database& database, http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  TALLY_ASSIGN_OR_RETURN(project_id, json::RequireInt(body, "project"));
  Dashboard dashboard;
  dashboard.id = NewUuidV7();
  dashboard.project_id = project_id;
  const bj::value* name = body.if_contains("name");
  TALLY_ASSIGN_OR_RETURN(checked_name, CheckName(name ? *name : bj::value()));
  dashboard.name = std::move(checked_name);
  TALLY_ASSIGN_OR_RETURN(description, json::OptionalString(body, "description"));
  dashboard.description = description.value_or("");
  if (const bj::value* widgets = body.if_contains("widgets"); widgets && !widgets->is_null()) {
    TALLY_ASSIGN_OR_RETURN(parsed, ParseWidgets(*widgets));
    dashboard.widgets = std::move(parsed);
  }
  dashboard.created_by = request.principal.user_id;
  dashboard.created_at = dashboard.updated_at = NowMicros();

  TALLY_TRY(database.Write([&](Connection& c) -> Result<void> {
    TALLY_TRY(accounts::AuthorizeProject(c, request.principal, project_id, Role::kManager));
    return InsertDashboard(c, dashboard);
  }));
  TALLY_LOG_INFO("event=dashboard_created request_id={} project_id={} dashboard_id={} widgets={}", request.request_id,
                 project_id, dashboard.id, dashboard.widgets.size());
  return http::Response::Json(SerializeDashboard(dashboard), 201);
}

Result<http::Response> GetRoute(store::Database& database, http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(dashboard, database.Read([&](Connection& c) {
    return AuthorizedDashboard(c, request, Role::kAnnotator);
  }));
  return http::Response::Json(SerializeDashboard(dashboard));
}

Result<http::Response> UpdateRoute(store::Database& database, http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(body, json::ParseObject(request.body));
  std::optional<std::string> name;
  // A dashboard always has a name: null is not "leave it", it is invalid.
  if (const bj::value* value = body.if_contains("name")) {
    TALLY_ASSIGN_OR_RETURN(checked, CheckName(*value));
    name = std::move(checked);
  }
  TALLY_ASSIGN_OR_RETURN(description, json::OptionalString(body, "description"));
  std::optional<bj::array> widgets;
  if (const bj::value* value = body.if_contains("widgets"); value && !value->is_null()) {
    TALLY_ASSIGN_OR_RETURN(parsed, ParseWidgets(*value));
    widgets = std::move(parsed);
  }

  TALLY_ASSIGN_OR_RETURN(dashboard, database.Write([&](Connection& c) -> Result<Dashboard> {
    TALLY_ASSIGN_OR_RETURN(current, AuthorizedDashboard(c, request, Role::kManager));
    if (name) current.name = *name;
    if (description) current.description = *description;
    if (widgets) current.widgets = *widgets;
    current.updated_at = NowMicros();
    TALLY_TRY(UpdateDashboard(c, current));
    return current;
  }));
  TALLY_LOG_INFO("event=dashboard_updated request_id={} project_id={} dashboard_id={} widgets={}", request.request_id,
                 dashboard.project_id, dashboard.id, dashboard.widgets.size());
  return http::Response::Json(SerializeDashboard(dashboard));
}

Result<http::Response> DeleteRoute(store::Database& database, http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(dashboard, database.Write([&](Connection& c) -> Result<Dashboard> {
    TALLY_ASSIGN_OR_RETURN(current, AuthorizedDashboard(c, request, Role::kManager));
    TALLY_TRY(DeleteDashboard(c, current.id));
    return current;
  }));
  TALLY_LOG_INFO("event=dashboard_deleted request_id={} project_id={} dashboard_id={}", request.request_id,
                 dashboard.project_id, dashboard.id);
  return http::Response::NoContent();
}

Result<Micros> TimeParam(const http::Request& request, std::string_view key, Micros fallback) {
  auto text = request.Query(key);
  if (!text || text->empty()) return fallback;
  auto parsed = ParseIsoTimestamp(*text);
  if (!parsed) {
    return Error::InvalidField(std::string(key), "must be an ISO 8601 datetime with a zone, e.g. 2026-01-01T00:00:00Z");
  }
  return *parsed;
}

Result<http::Response> DataRoute(store::Database& database, http::Request& request) {
  TALLY_ASSIGN_OR_RETURN(to, TimeParam(request, "to", NowMicros() + 1));
  TALLY_ASSIGN_OR_RETURN(from, TimeParam(request, "from", to - kDefaultRange));
  if (from >= to) return Error::InvalidField("from", "must be before to");

  return database.Read([&](Connection& c) -> Result<http::Response> {
    TALLY_ASSIGN_OR_RETURN(dashboard, AuthorizedDashboard(c, request, Role::kAnnotator));
    bj::array widgets;
    for (const auto& value : dashboard.widgets) {
      const bj::object& widget = value.as_object();
      bj::object out{{"id", widget.at("id")}, {"type", widget.at("type")}};
      if (widget.at("type") == "agreement") {
        TALLY_ASSIGN_OR_RETURN(agreement, LoadProjectAgreement(c, dashboard.project_id, 1, 20));
        out["agreement"] = std::move(agreement);
      } else {
        // A stored query that no longer parses (a view renamed since) shows
        // as an error on its widget instead of failing the whole dashboard.
        auto query = WidgetQuery(widget, from, to);
        if (!query) {
          out["error"] = query.error().fields.empty() ? query.error().message
                                                      : query.error().fields[0].field + " " +
                                                            query.error().fields[0].message;
        } else {
          TALLY_ASSIGN_OR_RETURN(rows, RunMetricsQuery(c, dashboard.project_id, *query));
          out["data"] = std::move(rows);
        }
      }
      widgets.push_back(std::move(out));
    }
    bj::object body{{"dashboard", dashboard.id},
                    {"from", FormatIsoMillis(from)},
                    {"to", FormatIsoMillis(to)},
                    {"widgets", std::move(widgets)}};
    return http::Response::Json(body);
  });
}

}  // namespace

void AddDashboardRoutes(http::Router& router, store::Database& database) {
  auto add = [&](std::string method, std::string pattern, std::string summary, const char* request_schema,
                 const char* response_schema, int status, std::vector<std::string> query,
                 Result<http::Response> (*handler)(store::Database&, http::Request&)) {
    router.Add({.method = std::move(method),
                .pattern = std::move(pattern),
                .auth = http::Auth::kUser,
                .doc = {.summary = std::move(summary),
                        .tag = "Dashboards",
                        .request_schema = request_schema,
                        .response_schema = response_schema,
                        .success_status = status,
                        .query = std::move(query)},
                .handler = [&database, handler](http::Request& request) { return handler(database, request); }});
  };
  add("GET", "/api/dashboards", "List a project's dashboards, creating the defaults", "", kDashboardListSchema, 200,
      {"project"}, ListRoute);
  add("POST", "/api/dashboards", "Create a dashboard", kCreateSchema, kDashboardSchema, 201, {}, CreateRoute);
  add("GET", "/api/dashboards/{id}", "Get a dashboard", "", kDashboardSchema, 200, {}, GetRoute);
  add("PATCH", "/api/dashboards/{id}", "Change a dashboard's name, description or widgets", kUpdateSchema,
      kDashboardSchema, 200, {}, UpdateRoute);
  add("DELETE", "/api/dashboards/{id}", "Delete a dashboard", "", "", 204, {}, DeleteRoute);
  add("GET", "/api/dashboards/{id}/data", "Every widget's rows over a time range", "", kDataSchema, 200,
      {"from", "to"}, DataRoute);
}

}  // namespace tally::evals
