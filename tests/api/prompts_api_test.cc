// Langfuse prompt management end to end: create, read, list, label and
// delete prompt versions over real HTTP against a real `tally serve`, as the
// SDKs call it, on SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "accounts/account_store.h"
#include "accounts/project_access.h"
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

constexpr const char* kPublicKey = "pk-lf-prompts-test";
constexpr const char* kSecretKey = "sk-lf-prompts-test-secret-0001";
constexpr const char* kToken = "0123456789abcdef0123456789abcdef0prompts";

std::string BasicHeader(const std::string& public_key, const std::string& secret_key) {
  return "Authorization: Basic " + Base64Encode(public_key + ":" + secret_key);
}

class PromptsApiTest : public ::testing::TestWithParam<std::string> {
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
                        {"TALLY_INIT_USER_TOKEN", kToken},
                        {"TALLY_INIT_PROJECT_NAME", "Prompts"},
                        {"TALLY_INIT_PROJECT_PUBLIC_KEY", kPublicKey},
                        {"TALLY_INIT_PROJECT_SECRET_KEY", kSecretKey}}});
    ASSERT_TRUE(server_->started()) << server_->failure_reason();
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }

  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body = "",
                    const std::string& auth = BasicHeader(kPublicKey, kSecretKey)) {
    return client_->Send(method, path, body, {auth, "Content-Type: application/json"});
  }
  HttpResponse Get(const std::string& path) { return Send("GET", path); }
  HttpResponse Create(const bj::object& body) { return Send("POST", "/api/public/v2/prompts", bj::serialize(body)); }

  // Creates a text prompt version and returns its version number.
  int64_t CreateText(const std::string& name, bj::array labels = {}) {
    auto response = Create({{"name", name}, {"prompt", "Hi {{who}}"}, {"labels", std::move(labels)}});
    EXPECT_EQ(response.status, 201) << response.body;
    return response.status == 201 ? response.Json().at("version").as_int64() : 0;
  }

  // The id of the project the init settings created.
  int64_t ProjectId() {
    auto id = database_->db().Read([](store::Connection& c) -> Result<int64_t> {
      TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT id FROM projects WHERE title = 'Prompts'"));
      return row ? row->Int(0) : 0;
    });
    EXPECT_TRUE(id);
    return id ? *id : 0;
  }

  std::unique_ptr<store::testing::TestDatabase> database_;
  std::unique_ptr<TallyProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_P(PromptsApiTest, CreateTextPromptAsSdkSendsIt) {
  auto created = Create({{"name", "movie-critic"},
                         {"type", "text"},
                         {"prompt", "As a {{criticLevel}} movie critic, do you like {{movie}}?"},
                         {"config", {{"model", "gpt-4o"}, {"temperature", 0.5}}},
                         {"labels", {"production"}},
                         {"tags", {"demo"}},
                         {"commitMessage", "initial"}});
  ASSERT_EQ(created.status, 201) << created.body;
  const bj::value body = created.Json();
  EXPECT_EQ(body.at("name"), "movie-critic");
  EXPECT_EQ(body.at("version"), 1);
  EXPECT_EQ(body.at("type"), "text");
  EXPECT_EQ(body.at("prompt"), "As a {{criticLevel}} movie critic, do you like {{movie}}?");
  EXPECT_EQ(body.at("config").at("model"), "gpt-4o");
  EXPECT_EQ(body.at("config").at("temperature").as_double(), 0.5);
  EXPECT_EQ(bj::serialize(body.at("labels")), R"(["production","latest"])");
  EXPECT_EQ(bj::serialize(body.at("tags")), R"(["demo"])");
  EXPECT_EQ(body.at("commitMessage"), "initial");
  EXPECT_EQ(body.at("createdBy"), "API");
  EXPECT_TRUE(body.at("isActive").is_null());
  EXPECT_TRUE(body.at("resolutionGraph").is_null());
  const std::string created_at(body.at("createdAt").as_string());
  EXPECT_EQ(created_at.size(), 24u) << "ISO UTC with milliseconds: " << created_at;
  EXPECT_EQ(created_at.back(), 'Z');

  auto fetched = Get("/api/public/v2/prompts/movie-critic");
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.Json().at("version"), 1);
  EXPECT_EQ(fetched.Json().at("isActive"), true);
  EXPECT_EQ(fetched.Json().at("id"), body.at("id"));
}

