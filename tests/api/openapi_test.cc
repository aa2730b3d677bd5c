// Every route the full application registers appears in the OpenAPI
// document with a summary, a tag, its security and a success response.
#include <gtest/gtest.h>

#include "app/app.h"
#include "http/openapi.h"
#include "store/testing/test_databases.h"

namespace tally {
namespace {

namespace bj = boost::json;

TEST(OpenApiCoverage, EveryRegisteredRouteIsDocumented) {
  std::string skip_reason;
  auto database = store::testing::TestDatabase::Open("sqlite", skip_reason);
  ASSERT_TRUE(database) << skip_reason;
  app::Settings settings;
  settings.database_url = database->url();
  auto application = app::App::Open(settings);
  ASSERT_TRUE(application) << application.error().message << application.error().detail;
  ASSERT_TRUE((*application)->Wire());

  const auto& routes = (*application)->router().routes();
  ASSERT_GT(routes.size(), 30u);
  const bj::object document = http::BuildOpenApi((*application)->router());
  const bj::object& paths = document.at("paths").as_object();

  for (const auto& route : routes) {
    const std::string path = http::OpenApiPath(route.pattern);
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
    SCOPED_TRACE(route.method + " " + route.pattern);

    ASSERT_TRUE(paths.contains(path));
    ASSERT_TRUE(paths.at(path).as_object().contains(method));
    const bj::object& operation = paths.at(path).at(method).as_object();
    EXPECT_FALSE(operation.at("summary").as_string().empty());
    EXPECT_NE(operation.at("tags").at(0), "Other") << "give the route a tag";
    EXPECT_TRUE(operation.at("responses").as_object().contains(std::to_string(route.doc.success_status)));
    if (route.auth != http::Auth::kNone) {
      EXPECT_FALSE(operation.at("security").as_array().empty());
    }
    if (route.auth == http::Auth::kProjectKey || route.auth == http::Auth::kScoreWriter) {
      // A person reaches key-pair routes with a credential and the project header.
      bool session_with_header = false;
      for (const bj::value& requirement : operation.at("security").as_array()) {
        const bj::object& schemes = requirement.as_object();
        session_with_header = session_with_header || (schemes.contains("SessionCookie") && schemes.contains("ProjectHeader"));
      }
      EXPECT_TRUE(session_with_header) << "document X-Tally-Project with the session";
    }
    if (route.doc.success_status != 204 && route.method != "DELETE" && route.pattern.find("/docs") == std::string::npos &&
        route.pattern != "/metrics") {
      EXPECT_FALSE(route.doc.response_schema.empty()) << "document the response body";
    }
  }
}

}  // namespace
}  // namespace tally
