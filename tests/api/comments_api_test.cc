// Langfuse's comments API over real HTTP against a real `tally serve`, on
// SQLite and on PostgreSQL: creation on each object type, lists, reads, body
// validation, project scoping and who may comment.
#include <gtest/gtest.h>

#include "accounts/account_store.h"
#include "core/crypto.h"
#include "store/testing/test_databases.h"
#include "support/http_client.h"
#include "support/tally_process.h"

namespace tally {
namespace {

namespace bj = boost::json;
using testing::HttpClient;
using testing::HttpResponse;
using testing::TallyProcess;

constexpr const char* kPublicKey = "pk-lf-comments-test";
constexpr const char* kSecretKey = "sk-lf-comments-test-secret-0001";
constexpr const char* kAdminToken = "c0mment5c0mment5c0mment5c0mment5c0mment5";

class CommentsApiTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string skip_reason;
    database_ = store::testing::TestDatabase::Open(GetParam(), skip_reason);
    if (!database_) {
      if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL() << skip_reason;
      GTEST_SKIP() << skip_reason;
    }
    server_ = std::make_unique<TallyProcess>(testing::ServeOptions{
        .database_url = database_->url(),
        .environment = {{"TALLY_INIT_USER_EMAIL", "admin@example.com"},
                        {"TALLY_INIT_USER_TOKEN", kAdminToken},
                        {"TALLY_INIT_PROJECT_NAME", "Comments"},
                        {"TALLY_INIT_PROJECT_PUBLIC_KEY", kPublicKey},
                        {"TALLY_INIT_PROJECT_SECRET_KEY", kSecretKey}}});
    ASSERT_TRUE(server_->started()) << server_->failure_reason();
    client_ = std::make_unique<HttpClient>(server_->base_url());

    auto projects = client_->Get("/api/public/projects", {Basic()});
    ASSERT_EQ(projects.status, 200) << projects.body;
    project_id_ = std::string(projects.Json().at("data").at(0).at("id").as_string());

    // One trace in a session with one observation.
    const std::string batch = R"({"batch":[
      {"id":"e1","type":"trace-create","timestamp":"2026-01-05T10:00:00.000Z",
       "body":{"id":"t-1","name":"chat","sessionId":"s-1"}},
      {"id":"e2","type":"span-create","timestamp":"2026-01-05T10:00:00.000Z",
       "body":{"id":"o-1","traceId":"t-1","name":"retrieve","startTime":"2026-01-05T10:00:00.000Z"}}]})";
    auto ingested = client_->Post("/api/public/ingestion", batch, {Basic()});
    ASSERT_EQ(ingested.status, 207) << ingested.body;
    ASSERT_TRUE(ingested.Json().at("errors").as_array().empty()) << ingested.body;
  }

  static std::string Basic() { return "Authorization: Basic " + Base64Encode(std::string(kPublicKey) + ":" + kSecretKey); }
  static std::string TokenHeader(const std::string& token) { return "Authorization: Token " + token; }

  bj::object Body(const std::string& object_type, const std::string& object_id, const std::string& content) const {
    return bj::object{{"projectId", project_id_}, {"objectType", object_type}, {"objectId", object_id},
                      {"content", content}};
  }
  HttpResponse Create(const bj::object& body, std::vector<std::string> headers = {Basic()}) {
    return client_->Post("/api/public/comments", bj::serialize(body), headers);
  }
  HttpResponse Get(const std::string& path) { return client_->Get(path, {Basic()}); }

  // A user with the annotator role in the project's organization; returns
  // the user's id and legacy token.
  std::pair<int64_t, std::string> SeedAnnotator() {
    auto seeded = database_->db().Write([](store::Connection& c) -> Result<std::pair<int64_t, std::string>> {
      TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT organization_id FROM projects ORDER BY id LIMIT 1"));
      TALLY_ASSIGN_OR_RETURN(user, accounts::CreateUser(c, {.email = "ann@example.com"}));
      TALLY_TRY(accounts::AddMember(c, row->Int(0), user.id, accounts::Role::kAnnotator));
      TALLY_TRY(accounts::SetActiveOrganization(c, user.id, row->Int(0)));
      TALLY_ASSIGN_OR_RETURN(token, accounts::ResetLegacyToken(c, user.id));
      return std::pair{user.id, token};
    });
    EXPECT_TRUE(seeded) << seeded.error().detail;
    return seeded ? *seeded : std::pair<int64_t, std::string>{0, ""};
  }

  std::unique_ptr<store::testing::TestDatabase> database_;
  std::unique_ptr<TallyProcess> server_;
  std::unique_ptr<HttpClient> client_;
  std::string project_id_;
};

