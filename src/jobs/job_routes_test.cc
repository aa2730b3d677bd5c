#include "jobs/job_routes.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "http/dispatcher.h"
#include "http/openapi.h"
#include "jobs/job_test_util.h"
#include "store/testing/test_databases.h"

namespace tally::jobs {
namespace {

namespace bj = boost::json;
using namespace std::chrono_literals;
using testing::CreateOrganization;
using testing::CreateProject;
using testing::Migrate;

// "Token a" is user 1 in organization A, "Token b" user 2 in organization B,
// "Token none" a user with no active organization.
class FakeAuthenticator : public http::Authenticator {
 public:
  int64_t organization_a = 0;
  int64_t organization_b = 0;

  Result<http::Principal> Authenticate(const http::Request& request) override {
    const auto header = request.Header("authorization");
    if (header.empty()) return http::Principal{};
    const auto user = [](int64_t user_id, int64_t organization_id) {
      return http::Principal{.kind = http::Principal::Kind::kUser, .user_id = user_id,
                             .organization_id = organization_id};
    };
    if (header == "Token a") return user(1, organization_a);
    if (header == "Token b") return user(2, organization_b);
    if (header == "Token none") return user(3, 0);
    return Error::Unauthorized("Invalid token.");
  }
  Result<void> CheckCsrf(const http::Request&) override { return Ok(); }
};

class JobRoutesTest : public ::testing::TestWithParam<std::string> {
 protected:
  http::Response Call(const std::string& method, const std::string& path, const std::string& token) {
    http::Request request;
    request.method = method;
    request.path = path;
    request.request_id = "req-1";
    if (!token.empty()) request.headers.emplace_back("authorization", "Token " + token);
    http::Dispatcher dispatcher(router, &authenticator, metrics);
    return dispatcher.Handle(request, router.Find(request.method, request.path));
  }

  http::Router router;
  FakeAuthenticator authenticator;
  http::Metrics metrics;
};

bj::object Body(const http::Response& response) { return bj::parse(response.body).as_object(); }

TEST_P(JobRoutesTest, GetReturnsJobOfActiveOrganization) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  authenticator.organization_a = CreateOrganization(test->db(), "A");
  const int64_t project = CreateProject(test->db(), authenticator.organization_a, "Invoices");
  JobQueue queue(test->db());
  AddJobRoutes(router, queue);

  const Micros created = 1'700'000'000'123'456;
  auto id = queue.Enqueue("export", bj::object{{"secret_input", "x"}},
                          {.organization_id = authenticator.organization_a, .project_id = project, .created_by = {}},
                          created);
  ASSERT_TRUE(id) << id.error().detail;
  auto claimed = queue.Claim("worker-a", {"export"}, 30s, created + 1);
  ASSERT_TRUE(claimed);
  ASSERT_TRUE(*claimed);
  ASSERT_TRUE(queue.ReportProgress((*claimed)->lease, 40, created + 2));

  auto response = Call("GET", "/api/jobs/" + std::to_string(*id), "a");
  ASSERT_EQ(response.status, 200) << response.body;
  bj::object body = Body(response);
  EXPECT_EQ(body["id"], *id);
  EXPECT_EQ(body["kind"], "export");
  EXPECT_EQ(body["status"], "running");
  EXPECT_EQ(body["progress"], 40);
  EXPECT_EQ(body["attempts"], 1);
  EXPECT_EQ(body["max_attempts"], 3);
  EXPECT_TRUE(body["error"].is_null());
  EXPECT_TRUE(body["result"].is_null());
  EXPECT_EQ(body["project_id"], project);
  EXPECT_EQ(body["created_at"], "2023-11-14T22:13:20.123456Z");
  EXPECT_EQ(body["started_at"], "2023-11-14T22:13:20.123457Z");
  EXPECT_TRUE(body["finished_at"].is_null());
  // The payload and the worker id are internal.
  EXPECT_FALSE(body.contains("payload"));
  EXPECT_FALSE(body.contains("worker_id"));
}

TEST_P(JobRoutesTest, OtherOrganizationSeesNotFound) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  authenticator.organization_a = CreateOrganization(test->db(), "A");
  authenticator.organization_b = CreateOrganization(test->db(), "B");
  JobQueue queue(test->db());
  AddJobRoutes(router, queue);