TEST_P(PromptsApiTest, CreateChatPromptWithPlaceholder) {
  auto created = Create(
      {{"name", "movie-critic-chat"},
       {"type", "chat"},
       {"prompt", bj::array{bj::object{{"role", "system"}, {"content", "You are a {{criticLevel}} critic."},
                                       {"type", "chatmessage"}},
                            bj::object{{"type", "placeholder"}, {"name", "history"}},
                            bj::object{{"role", "user"}, {"content", "Do you like {{movie}}?"}, {"type", "chatmessage"}}}},
       {"labels", {"staging"}}});
  ASSERT_EQ(created.status, 201) << created.body;

  auto fetched = Get("/api/public/v2/prompts/movie-critic-chat?label=staging");
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.Json().at("type"), "chat");
  EXPECT_EQ(bj::serialize(fetched.Json().at("prompt")),
            R"([{"role":"system","content":"You are a {{criticLevel}} critic."},)"
            R"({"type":"placeholder","name":"history"},{"role":"user","content":"Do you like {{movie}}?"}])");
  EXPECT_EQ(fetched.Json().at("isActive"), false);
  EXPECT_EQ(bj::serialize(fetched.Json().at("config")), "{}");

  EXPECT_EQ(Get("/api/public/v2/prompts/movie-critic-chat").status, 404) << "no version has production";
}

TEST_P(PromptsApiTest, VersionsLabelsAndSelectors) {
  EXPECT_EQ(CreateText("p", {"production"}), 1);
  EXPECT_EQ(CreateText("p", {"staging"}), 2);
  EXPECT_EQ(CreateText("p"), 3);

  EXPECT_EQ(Get("/api/public/v2/prompts/p").Json().at("version"), 1);
  EXPECT_EQ(Get("/api/public/v2/prompts/p?label=production").Json().at("version"), 1);
  EXPECT_EQ(Get("/api/public/v2/prompts/p?label=latest").Json().at("version"), 3);
  EXPECT_EQ(Get("/api/public/v2/prompts/p?label=staging").Json().at("version"), 2);
  EXPECT_EQ(Get("/api/public/v2/prompts/p?version=2").Json().at("version"), 2);
  EXPECT_EQ(bj::serialize(Get("/api/public/v2/prompts/p?version=1").Json().at("labels")), R"(["production"])");

  auto both = Get("/api/public/v2/prompts/p?version=1&label=production");
  EXPECT_EQ(both.status, 400) << both.body;
  auto bad_version = Get("/api/public/v2/prompts/p?version=abc");
  EXPECT_EQ(bad_version.status, 400);
  EXPECT_EQ(bad_version.Json().at("error").at(0).at("path").at(0), "version");
}

TEST_P(PromptsApiTest, PatchMovesLabels) {
  CreateText("p", {"production"});
  CreateText("p");

  auto patched = Send("PATCH", "/api/public/v2/prompts/p/versions/2", R"({"newLabels": ["production", "stable"]})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(bj::serialize(patched.Json().at("labels")), R"(["latest","production","stable"])");
  EXPECT_EQ(Get("/api/public/v2/prompts/p").Json().at("version"), 2) << "production moved";
  EXPECT_EQ(bj::serialize(Get("/api/public/v2/prompts/p?version=1").Json().at("labels")), "[]");

  auto latest = Send("PATCH", "/api/public/v2/prompts/p/versions/1", R"({"newLabels": ["latest"]})");
  EXPECT_EQ(latest.status, 400);
  EXPECT_EQ(latest.Json().at("message"), "Label 'latest' is always assigned to the latest prompt version");

  auto missing = Send("PATCH", "/api/public/v2/prompts/p/versions/9", R"({"newLabels": ["x"]})");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json().at("message"), "Prompt 'p' version 9 not found in project");
  EXPECT_EQ(missing.Json().at("error"), "LangfuseNotFoundError");
}

