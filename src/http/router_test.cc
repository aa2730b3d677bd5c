#include "http/router.h"

#include <gtest/gtest.h>

namespace tally::http {
namespace {

Route MakeRoute(std::string method, std::string pattern) {
  return Route{.method = std::move(method),
               .pattern = std::move(pattern),
               .doc = {.summary = "test route"},
               .handler = [](Request&) -> Result<Response> { return Response::NoContent(); }};
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.Add(MakeRoute("GET", "/api/projects"));
    router.Add(MakeRoute("POST", "/api/projects/"));
    router.Add(MakeRoute("GET", "/api/projects/{id:int}"));
    router.Add(MakeRoute("PATCH", "/api/projects/{id:int}"));
    router.Add(MakeRoute("POST", "/api/projects/validate"));
    router.Add(MakeRoute("GET", "/api/public/traces/{traceId}"));
  }
  Router router;
};

TEST_F(RouterTest, MatchesWithAndWithoutTrailingSlash) {
  for (const char* path : {"/api/projects", "/api/projects/"}) {
    auto get = router.Find("GET", path);
    ASSERT_NE(get.route, nullptr) << path;
    EXPECT_EQ(get.route->pattern, "/api/projects");
    auto post = router.Find("POST", path);
    ASSERT_NE(post.route, nullptr) << path;
    EXPECT_EQ(post.route->method, "POST");
  }
}

TEST_F(RouterTest, ExtractsParameters) {
  auto match = router.Find("GET", "/api/projects/42/");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.at("id"), "42");

  auto trace = router.Find("GET", "/api/public/traces/abc-123");
  ASSERT_NE(trace.route, nullptr);
  EXPECT_EQ(trace.params.at("traceId"), "abc-123");
}

TEST_F(RouterTest, IntParameterRejectsText) {
  auto match = router.Find("GET", "/api/projects/abc");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.allowed_methods.empty());
}

TEST_F(RouterTest, LiteralBeatsParameter) {
  router.Add(MakeRoute("POST", "/api/public/traces/{traceId}"));
  router.Add(MakeRoute("POST", "/api/public/traces/batch"));
  auto match = router.Find("POST", "/api/public/traces/batch");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/api/public/traces/batch");
}

TEST_F(RouterTest, WrongMethodListsAllowed) {
  auto match = router.Find("DELETE", "/api/projects/7");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"GET", "PATCH"}));
}

TEST_F(RouterTest, HeadMatchesGet) {
  auto match = router.Find("HEAD", "/api/projects");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method, "GET");
}

TEST_F(RouterTest, UnknownPathIsNotFound) {
  auto match = router.Find("GET", "/api/nothing/here");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.allowed_methods.empty());
}

TEST_F(RouterTest, EncodedSlashStaysInOneParameter) {
  router.Add(MakeRoute("PATCH", "/api/public/v2/prompts/{name}/versions/{version:int}"));
  struct Case {
    std::string method, raw_path, name;
  };
  const std::vector<Case> cases = {
      {"GET", "/api/public/traces/a%2Fb%2Fc", ""},
      {"PATCH", "/api/public/v2/prompts/folder%2Fsub%2Fcritic/versions/2", "folder/sub/critic"},
      {"PATCH", "/api/public/v2/prompts/x%2Fversions%2F1/versions/3", "x/versions/1"},
      {"PATCH", "/api/public/v2/prompts/100%25%20sure/versions/1", "100% sure"},
  };
  for (const Case& c : cases) {
    Match match = router.FindEncoded(c.method, c.raw_path);
    ASSERT_NE(match.route, nullptr) << c.raw_path;
    if (c.method == "GET") {
      EXPECT_EQ(match.params.at("traceId"), "a/b/c");
    } else {
      EXPECT_EQ(match.params.at("name"), c.name) << c.raw_path;
    }
  }
  // Decoded literals still match, and literal slashes still split.
  EXPECT_NE(router.FindEncoded("GET", "/api/%70rojects/7").route, nullptr);
  EXPECT_EQ(router.FindEncoded("PATCH", "/api/public/v2/prompts/folder/critic/versions/2").route, nullptr);
  EXPECT_EQ(router.FindEncoded("GET", "/api/projects/7").params.at("id"), "7");
}

TEST_F(RouterTest, RejectsBadRegistrations) {
  EXPECT_THROW(router.Add(MakeRoute("GET", "/api/projects/")), std::invalid_argument);  // duplicate
  EXPECT_THROW(router.Add(MakeRoute("GET", "no-slash")), std::invalid_argument);
  Route undocumented = MakeRoute("GET", "/api/undocumented");
  undocumented.doc.summary.clear();
  EXPECT_THROW(router.Add(undocumented), std::invalid_argument);
}

}  // namespace
}  // namespace tally::http