TEST_P(CommentsApiTest, CreateListAndGet) {
  auto on_trace = Create(Body("TRACE", "t-1", "Looks **wrong**"));
  ASSERT_EQ(on_trace.status, 200) << on_trace.body;
  const std::string trace_comment = std::string(on_trace.Json().at("id").as_string());
  auto on_observation = Create(Body("OBSERVATION", "o-1", "Retrieval missed the FAQ"));
  ASSERT_EQ(on_observation.status, 200) << on_observation.body;
  auto second_on_trace = Create(Body("TRACE", "t-1", "Fixed in the next release"));
  ASSERT_EQ(second_on_trace.status, 200) << second_on_trace.body;
  auto on_session = Create(Body("SESSION", "s-1", "Whole conversation is off-topic"));
  EXPECT_EQ(on_session.status, 200) << on_session.body;

  auto prompt = client_->Post("/api/public/v2/prompts", R"({"name":"greeting","type":"text","prompt":"Hi"})", {Basic()});
  ASSERT_EQ(prompt.status, 201) << prompt.body;
  auto on_prompt = Create(Body("PROMPT", std::string(prompt.Json().at("id").as_string()), "Too terse"));
  EXPECT_EQ(on_prompt.status, 200) << on_prompt.body;

  auto one = Get("/api/public/comments/" + trace_comment);
  ASSERT_EQ(one.status, 200) << one.body;
  const bj::object comment = one.Json().as_object();
  EXPECT_EQ(comment.at("id"), bj::value(trace_comment));
  EXPECT_EQ(comment.at("projectId"), bj::value(project_id_));
  EXPECT_EQ(comment.at("objectType"), "TRACE");
  EXPECT_EQ(comment.at("objectId"), "t-1");
  EXPECT_EQ(comment.at("content"), "Looks **wrong**");
  EXPECT_TRUE(comment.at("authorUserId").is_null()) << "a key pair names no author unless asked";
  EXPECT_TRUE(comment.at("createdAt").is_string());
  EXPECT_TRUE(comment.at("updatedAt").is_string());

  auto of_trace = Get("/api/public/comments?objectType=TRACE&objectId=t-1");
  ASSERT_EQ(of_trace.status, 200) << of_trace.body;
  const bj::array data = of_trace.Json().at("data").as_array();
  ASSERT_EQ(data.size(), 2u);
  EXPECT_EQ(data.at(0).at("content"), "Fixed in the next release") << "newest first";
  EXPECT_EQ(data.at(1).at("content"), "Looks **wrong**");
  EXPECT_EQ(of_trace.Json().at("meta").at("totalItems"), 2);

  auto of_observation = Get("/api/public/comments?objectType=OBSERVATION&objectId=o-1");
  ASSERT_EQ(of_observation.status, 200);
  ASSERT_EQ(of_observation.Json().at("data").as_array().size(), 1u);
  EXPECT_EQ(of_observation.Json().at("data").at(0).at("content"), "Retrieval missed the FAQ");

  auto all = Get("/api/public/comments?limit=2&page=2");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.Json().at("data").as_array().size(), 2u);
  EXPECT_EQ(all.Json().at("meta").at("totalItems"), 5);
  EXPECT_EQ(all.Json().at("meta").at("totalPages"), 3);

  EXPECT_EQ(Get("/api/public/comments/no-such-comment").status, 404);

  // Deleting the trace deletes the comments on it and on its observations,
  // but not those on its session.
  auto deleted = client_->Send("DELETE", "/api/public/traces/t-1", "", {Basic()});
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(Get("/api/public/comments/" + trace_comment).status, 404);
  EXPECT_TRUE(Get("/api/public/comments?objectType=OBSERVATION&objectId=o-1").Json().at("data").as_array().empty());
  EXPECT_EQ(Get("/api/public/comments?objectType=SESSION&objectId=s-1").Json().at("meta").at("totalItems"), 1);
}

