// The web UI as a browser fetches it from a real `tally serve`. Client
// routes get index.html, and hashed bundles get long cache lifetimes and
// correct content types. The server's own paths keep their JSON 404s, and
// no spelling of ".." reaches a file outside the build.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "support/http_client.h"
#include "support/tally_process.h"

namespace tally {
namespace {

namespace fs = std::filesystem;
using testing::HttpClient;
using testing::ServeOptions;
using testing::TallyProcess;

class WebUiApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("tally-web-ui-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "dist" / "assets");
    std::ofstream(root_ / "dist" / "index.html") << "<!doctype html><title>Tally</title><div id=root></div>";
    std::ofstream(root_ / "dist" / "assets" / "index-Ab12_x.js") << "export const ui = 1;";
    std::ofstream(root_ / "dist" / "assets" / "index-Cd34.css") << "body{}";
    std::ofstream(root_ / "dist" / "favicon.svg") << "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    std::ofstream(root_ / "outside.txt") << "must not be served";

    ServeOptions options;
    options.arguments = {"--web-dir", root_.string()};
    server_ = std::make_unique<TallyProcess>(options);
    ASSERT_TRUE(server_->started()) << server_->failure_reason();
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(root_);
  }

  fs::path root_;
  std::unique_ptr<TallyProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(WebUiApiTest, ClientRoutesLoadTheApp) {
  for (const char* path : {"/", "/projects", "/projects/12/data", "/account", "/login?next=%2Fprojects"}) {
    auto page = client_->Get(path);
    EXPECT_EQ(page.status, 200) << path;
    EXPECT_EQ(page.Header("content-type"), "text/html; charset=utf-8") << path;
    EXPECT_EQ(page.Header("cache-control"), "no-cache") << path;
    EXPECT_EQ(page.Header("x-frame-options"), "DENY") << path;
    EXPECT_EQ(page.Header("content-security-policy"), "frame-ancestors 'none'") << path;
    EXPECT_NE(page.body.find("id=root"), std::string::npos) << path;
  }
  auto head = client_->Send("HEAD", "/projects/3/settings");
  EXPECT_EQ(head.status, 200);
}

TEST_F(WebUiApiTest, AssetsHaveTypesAndLongCaching) {
  auto script = client_->Get("/assets/index-Ab12_x.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.body, "export const ui = 1;");
  EXPECT_EQ(script.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(script.Header("x-content-type-options"), "nosniff");

  EXPECT_EQ(client_->Get("/assets/index-Cd34.css").Header("content-type"), "text/css; charset=utf-8");
  auto icon = client_->Get("/favicon.svg");
  EXPECT_EQ(icon.status, 200);
  EXPECT_EQ(icon.Header("content-type"), "image/svg+xml");

  // A stale bundle name is a 404, not index.html under a script's name.
  auto stale = client_->Get("/assets/index-old.js");
  EXPECT_EQ(stale.status, 404);
  EXPECT_EQ(stale.Json().at("detail"), "Not found.");
}

TEST_F(WebUiApiTest, ServerPathsKeepTheirAnswers) {
  auto missing = client_->Get("/api/does-not-exist");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json().at("detail"), "Not found.");
  EXPECT_EQ(client_->Get("/api/health").Json().at("status"), "UP");
  EXPECT_EQ(client_->Get("/data/nothing").status, 404);
  EXPECT_EQ(client_->Get("/metrics/extra").status, 404);
  // Writes to a client route are not routed to the UI.
  EXPECT_EQ(client_->Send("POST", "/projects", "{}").status, 404);
}

TEST_F(WebUiApiTest, NothingOutsideTheBuild) {
  for (const char* path : {"/assets/..%2f..%2foutside.txt", "/assets/%2e%2e/%2e%2e/outside.txt", "/..%2foutside.txt",
                           "/%2e%2e/outside.txt", "/assets/.%2e/index.html", "/outside.txt", "/..%5coutside.txt",
                           "/dist/index.html", "/assets/%00.js"}) {
    auto response = client_->Get(path);
    EXPECT_EQ(response.body.find("must not be served"), std::string::npos) << path;
    EXPECT_NE(response.status, 500) << path;
  }
}

TEST(WebUiMissingBuild, SaysHowToBuildIt) {
  ServeOptions options;
  options.arguments = {"--web-dir", "/nonexistent/tally-web"};
  TallyProcess server(options);
  ASSERT_TRUE(server.started()) << server.failure_reason();
  HttpClient client(server.base_url());
  auto page = client.Get("/projects");
  EXPECT_EQ(page.status, 503);
  EXPECT_NE(page.body.find("make build"), std::string::npos);
  EXPECT_EQ(client.Get("/api/health").status, 200);
}

}  // namespace
}  // namespace tally