TEST_P(PromptsApiTest, FolderNamesAreEncodedSegments) {
  auto created = Create({{"name", "folder/sub/movie-critic"}, {"prompt", "x"}, {"labels", {"production"}}});
  ASSERT_EQ(created.status, 201) << created.body;

  auto fetched = Get("/api/public/v2/prompts/folder%2Fsub%2Fmovie-critic?version=1");
  ASSERT_EQ(fetched.status, 200) << fetched.body;
  EXPECT_EQ(fetched.Json().at("name"), "folder/sub/movie-critic");

  auto patched = Send("PATCH", "/api/public/v2/prompts/folder%2Fsub%2Fmovie-critic/versions/1",
                      R"({"newLabels": ["staging"]})");
  EXPECT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Get("/api/public/v2/prompts/folder%2Fsub").status, 404);

  // Any depth, and names whose segments look like route words.
  for (const std::string name : {"a/b/c/d/e/f/g/h/i/j/k/deep", "x/versions/2"}) {
    ASSERT_EQ(Create({{"name", name}, {"prompt", "y"}}).status, 201) << name;
    std::string encoded = name;
    for (size_t at = encoded.find('/'); at != std::string::npos; at = encoded.find('/', at)) encoded.replace(at, 1, "%2F");
    auto deep = Get("/api/public/v2/prompts/" + encoded + "?version=1");
    ASSERT_EQ(deep.status, 200) << name << ": " << deep.body;
    EXPECT_EQ(deep.Json().at("name"), name.c_str());
    EXPECT_EQ(Send("PATCH", "/api/public/v2/prompts/" + encoded + "/versions/1", R"({"newLabels": ["x"]})").status, 200);
  }
  // Literal slashes are separate segments, as in Langfuse.
  EXPECT_EQ(Get("/api/public/v2/prompts/folder/sub/movie-critic?version=1").status, 404);

  auto deleted = Send("DELETE", "/api/public/v2/prompts/folder%2Fsub%2Fmovie-critic");
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(Get("/api/public/v2/prompts/folder%2Fsub%2Fmovie-critic?version=1").status, 404);
}

TEST_P(PromptsApiTest, ListFiltersAndPages) {
  auto tagged = Create({{"name", "b"}, {"prompt", "x"}, {"labels", {"production"}}, {"tags", {"t1"}}});
  ASSERT_EQ(tagged.status, 201);
  CreateText("b", {"staging"});
  CreateText("a");
  CreateText("c");

  auto all = Get("/api/public/v2/prompts");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(bj::serialize(all.Json().at("meta")), R"({"page":1,"limit":10,"totalItems":3,"totalPages":1})");
  EXPECT_EQ(all.Json().at("pagination"), all.Json().at("meta"));
  const bj::value listed = all.Json();
  const bj::object& b = listed.at("data").at(1).as_object();
  EXPECT_EQ(b.at("name"), "b");
  EXPECT_EQ(bj::serialize(b.at("versions")), "[1,2]");
  EXPECT_EQ(bj::serialize(b.at("labels")), R"(["latest","production","staging"])");
  EXPECT_EQ(bj::serialize(b.at("tags")), R"(["t1"])");
  EXPECT_TRUE(b.contains("lastUpdatedAt"));
  EXPECT_TRUE(b.contains("lastConfig"));

  auto page = Get("/api/public/v2/prompts?limit=2&page=2");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Json().at("data").as_array().size(), 1u);
  EXPECT_EQ(page.Json().at("data").at(0).at("name"), "c");
  EXPECT_EQ(page.Json().at("meta").at("totalPages"), 2);

  EXPECT_EQ(Get("/api/public/v2/prompts?label=production").Json().at("meta").at("totalItems"), 1);
  EXPECT_EQ(Get("/api/public/v2/prompts?tag=t1").Json().at("meta").at("totalItems"), 1);
  EXPECT_EQ(Get("/api/public/v2/prompts?name=a").Json().at("meta").at("totalItems"), 1);
  EXPECT_EQ(Get("/api/public/v2/prompts?version=2").Json().at("meta").at("totalItems"), 1);
  EXPECT_EQ(Get("/api/public/v2/prompts?fromUpdatedAt=2999-01-01T00:00:00Z").Json().at("meta").at("totalItems"), 0);
  EXPECT_EQ(Get("/api/public/v2/prompts?toUpdatedAt=2999-01-01T00:00:00.000Z").Json().at("meta").at("totalItems"), 3);

  auto too_big = Get("/api/public/v2/prompts?limit=101");
  EXPECT_EQ(too_big.status, 400);
  EXPECT_EQ(too_big.Json().at("error").at(0).at("path").at(0), "limit");

  // A page whose offset would not fit in 64 bits is refused, not wrapped
  // round to the first page.
  auto far = Get("/api/public/v2/prompts?page=9223372036854775807&limit=100");
  EXPECT_EQ(far.status, 400) << far.body;
  EXPECT_EQ(far.Json().at("error").at(0).at("path").at(0), "page");
  auto last_allowed = Get("/api/public/v2/prompts?page=1000000000&limit=100");
  ASSERT_EQ(last_allowed.status, 200) << last_allowed.body;
  EXPECT_TRUE(last_allowed.Json().at("data").as_array().empty());
}

