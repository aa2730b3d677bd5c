#include "http/dispatcher.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "http/openapi.h"

namespace tally::http {
namespace {

namespace bj = boost::json;

// Authenticates "Token good" as user 1 and "Basic <anything>" as project 9.
class FakeAuthenticator : public Authenticator {
 public:
  Result<Principal> Authenticate(const Request& request) override {
    const auto header = request.Header("authorization");
    if (header.empty()) return Principal{};
    if (header == "Token good") return Principal{.kind = Principal::Kind::kUser, .user_id = 1};
    if (header.starts_with("Basic ")) return Principal{.kind = Principal::Kind::kProjectKey, .project_id = 9};
    if (header == "Session") return Principal{.kind = Principal::Kind::kUser, .user_id = 1, .via_session = true};
    return Error::Unauthorized("Invalid token.");
  }
  Result<void> CheckCsrf(const Request& request) override {
    if (request.Header("x-csrftoken") == "ok") return Ok();
    return Error::Forbidden("CSRF Failed: CSRF token missing or incorrect.");
  }
};

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.Add({.method = "GET", .pattern = "/api/current-user", .auth = Auth::kUser,
                .doc = {.summary = "who am I"},
                .handler = [](Request& request) -> Result<Response> {
                  return Response::Json(bj::object{{"id", request.principal.user_id}});
                }});
    router.Add({.method = "POST", .pattern = "/api/things", .auth = Auth::kUser, .doc = {.summary = "create"},
                .handler = [](Request&) -> Result<Response> {
                  return Error::InvalidField("title", "This field is required.");
                }});
    router.Add({.method = "GET", .pattern = "/api/public/traces/{traceId}", .auth = Auth::kProjectKey,
                .doc = {.summary = "trace"},
                .handler = [](Request& request) -> Result<Response> {
                  return Error::NotFound("Trace " + request.path_params["traceId"] + " not found");
                }});
    router.Add({.method = "GET", .pattern = "/api/boom", .auth = Auth::kNone, .doc = {.summary = "throws"},
                .handler = [](Request&) -> Result<Response> { throw std::runtime_error("secret detail"); }});
    router.Add({.method = "GET", .pattern = "/api/db-down", .auth = Auth::kNone, .doc = {.summary = "fails"},
                .handler = [](Request&) -> Result<Response> {
                  return Error::Internal("connection refused to postgresql://u:pw@db");
                }});
  }

  Response Call(std::string method, std::string target, std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request request;
    request.method = std::move(method);
    request.headers = std::move(headers);
    request.request_id = "req-1";
    EXPECT_TRUE(Dispatcher::ParseTarget(target, request));
    Dispatcher dispatcher(router, &authenticator, metrics);
    return dispatcher.Handle(request, router.Find(request.method, request.path));
  }

  Router router;
  FakeAuthenticator authenticator;
  Metrics metrics;
};

TEST_F(DispatcherTest, AuthenticatedUserReachesHandler) {
  auto response = Call("GET", "/api/current-user/", {{"authorization", "Token good"}});
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"id":1})");
}

TEST_F(DispatcherTest, MissingCredentialsUseLabelStudioEnvelope) {
  auto response = Call("GET", "/api/current-user");
  EXPECT_EQ(response.status, 401);
  auto body = bj::parse(response.body).as_object();
  EXPECT_EQ(body["status_code"], 401);
  EXPECT_EQ(body["detail"], "Authentication credentials were not provided.");
  EXPECT_EQ(body["id"], "req-1");
  EXPECT_TRUE(body["exc_info"].is_null());
}

TEST_F(DispatcherTest, WrongTokenIsUnauthorized) {
  auto response = Call("GET", "/api/current-user", {{"authorization", "Token bad"}});
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(bj::parse(response.body).at("detail"), "Invalid token.");
}

TEST_F(DispatcherTest, ProjectKeyCannotUseUserRoute) {
  auto response = Call("GET", "/api/current-user", {{"authorization", "Basic eDp5"}});
  EXPECT_EQ(response.status, 403);
}

TEST_F(DispatcherTest, UserTokenCannotUseProjectKeyRoute) {
  auto response = Call("GET", "/api/public/traces/t1", {{"authorization", "Token good"}});
  EXPECT_EQ(response.status, 401);
  EXPECT_EQ(bj::parse(response.body).at("error"), "UnauthorizedError");
}