TEST_P(CommentsApiTest, MissingObjectsAreNotFound) {
  EXPECT_EQ(Create(Body("TRACE", "t-missing", "x")).status, 404);
  EXPECT_EQ(Create(Body("OBSERVATION", "t-1", "x")).status, 404) << "a trace id is not an observation id";
  EXPECT_EQ(Create(Body("SESSION", "s-missing", "x")).status, 404);
  EXPECT_EQ(Create(Body("PROMPT", "p-missing", "x")).status, 404);

  // A trace of another project is not found, and its comment cannot be read.
  auto project = client_->Post("/api/projects", R"({"title":"Other"})", {TokenHeader(kAdminToken)});
  ASSERT_EQ(project.status, 201) << project.body;
  const std::string other_id = std::to_string(project.Json().at("id").as_int64());
  auto key = client_->Post("/api/projects/" + other_id + "/api-keys", "{}", {TokenHeader(kAdminToken)});
  ASSERT_EQ(key.status, 201) << key.body;
  const std::string other = "Authorization: Basic " + Base64Encode(std::string(key.Json().at("publicKey").as_string()) +
                                                                   ":" + std::string(key.Json().at("secretKey").as_string()));
  auto ingested = client_->Post(
      "/api/public/ingestion",
      R"({"batch":[{"id":"x1","type":"trace-create","timestamp":"2026-01-05T10:00:00.000Z","body":{"id":"t-other"}}]})",
      {other});
  ASSERT_EQ(ingested.status, 207) << ingested.body;
  EXPECT_EQ(Create(Body("TRACE", "t-other", "x")).status, 404);

  bj::object theirs = Body("TRACE", "t-other", "theirs");
  theirs["projectId"] = other_id;
  auto created = Create(theirs, {other});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Get("/api/public/comments/" + std::string(created.Json().at("id").as_string())).status, 404);
  EXPECT_TRUE(Get("/api/public/comments").Json().at("data").as_array().empty());

  // Naming the other project in the body with this project's key is invalid.
  auto crossed = Create(theirs);
  EXPECT_EQ(crossed.status, 400) << crossed.body;
  EXPECT_NE(crossed.body.find("projectId"), std::string::npos) << crossed.body;
}