TEST_P(PromptsApiTest, ValidationErrorsNameTheField) {
  struct Case {
    const char* body;
    const char* field;
  };
  const Case cases[] = {
      {R"({"prompt": "x"})", "name"},
      {R"({"name": "a", "type": "image", "prompt": "x"})", "type"},
      {R"({"name": "a", "type": 3, "prompt": "x"})", "type"},
      {R"({"name": "a", "type": "chat"})", "prompt"},
      {R"({"name": "a", "type": "chat", "prompt": "not a list"})", "prompt"},
      {R"({"name": "a", "prompt": ["x"]})", "prompt"},
      {R"({"name": "a", "prompt": "x", "labels": ["Not Valid"]})", "labels"},
  };
  for (const Case& c : cases) {
    auto response = Send("POST", "/api/public/v2/prompts", c.body);
    ASSERT_EQ(response.status, 400) << c.body;
    EXPECT_EQ(response.Json().at("message"), "Invalid request data") << c.body;
    EXPECT_EQ(response.Json().at("error").at(0).at("path").at(0), c.field) << c.body;
  }

  CreateText("typed");
  auto switched = Create({{"name", "typed"}, {"type", "chat"}, {"prompt", bj::array{}}});
  EXPECT_EQ(switched.status, 400);
  EXPECT_EQ(switched.Json().at("message"),
            "Previous versions have different prompt type. Create a new prompt with a different name.");
}

TEST_P(PromptsApiTest, UnknownPromptOrVersionIs404) {
  auto missing = Get("/api/public/v2/prompts/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json().at("message"), "Prompt not found: 'nope' with label 'production'");
  CreateText("p");
  auto version = Get("/api/public/v2/prompts/p?version=3");
  EXPECT_EQ(version.status, 404);
  EXPECT_EQ(version.Json().at("message"), "Prompt not found: 'p' with version 3");
  EXPECT_EQ(Send("DELETE", "/api/public/v2/prompts/nope").status, 404);
  EXPECT_EQ(Send("DELETE", "/api/public/v2/prompts/p?label=production").status, 404);
}

TEST_P(PromptsApiTest, DeleteVersionMovesLatest) {
  CreateText("p");
  CreateText("p");
  auto deleted = Send("DELETE", "/api/public/v2/prompts/p?version=2");
  EXPECT_EQ(deleted.status, 204);
  EXPECT_TRUE(deleted.body.empty());
  EXPECT_EQ(Get("/api/public/v2/prompts/p?label=latest").Json().at("version"), 1);
  EXPECT_EQ(Send("DELETE", "/api/public/v2/prompts/p").status, 204);
  EXPECT_EQ(Get("/api/public/v2/prompts/p?label=latest").status, 404);
}

TEST_P(PromptsApiTest, OtherProjectSeesNothing) {
  CreateText("secret-prompt", {"production"});

  const std::string other_secret = "sk-lf-other-project-secret-0001";
  auto seeded = database_->db().Write([&](store::Connection& c) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT organization_id FROM projects WHERE title = 'Prompts'"));
    if (!row) return Error::NotFound("init project missing");
    TALLY_ASSIGN_OR_RETURN(project, accounts::CreateProjectRecord(c, row->Int(0), "Other", std::nullopt));
    TALLY_ASSIGN_OR_RETURN(key, accounts::CreateApiKey(c, project.id, "pk-lf-other", other_secret, std::nullopt));
    (void)key;
    return Ok();
  });
  ASSERT_TRUE(seeded) << seeded.error().message << seeded.error().detail;
  const std::string other = BasicHeader("pk-lf-other", other_secret);

  EXPECT_EQ(Send("GET", "/api/public/v2/prompts/secret-prompt", "", other).status, 404);
  EXPECT_EQ(Send("GET", "/api/public/v2/prompts/secret-prompt?version=1", "", other).status, 404);
  EXPECT_EQ(Send("GET", "/api/public/v2/prompts", "", other).Json().at("meta").at("totalItems"), 0);
  EXPECT_EQ(Send("PATCH", "/api/public/v2/prompts/secret-prompt/versions/1", R"({"newLabels":["x"]})", other).status,
            404);
  EXPECT_EQ(Send("DELETE", "/api/public/v2/prompts/secret-prompt", "", other).status, 404);
  EXPECT_EQ(Get("/api/public/v2/prompts/secret-prompt").status, 200) << "the owner still has it";

  auto own = Send("POST", "/api/public/v2/prompts", R"({"name": "secret-prompt", "prompt": "y"})", other);
  ASSERT_EQ(own.status, 201);
  EXPECT_EQ(own.Json().at("version"), 1) << "versions count per project";
}