  auto id = queue.Enqueue("export", bj::object{}, {.organization_id = authenticator.organization_a});
  auto system_job = queue.Enqueue("cleanup", bj::object{});
  ASSERT_TRUE(id);
  ASSERT_TRUE(system_job);
  const std::string path = "/api/jobs/" + std::to_string(*id);

  struct Case {
    std::string name;
    std::string method;
    std::string path;
    std::string token;
  };
  const std::vector<Case> cases = {
      {"other organization reads", "GET", path, "b"},
      {"other organization cancels", "POST", path + "/cancel", "b"},
      {"no active organization", "GET", path, "none"},
      {"job without organization", "GET", "/api/jobs/" + std::to_string(*system_job), "a"},
      {"missing job", "GET", "/api/jobs/999999", "a"},
      {"missing job cancel", "POST", "/api/jobs/999999/cancel", "a"},
  };
  for (const Case& c : cases) {
    auto response = Call(c.method, c.path, c.token);
    EXPECT_EQ(response.status, 404) << c.name << ": " << response.body;
    EXPECT_EQ(Body(response)["detail"], "Not found.") << c.name;
  }

  // The refused cancel changed nothing.
  EXPECT_EQ(queue.Get(*id)->status, JobStatus::kQueued);
}

TEST_P(JobRoutesTest, RequiresSignedInUser) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  JobQueue queue(test->db());
  AddJobRoutes(router, queue);

  EXPECT_EQ(Call("GET", "/api/jobs/1", "").status, 401);
  EXPECT_EQ(Call("POST", "/api/jobs/1/cancel", "").status, 401);
}

TEST_P(JobRoutesTest, CancelReturnsCancelledJob) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  authenticator.organization_a = CreateOrganization(test->db(), "A");
  JobQueue queue(test->db());
  AddJobRoutes(router, queue);

  auto id = queue.Enqueue("export", bj::object{}, {.organization_id = authenticator.organization_a});
  ASSERT_TRUE(id);
  const std::string path = "/api/jobs/" + std::to_string(*id) + "/cancel";

  auto response = Call("POST", path, "a");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(Body(response)["status"], "cancelled");
  EXPECT_TRUE(Body(response)["finished_at"].is_string());

  auto again = Call("POST", path, "a");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Body(again)["status"], "cancelled");
}

TEST_P(JobRoutesTest, CancelFinishedJobIsConflict) {
  TALLY_OPEN_TEST_DATABASE(test, GetParam());
  Migrate(test->db());
  authenticator.organization_a = CreateOrganization(test->db(), "A");
  JobQueue queue(test->db());
  AddJobRoutes(router, queue);

  auto id = queue.Enqueue("export", bj::object{}, {.organization_id = authenticator.organization_a});
  ASSERT_TRUE(id);
  auto claimed = queue.Claim("worker-a", {"export"}, 30s);
  ASSERT_TRUE(claimed);
  ASSERT_TRUE(*claimed);
  ASSERT_TRUE(queue.Succeed((*claimed)->lease, bj::object{{"file", "export.json"}}));

  auto response = Call("POST", "/api/jobs/" + std::to_string(*id) + "/cancel", "a");
  EXPECT_EQ(response.status, 409) << response.body;

  auto job = Call("GET", "/api/jobs/" + std::to_string(*id), "a");
  ASSERT_EQ(job.status, 200);
  EXPECT_EQ(Body(job)["status"], "succeeded");
  EXPECT_EQ(Body(job)["result"], (bj::object{{"file", "export.json"}}));
}

TEST(JobRoutesDocTest, RoutesAppearInOpenApiWithSchemas) {
  std::string skip;
  auto test = store::testing::TestDatabase::Open("sqlite", skip);
  ASSERT_TRUE(test) << skip;
  JobQueue queue(test->db());
  http::Router router;
  AddJobRoutes(router, queue);

  bj::object document = http::BuildOpenApi(router);
  const bj::object& paths = document.at("paths").as_object();
  ASSERT_TRUE(paths.contains("/api/jobs/{id}")) << bj::serialize(document);
  ASSERT_TRUE(paths.contains("/api/jobs/{id}/cancel"));
  const std::string text = bj::serialize(paths.at("/api/jobs/{id}"));
  EXPECT_NE(text.find("\"progress\""), std::string::npos) << text;
}

INSTANTIATE_TEST_SUITE_P(Backends, JobRoutesTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally::jobs