TEST_F(DispatcherTest, LangfuseEnvelopeUnderPublic) {
  auto missing = Call("GET", "/api/public/traces/t1");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(bj::parse(missing.body).at("message"), "No authorization header");

  auto response = Call("GET", "/api/public/traces/t1", {{"authorization", "Basic eDp5"}});
  EXPECT_EQ(response.status, 404);
  auto body = bj::parse(response.body).as_object();
  EXPECT_EQ(body["message"], "Trace t1 not found");
  EXPECT_EQ(body["error"], "LangfuseNotFoundError");
}

TEST_F(DispatcherTest, ValidationErrorsNameTheField) {
  auto response = Call("POST", "/api/things", {{"authorization", "Token good"}});
  EXPECT_EQ(response.status, 400);
  auto body = bj::parse(response.body).as_object();
  EXPECT_EQ(body["detail"], "Validation error");
  EXPECT_EQ(body["validation_errors"].at("title").at(0), "This field is required.");
}

TEST_F(DispatcherTest, SessionWritesNeedCsrf) {
  EXPECT_EQ(Call("POST", "/api/things", {{"authorization", "Session"}}).status, 403);
  EXPECT_EQ(Call("POST", "/api/things", {{"authorization", "Session"}, {"x-csrftoken", "ok"}}).status, 400);
  EXPECT_EQ(Call("GET", "/api/current-user", {{"authorization", "Session"}}).status, 200);
}

TEST_F(DispatcherTest, ExceptionBecomes500WithoutDetail) {
  auto response = Call("GET", "/api/boom");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("secret detail"), std::string::npos);
  EXPECT_EQ(bj::parse(response.body).at("detail"), "Internal server error");
}

TEST_F(DispatcherTest, InternalDetailNeverReachesClient) {
  auto response = Call("GET", "/api/db-down");
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("pw@db"), std::string::npos);
}

TEST_F(DispatcherTest, MethodNotAllowedListsAllow) {
  auto response = Call("DELETE", "/api/current-user");
  EXPECT_EQ(response.status, 405);
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Allow");
  EXPECT_EQ(response.headers[0].second, "GET");

  auto langfuse = Call("DELETE", "/api/public/traces/x");
  EXPECT_EQ(langfuse.status, 405);
  EXPECT_EQ(bj::parse(langfuse.body).at("error"), "MethodNotAllowedError");
}

TEST_F(DispatcherTest, UnknownRouteIs404) {
  EXPECT_EQ(Call("GET", "/api/nothing").status, 404);
}

TEST(ParseTarget, DecodesPathAndQuery) {
  Request request;
  ASSERT_TRUE(Dispatcher::ParseTarget("/api/a%20b?tags=x&tags=y%2Cz&q=a+b&flag", request));
  EXPECT_EQ(request.path, "/api/a b");
  EXPECT_EQ(request.QueryAll("tags"), (std::vector<std::string>{"x", "y,z"}));
  EXPECT_EQ(request.Query("q").value(), "a b");
  EXPECT_EQ(request.Query("flag").value(), "");
  EXPECT_FALSE(request.Query("absent").has_value());
}

TEST(ParseTarget, RejectsBadEscapes) {
  Request request;
  EXPECT_FALSE(Dispatcher::ParseTarget("/api/%zz", request));
  EXPECT_FALSE(Dispatcher::ParseTarget("/api?x=%4", request));
  EXPECT_FALSE(Dispatcher::ParseTarget("relative", request));
}

TEST(OpenApi, DocumentsEveryRoute) {
  Router router;
  router.Add({.method = "GET", .pattern = "/api/projects/{id:int}", .doc = {.summary = "one project", .tag = "Projects"},
              .handler = [](Request&) -> Result<Response> { return Response::NoContent(); }});
  router.Add({.method = "PATCH", .pattern = "/api/projects/{id:int}/", .doc = {.summary = "update"},
              .handler = [](Request&) -> Result<Response> { return Response::NoContent(); }});
  auto document = BuildOpenApi(router);
  auto& item = document["paths"].as_object()["/api/projects/{id}"].as_object();
  EXPECT_TRUE(item.contains("get"));
  EXPECT_TRUE(item.contains("patch") || document["paths"].as_object().contains("/api/projects/{id}/"));
  EXPECT_EQ(item["get"].at("parameters").at(0).at("schema").at("type"), "integer");
}

}  // namespace
}  // namespace tally::http