TEST_P(PromptsApiTest, AuthIsRequired) {
  EXPECT_EQ(client_->Get("/api/public/v2/prompts/p").status, 401);
  EXPECT_EQ(Send("GET", "/api/public/v2/prompts/p", "", BasicHeader(kPublicKey, "sk-lf-wrong")).status, 401);
}

TEST_P(PromptsApiTest, AuditShowsActorsAndLabelMoves) {
  CreateText("p", {"production"});
  CreateText("p");
  ASSERT_EQ(Send("PATCH", "/api/public/v2/prompts/p/versions/2", R"({"newLabels": ["production"]})").status, 200);

  const std::string path = "/api/prompts/" + std::to_string(ProjectId()) + "/audit?name=p";
  auto audit = Send("GET", path, "", std::string("Authorization: Token ") + kToken);
  ASSERT_EQ(audit.status, 200) << audit.body;
  const bj::value listed = audit.Json();
  const bj::array& entries = listed.at("data").as_array();
  ASSERT_EQ(entries.size(), 5u) << audit.body;
  EXPECT_EQ(entries[0].at("action"), "create_version");
  EXPECT_EQ(entries[0].at("actor").at("kind"), "api_key");
  EXPECT_EQ(entries[0].at("actor").at("id"), kPublicKey);
  EXPECT_EQ(entries[3].at("action"), "remove_label");
  EXPECT_EQ(entries[3].at("version"), 1);
  EXPECT_EQ(entries[4].at("action"), "add_label");
  EXPECT_EQ(entries[4].at("label"), "production");
  EXPECT_EQ(audit.body.find(kSecretKey), std::string::npos) << "the audit never holds a secret";

  EXPECT_EQ(Send("GET", path).status, 403) << "the audit is read with a user's credentials";
  EXPECT_EQ(Send("GET", "/api/prompts/999999/audit?name=p", "", std::string("Authorization: Token ") + kToken).status,
            404);
}

TEST_P(PromptsApiTest, VersionsListsHistoryNewestFirst) {
  CreateText("p", {"production"});
  ASSERT_EQ(Create({{"name", "p"}, {"prompt", "second {{x}}"}, {"commitMessage", "shorter"}}).status, 201);
  CreateText("p");
  ASSERT_EQ(Send("PATCH", "/api/public/v2/prompts/p/versions/2", R"({"newLabels": ["staging"]})").status, 200);

  const std::string token = std::string("Authorization: Token ") + kToken;
  const std::string path = "/api/prompts/" + std::to_string(ProjectId()) + "/versions?name=p";
  auto listed = Send("GET", path, "", token);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const bj::value body = listed.Json();
  const bj::array& versions = body.at("data").as_array();
  ASSERT_EQ(versions.size(), 3u) << listed.body;
  EXPECT_EQ(versions[0].at("version"), 3);
  EXPECT_EQ(versions[1].at("version"), 2);
  EXPECT_EQ(versions[1].at("prompt"), "second {{x}}");
  EXPECT_EQ(versions[1].at("commitMessage"), "shorter");
  EXPECT_EQ(versions[1].at("labels"), (bj::array{"staging"}));
  EXPECT_EQ(versions[2].at("labels"), (bj::array{"production"}));
  EXPECT_EQ(body.at("meta").at("totalItems"), 3);

  auto second_page = Send("GET", path + "&limit=2&page=2", "", token);
  ASSERT_EQ(second_page.status, 200) << second_page.body;
  const bj::value paged = second_page.Json();
  ASSERT_EQ(paged.at("data").as_array().size(), 1u);
  EXPECT_EQ(paged.at("data").at(0).at("version"), 1);
  EXPECT_EQ(paged.at("meta").at("totalPages"), 2);

  EXPECT_EQ(Send("GET", "/api/prompts/" + std::to_string(ProjectId()) + "/versions?name=missing", "", token).status, 404);
  auto no_name = Send("GET", "/api/prompts/" + std::to_string(ProjectId()) + "/versions", "", token);
  EXPECT_EQ(no_name.status, 400);
  EXPECT_NE(no_name.body.find("name"), std::string::npos);
  EXPECT_EQ(Send("GET", path).status, 403) << "read with a user's credentials";
}