TEST_P(CommentsApiTest, InvalidBodiesAreRejected) {
  struct Case {
    const char* name;
    bj::object body;
    const char* field;
  };
  bj::object unknown_key = Body("TRACE", "t-1", "x");
  unknown_key["traceId"] = "t-1";
  bj::object lower_case_type = Body("trace", "t-1", "x");
  bj::object bad_type = Body("DATASET", "t-1", "x");
  bj::object empty = Body("TRACE", "t-1", "");
  bj::object too_long = Body("TRACE", "t-1", std::string(5001, 'a'));
  bj::object no_project = Body("TRACE", "t-1", "x");
  no_project.erase("projectId");
  bj::object number_content = Body("TRACE", "t-1", "x");
  number_content["content"] = 7;
  const std::vector<Case> cases = {
      {"unknown key", unknown_key, "traceId"},          {"lower-case type", lower_case_type, "objectType"},
      {"unknown type", bad_type, "objectType"},         {"empty content", empty, "content"},
      {"5001 characters", too_long, "content"},         {"missing projectId", no_project, "projectId"},
      {"content not a string", number_content, "content"},
  };
  for (const Case& test : cases) {
    auto response = Create(test.body);
    EXPECT_EQ(response.status, 400) << test.name << ": " << response.body;
    EXPECT_NE(response.body.find(test.field), std::string::npos) << test.name << ": " << response.body;
  }

  // 5000 characters is the limit, counted in characters and not bytes.
  EXPECT_EQ(Create(Body("TRACE", "t-1", std::string(5000, 'a'))).status, 200);
  std::string accented;
  for (int i = 0; i < 5000; ++i) accented += "\xC3\xA9";
  EXPECT_EQ(Create(Body("TRACE", "t-1", accented)).status, 200);
  EXPECT_EQ(client_->Post("/api/public/comments", "[1]", {Basic()}).status, 400);

  auto without_type = Get("/api/public/comments?objectId=t-1");
  EXPECT_EQ(without_type.status, 400) << without_type.body;
  EXPECT_NE(without_type.body.find("objectType"), std::string::npos) << without_type.body;
  EXPECT_EQ(Get("/api/public/comments?objectType=DATASET").status, 400);
  EXPECT_EQ(Get("/api/public/comments?limit=0").status, 400);
}

TEST_P(CommentsApiTest, MembersCommentPublicKeysCannot) {
  const auto [annotator_id, annotator_token] = SeedAnnotator();
  ASSERT_FALSE(annotator_token.empty());
  const std::string scope = "X-Tally-Project: " + project_id_;

  // An annotator, below manager, comments with the project header and
  // becomes the author.
  auto created = Create(Body("TRACE", "t-1", "Annotator note"), {TokenHeader(annotator_token), scope});
  ASSERT_EQ(created.status, 200) << created.body;
  auto read = client_->Get("/api/public/comments/" + std::string(created.Json().at("id").as_string()),
                           {TokenHeader(annotator_token), scope});
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.Json().at("authorUserId"), bj::value(std::to_string(annotator_id)));
  auto by_author = Get("/api/public/comments?authorUserId=" + std::to_string(annotator_id));
  ASSERT_EQ(by_author.status, 200);
  EXPECT_EQ(by_author.Json().at("data").as_array().size(), 1u);

  // A user may not write in someone else's name.
  bj::object impersonating = Body("TRACE", "t-1", "x");
  impersonating["authorUserId"] = std::to_string(annotator_id + 1000);
  EXPECT_EQ(Create(impersonating, {TokenHeader(annotator_token), scope}).status, 403);

  // Without the project header a user reaches no project.
  EXPECT_EQ(Create(Body("TRACE", "t-1", "x"), {TokenHeader(annotator_token)}).status, 401);

  // A key pair may name a member of the organization, but no other user.
  bj::object for_member = Body("TRACE", "t-1", "on behalf");
  for_member["authorUserId"] = std::to_string(annotator_id);
  EXPECT_EQ(Create(for_member).status, 200);
  bj::object for_stranger = Body("TRACE", "t-1", "x");
  for_stranger["authorUserId"] = "999999";
  auto stranger = Create(for_stranger);
  EXPECT_EQ(stranger.status, 400) << stranger.body;
  EXPECT_NE(stranger.body.find("authorUserId"), std::string::npos) << stranger.body;

  // A public key alone may write scores, not comments, and reads nothing.
  const std::string bearer = std::string("Authorization: Bearer ") + kPublicKey;
  EXPECT_EQ(Create(Body("TRACE", "t-1", "x"), {bearer}).status, 403);
  EXPECT_EQ(client_->Get("/api/public/comments", {bearer}).status, 403);
  EXPECT_EQ(Get("/api/public/comments?objectType=TRACE&objectId=t-1").Json().at("meta").at("totalItems"), 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, CommentsApiTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
