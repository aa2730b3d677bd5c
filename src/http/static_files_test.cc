#include "http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tally::http {
namespace {

namespace fs = std::filesystem;

TEST(StaticFiles, ContentTypesByExtension) {
  struct Case {
    const char* name;
    const char* type;
  };
  for (const Case& c : {Case{"index.html", "text/html; charset=utf-8"},
                        Case{"index-4f3a.js", "text/javascript; charset=utf-8"},
                        Case{"index-4f3a.css", "text/css; charset=utf-8"}, Case{"logo.svg", "image/svg+xml"},
                        Case{"font.woff2", "font/woff2"}, Case{"data.bin", "application/octet-stream"},
                        Case{".js", "application/octet-stream"}}) {
    EXPECT_EQ(StaticContentType(c.name), c.type) << c.name;
  }
}

TEST(StaticFiles, PlainFileNamesOnly) {
  for (const char* good : {"index-4f3a.js", "favicon.svg", "a_b-c.d"}) EXPECT_TRUE(IsPlainFileName(good)) << good;
  for (const char* bad : {"", ".", "..", ".env", "../x", "a/b", "a\\b", "a%2fb", "a b"}) {
    EXPECT_FALSE(IsPlainFileName(bad)) << bad;
  }
  EXPECT_FALSE(IsPlainFileName(std::string("a\0b", 3)));
}

TEST(StaticFiles, ServerPathsAreNotClientRoutes) {
  for (const char* mine : {"/api", "/api/x", "/data/upload/1/a.png", "/metrics", "/health", "/assets/x.js"}) {
    EXPECT_FALSE(IsWebUiPath(mine)) << mine;
  }
  for (const char* ui : {"/", "/projects", "/projects/3/data", "/apiary", "/account", "/healthy"}) {
    EXPECT_TRUE(IsWebUiPath(ui)) << ui;
  }
}

class WebUiRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dist_ = fs::temp_directory_path() / ("tally-static-" + std::to_string(::getpid()));
    fs::create_directories(dist_ / "assets");
    std::ofstream(dist_ / "index.html") << "<!doctype html><div id=root></div>";
    std::ofstream(dist_ / "assets" / "main-abc123.js") << "console.log(1)";
    std::ofstream(dist_ / "favicon.svg") << "<svg/>";
    std::ofstream(dist_.parent_path() / ("secret-" + std::to_string(::getpid()))) << "secret";
    router_.Add({.method = "GET",
                 .pattern = "/api/projects",
                 .doc = {.summary = "projects"},
                 .handler = [](Request&) -> Result<Response> { return Response::NoContent(); }});
    AddWebUiRoutes(router_, dist_.string());
  }
  void TearDown() override {
    fs::remove_all(dist_);
    fs::remove(dist_.parent_path() / ("secret-" + std::to_string(::getpid())));
  }

  // Runs the matched route's handler as the dispatcher would.
  Result<Response> Get(const std::string& path, Match* out = nullptr) {
    Match match = router_.Find("GET", path);
    if (out) *out = match;
    if (!match.route) return Error::NotFound("no route");
    Request request;
    request.method = "GET";
    request.path = path;
    request.path_params = match.params;
    return match.route->handler(request);
  }

  fs::path dist_;
  Router router_;
};

TEST_F(WebUiRoutesTest, IndexAndClientRoutesServeTheApp) {
  for (const char* path : {"/", "/projects", "/projects/3/data", "/index.html"}) {
    auto response = Get(path);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 200) << path;
    EXPECT_EQ(response->content_type, "text/html; charset=utf-8") << path;
    EXPECT_NE(response->body.find("id=root"), std::string::npos) << path;
  }
}

TEST_F(WebUiRoutesTest, HashedAssetsAreImmutable) {
  auto response = Get("/assets/main-abc123.js");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->body, "console.log(1)");
  EXPECT_EQ(response->content_type, "text/javascript; charset=utf-8");
  bool immutable = false;
  for (const auto& [name, value] : response->headers) immutable |= name == "Cache-Control" && value.find("immutable") != std::string::npos;
  EXPECT_TRUE(immutable);

  auto top_level = Get("/favicon.svg");
  ASSERT_TRUE(top_level);
  EXPECT_EQ(top_level->content_type, "image/svg+xml");
}

TEST_F(WebUiRoutesTest, NoFileOutsideTheBuild) {
  const std::string secret = "secret-" + std::to_string(::getpid());
  // Paths arrive percent-decoded, so "..%2f" is a real "../" by now.
  EXPECT_FALSE(Get("/assets/../" + secret));
  EXPECT_FALSE(Get("/assets/.."));
  EXPECT_FALSE(Get("/assets/.hidden"));
  EXPECT_FALSE(Get("/assets/missing-1.js"));
  // Dot-dot in a client route is only a client route: the app, not the file.
  auto climbing = Get("/../" + secret);
  ASSERT_TRUE(climbing);
  EXPECT_EQ(climbing->body.find("secret"), std::string::npos);
}

TEST_F(WebUiRoutesTest, FallbackLeavesServerPathsAndOtherMethodsAlone) {
  Match match;
  EXPECT_FALSE(Get("/api/nothing", &match));
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(router_.Find("POST", "/projects").route, nullptr);
  auto wrong_method = router_.Find("DELETE", "/api/projects");
  EXPECT_EQ(wrong_method.route, nullptr);
  EXPECT_EQ(wrong_method.allowed_methods, std::vector<std::string>{"GET"});
}

TEST(WebUiRoutesMissingBuild, AnswersWithAHint) {
  Router router;
  AddWebUiRoutes(router, "/nonexistent/tally/dist");
  Match match = router.Find("GET", "/projects");
  ASSERT_NE(match.route, nullptr);
  Request request;
  auto response = match.route->handler(request);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 503);
  EXPECT_NE(response->body.find("make build"), std::string::npos);
}

}  // namespace
}  // namespace tally::http