TEST_P(PromptsApiTest, EmbeddedPromptResolves) {
  CreateText("shared/intro", {"production"});
  auto parent = Create({{"name", "parent"},
                        {"prompt", "@@@langfusePrompt:name=shared/intro|label=production@@@ Bye."},
                        {"labels", {"production"}}});
  ASSERT_EQ(parent.status, 201) << parent.body;

  auto resolved = Get("/api/public/v2/prompts/parent");
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(resolved.Json().at("prompt"), "Hi {{who}} Bye.");
  EXPECT_EQ(resolved.Json().at("resolutionGraph").at("root").at("name"), "parent");

  auto raw = Get("/api/public/v2/prompts/parent?resolve=false");
  ASSERT_EQ(raw.status, 200);
  EXPECT_TRUE(raw.Json().at("resolutionGraph").is_null());

  auto broken = Create({{"name", "broken"}, {"prompt", "@@@langfusePrompt:name=nope|version=1@@@"}});
  EXPECT_EQ(broken.status, 400);

  auto embedded = Send("DELETE", "/api/public/v2/prompts/shared%2Fintro");
  EXPECT_EQ(embedded.status, 400) << "parent still embeds it";
  EXPECT_EQ(Get("/api/public/v2/prompts/shared%2Fintro").status, 200);
}

// Replays the prompt writes the v3 and v5 JS SDKs sent in the recorded
// captures, in their order, and checks the statuses the SDKs expect.
TEST_P(PromptsApiTest, SdkCapturedRequestsSucceed) {
  const char* shared = std::getenv("TALLY_SHARED_DIR");
  if (!shared) GTEST_SKIP() << "SDK captures not available (TALLY_SHARED_DIR unset)";
  const std::pair<const char*, int> captures[] = {
      {"v3-langfuse/007-POST-v2_prompts.json", 201},
      {"v5-client/004-POST-v2_prompts.json", 201},
      {"v5-client/005-POST-v2_prompts.json", 201},
      {"v5-client/006-PATCH-v2_prompts_greeting_versions_1.json", 200},
  };
  for (const auto& [relative, status] : captures) {
    std::ifstream file(std::string(shared) + "/reference/langfuse-sdk-captures/" + relative);
    if (!file) GTEST_SKIP() << "capture missing: " << relative;
    std::stringstream text;
    text << file.rdbuf();
    const bj::object capture = bj::parse(text.str()).as_object();
    auto response = Send(std::string(capture.at("method").as_string()), std::string(capture.at("path").as_string()),
                         bj::serialize(capture.at("body")));
    EXPECT_EQ(response.status, status) << relative << ": " << response.body;
  }

  auto greeting = Get("/api/public/v2/prompts/greeting");
  ASSERT_EQ(greeting.status, 200);
  EXPECT_EQ(bj::serialize(greeting.Json().at("labels")), R"(["production","latest","stable"])");
}

// An ingestion event of `type` with `body`, as the SDKs batch them.
bj::object IngestionEvent(const std::string& id, const std::string& type, bj::object body) {
  return bj::object{{"id", id}, {"type", type}, {"timestamp", "2026-01-05T10:00:00.000Z"}, {"body", std::move(body)}};
}

// A generation linked to prompt `name` version `version`, running from
// 10:00:00 for `seconds`, with the given token counts.
bj::object LinkedGeneration(const std::string& id, const std::string& trace_id, const std::string& name,
                            int64_t version, const std::string& end_time, int64_t input, int64_t output) {
  return IngestionEvent("e-" + id, "generation-create",
                        {{"id", id}, {"traceId", trace_id}, {"name", "llm"}, {"model", "my-model"},
                         {"startTime", "2026-01-05T10:00:00.000Z"}, {"endTime", end_time},
                         {"promptName", name}, {"promptVersion", version},
                         {"usageDetails", {{"input", input}, {"output", output}}},
                         {"costDetails", {{"input", 0.001}, {"output", 0.002}}}});
}

bj::object Score(const std::string& id, const std::string& trace_id, const std::string& observation_id,
                 const std::string& name, bj::value value) {
  bj::object body{{"id", id}, {"traceId", trace_id}, {"name", name}, {"value", std::move(value)}};
  if (!observation_id.empty()) body["observationId"] = observation_id;
  return IngestionEvent("e-" + id, "score-create", std::move(body));
}

TEST_P(PromptsApiTest, GenerationsLinkToPromptVersions) {
  CreateText("summarize");
  CreateText("summarize");
  const std::string v1_id(Get("/api/public/v2/prompts/summarize?version=1").Json().at("id").as_string());

  bj::array batch{IngestionEvent("e-t1", "trace-create", {{"id", "t1"}}),
                  LinkedGeneration("g1", "t1", "summarize", 1, "2026-01-05T10:00:01.000Z", 100, 20),
                  LinkedGeneration("g-missing", "t1", "summarize", 9, "2026-01-05T10:00:01.000Z", 1, 1)};
  auto ingested = Send("POST", "/api/public/ingestion", bj::serialize(bj::object{{"batch", batch}}));
  ASSERT_EQ(ingested.status, 207) << ingested.body;
  EXPECT_TRUE(ingested.Json().at("errors").as_array().empty()) << ingested.body;

  auto linked = Get("/api/public/observations/g1");
  ASSERT_EQ(linked.status, 200) << linked.body;
  EXPECT_EQ(linked.Json().at("promptId"), bj::value(v1_id));
  EXPECT_EQ(linked.Json().at("promptName"), "summarize");
  EXPECT_EQ(linked.Json().at("promptVersion"), 1);
  auto v2 = Get("/api/public/v2/observations?traceId=t1&fields=core,prompt");
  ASSERT_EQ(v2.status, 200) << v2.body;
  bool found = false;
  const bj::value v2_body = v2.Json();
  for (const auto& observation : v2_body.at("data").as_array()) {
    if (observation.at("id") != "g1") continue;
    found = true;
    EXPECT_EQ(observation.at("promptId"), bj::value(v1_id));
  }
  EXPECT_TRUE(found) << v2.body;

  // Langfuse drops a link to a version the project does not have.
  auto dangling = Get("/api/public/observations/g-missing");
  ASSERT_EQ(dangling.status, 200) << dangling.body;
  EXPECT_TRUE(dangling.Json().at("promptId").is_null());
  EXPECT_TRUE(dangling.Json().at("promptName").is_null());
  EXPECT_TRUE(dangling.Json().at("promptVersion").is_null());
}

TEST_P(PromptsApiTest, MetricsRollUpPerVersion) {
  CreateText("summarize");
  CreateText("summarize");
  CreateText("summarize");  // version 3 has no generations

  // Version 1: two generations in one trace (1 s and 2 s), a generation
  // score, a trace score that must count once, and a categorical score that
  // has no mean. Version 2: one generation through ingestion, one through
  // OpenTelemetry.
  bj::array batch{
      IngestionEvent("e-t1", "trace-create", {{"id", "t1"}}),
      IngestionEvent("e-t2", "trace-create", {{"id", "t2"}}),
      LinkedGeneration("g1", "t1", "summarize", 1, "2026-01-05T10:00:01.000Z", 100, 20),
      LinkedGeneration("g2", "t1", "summarize", 1, "2026-01-05T10:00:02.000Z", 50, 10),
      LinkedGeneration("g3", "t2", "summarize", 2, "2026-01-05T10:00:00.500Z", 10, 5),
      Score("s1", "t1", "g1", "quality", 0.8),
      Score("s2", "t1", "", "helpful", 1),
      Score("s3", "t1", "", "tone", "friendly"),
      Score("s4", "t2", "g3", "quality", 0.4)};
  auto ingested = Send("POST", "/api/public/ingestion", bj::serialize(bj::object{{"batch", batch}}));
  ASSERT_EQ(ingested.status, 207) << ingested.body;
  EXPECT_TRUE(ingested.Json().at("errors").as_array().empty()) << ingested.body;
  const std::string otlp = R"({"resourceSpans":[{"scopeSpans":[{"scope":{"name":"langfuse-sdk"},"spans":[{
      "traceId":"24b5405157757726697f16356ea322a1","spanId":"8b3f9318e0589b9f","name":"llm-call","kind":1,
      "startTimeUnixNano":"1796413305000000000","endTimeUnixNano":"1796413308000000000","status":{"code":0},
      "attributes":[
        {"key":"langfuse.observation.type","value":{"stringValue":"generation"}},
        {"key":"langfuse.observation.usage_details","value":{"stringValue":"{\"input\":7,\"output\":3}"}},
        {"key":"langfuse.observation.prompt.name","value":{"stringValue":"summarize"}},
        {"key":"langfuse.observation.prompt.version","value":{"intValue":2}}]}]}]}]})";
  auto exported = client_->Send("POST", "/api/public/otel/v1/traces", otlp,
                                {BasicHeader(kPublicKey, kSecretKey), "Content-Type: application/json"});
  ASSERT_EQ(exported.status, 200) << exported.body;

  const std::string token = std::string("Authorization: Token ") + kToken;
  const std::string base = "/api/prompts/" + std::to_string(ProjectId()) + "/metrics";
  auto metrics = Send("GET", base + "?name=summarize", "", token);
  ASSERT_EQ(metrics.status, 200) << metrics.body;
  const bj::value metrics_body = metrics.Json();
  const bj::array& versions = metrics_body.at("versions").as_array();
  ASSERT_EQ(versions.size(), 3u) << metrics.body;

  const bj::value& v1 = versions.at(0);
  EXPECT_EQ(v1.at("version"), 1);
  EXPECT_EQ(v1.at("generationCount"), 2);
  EXPECT_DOUBLE_EQ(v1.at("latency").at("median").as_double(), 1.5);
  EXPECT_DOUBLE_EQ(v1.at("latency").at("p95").as_double(), 1.95);
  EXPECT_EQ(v1.at("tokens"), (bj::object{{"input", 150}, {"output", 30}, {"total", 180}}));
  EXPECT_NEAR(v1.at("totalCost").as_double(), 0.006, 1e-12);
  const bj::array& v1_scores = v1.at("scores").as_array();
  ASSERT_EQ(v1_scores.size(), 2u) << metrics.body;
  EXPECT_EQ(v1_scores.at(0).at("name"), "helpful");
  EXPECT_DOUBLE_EQ(v1_scores.at(0).at("mean").to_number<double>(), 1.0);
  EXPECT_EQ(v1_scores.at(0).at("count"), 1) << "a trace score counts once per version";
  EXPECT_EQ(v1_scores.at(1).at("name"), "quality");
  EXPECT_DOUBLE_EQ(v1_scores.at(1).at("mean").to_number<double>(), 0.8);
  EXPECT_EQ(v1_scores.at(1).at("count"), 1);

  const bj::value& v2 = versions.at(1);
  EXPECT_EQ(v2.at("generationCount"), 2);
  EXPECT_DOUBLE_EQ(v2.at("latency").at("median").as_double(), 1.75);
  EXPECT_EQ(v2.at("tokens"), (bj::object{{"input", 17}, {"output", 8}, {"total", 25}}));
  ASSERT_EQ(v2.at("scores").as_array().size(), 1u);
  EXPECT_DOUBLE_EQ(v2.at("scores").at(0).at("mean").as_double(), 0.4);

  const bj::value& v3 = versions.at(2);
  EXPECT_EQ(v3.at("generationCount"), 0);
  EXPECT_TRUE(v3.at("latency").at("median").is_null());
  EXPECT_EQ(v3.at("labels"), (bj::array{"latest"}));

  // Side by side: right minus left.
  auto compared = Send("GET", base + "/compare?name=summarize&left=1&right=2", "", token);
  ASSERT_EQ(compared.status, 200) << compared.body;
  const bj::value compared_body = compared.Json();
  const bj::value& difference = compared_body.at("difference");
  EXPECT_EQ(compared_body.at("left").at("version"), 1);
  EXPECT_EQ(compared_body.at("right").at("version"), 2);
  EXPECT_EQ(difference.at("generationCount"), 0);
  EXPECT_DOUBLE_EQ(difference.at("latencyMedian").as_double(), 0.25);
  EXPECT_EQ(difference.at("totalTokens"), -155);
  const bj::array& score_rows = difference.at("scores").as_array();
  ASSERT_EQ(score_rows.size(), 2u) << compared.body;
  EXPECT_EQ(score_rows.at(0).at("name"), "helpful");
  EXPECT_TRUE(score_rows.at(0).at("right").is_null());
  EXPECT_TRUE(score_rows.at(0).at("difference").is_null());
  EXPECT_NEAR(score_rows.at(1).at("difference").as_double(), -0.4, 1e-12);

  // Bad requests name the parameter; unknown prompts and versions are 404.
  auto no_name = Send("GET", base, "", token);
  EXPECT_EQ(no_name.status, 400);
  EXPECT_NE(no_name.body.find("name"), std::string::npos) << no_name.body;
  auto no_right = Send("GET", base + "/compare?name=summarize&left=1", "", token);
  EXPECT_EQ(no_right.status, 400);
  EXPECT_NE(no_right.body.find("right"), std::string::npos) << no_right.body;
  EXPECT_EQ(Send("GET", base + "/compare?name=summarize&left=1&right=x", "", token).status, 400);
  EXPECT_EQ(Send("GET", base + "/compare?name=summarize&left=1&right=7", "", token).status, 404);
  EXPECT_EQ(Send("GET", base + "?name=nothing", "", token).status, 404);
  EXPECT_EQ(client_->Get(base + "?name=summarize").status, 401);
  EXPECT_EQ(Send("GET", base + "?name=summarize").status, 403) << "a key pair is not a user";
  EXPECT_EQ(Send("GET", "/api/prompts/999999/metrics?name=summarize", "", token).status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, PromptsApiTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
