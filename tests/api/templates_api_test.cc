// GET /api/templates from a real `tally serve`: the gallery of label config
// templates read from --templates-dir, with titles and groups from INDEX.md
// or the file name and the sample task of a trailing comment.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
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

constexpr const char* kToken = "fedcba9876543210fedcba9876543210fedcba98";

std::unique_ptr<TallyProcess> StartWithTemplates(const fs::path& dir) {
  ServeOptions options;
  options.environment = {{"TALLY_INIT_USER_EMAIL", "admin@example.com"},
                         {"TALLY_INIT_USER_PASSWORD", "correct-horse"},
                         {"TALLY_INIT_USER_TOKEN", kToken}};
  if (!dir.empty()) options.arguments = {"--templates-dir", dir.string()};
  return std::make_unique<TallyProcess>(options);
}

const std::vector<std::string> kAuth = {std::string("Authorization: Token ") + kToken};

class TemplatesApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("tally-templates-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    std::ofstream(dir_ / "natural-language-processing__named-entity-recognition.xml")
        << "<View>\n  <Labels name=\"label\" toName=\"text\"><Label value=\"PER\"/></Labels>\n"
           "  <Text name=\"text\" value=\"$text\"/>\n</View>\n"
           "<!-- {\"data\": {\"text\": \"Ada Lovelace wrote the first program.\"}} -->\n";
    std::ofstream(dir_ / "chat__rate-a-reply.xml")
        << "<View><Text name=\"reply\" value=\"$reply\"/><Rating name=\"score\" toName=\"reply\"/></View>";
    std::ofstream(dir_ / "notes.txt") << "not a template";
    std::ofstream(dir_ / "INDEX.md") << "# Templates\n\n| # | File | Title | Group |\n|---|---|---|---|\n"
                                        "| 1 | `chat__rate-a-reply.xml` | Rate a Reply | Chat |\n"
                                        "| 2 | `natural-language-processing__named-entity-recognition.xml` |  |  |\n";
    server_ = StartWithTemplates(dir_);
    ASSERT_TRUE(server_->started()) << server_->failure_reason();
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<TallyProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(TemplatesApiTest, ListsTemplatesOfTheFolder) {
  auto response = client_->Get("/api/templates", kAuth);
  ASSERT_EQ(response.status, 200) << response.body;
  const boost::json::value body = response.Json();
  const boost::json::array& items = body.as_array();
  ASSERT_EQ(items.size(), 2u);

  // Sorted by group: "Chat" before "Natural language processing".
  const boost::json::object& chat = items[0].as_object();
  EXPECT_EQ(chat.at("id"), "chat__rate-a-reply");
  EXPECT_EQ(chat.at("title"), "Rate a Reply");
  EXPECT_EQ(chat.at("group"), "Chat");
  EXPECT_TRUE(chat.at("sample").is_null());
  EXPECT_NE(chat.at("config").as_string().find("<Rating name=\"score\""), boost::json::string::npos);

  const boost::json::object& ner = items[1].as_object();
  EXPECT_EQ(ner.at("id"), "natural-language-processing__named-entity-recognition");
  EXPECT_EQ(ner.at("title"), "Named entity recognition");
  EXPECT_EQ(ner.at("group"), "Natural language processing");
  EXPECT_EQ(ner.at("sample"), boost::json::parse(R"({"text":"Ada Lovelace wrote the first program."})"));
}

TEST_F(TemplatesApiTest, RequiresSignIn) {
  EXPECT_EQ(client_->Get("/api/templates").status, 401);
}

TEST_F(TemplatesApiTest, MissingFolderIsAClearError) {
  fs::remove_all(dir_);
  auto response = client_->Get("/api/templates", kAuth);
  EXPECT_EQ(response.status, 503);
  EXPECT_NE(response.body.find("--templates-dir"), std::string::npos) << response.body;
  EXPECT_EQ(response.body.find(dir_.string()), std::string::npos) << "the path stays in the log";
}

TEST(TemplatesApiWithoutFolder, ListIsEmpty) {
  auto server = StartWithTemplates({});
  ASSERT_TRUE(server->started()) << server->failure_reason();
  HttpClient client(server->base_url());
  auto response = client.Get("/api/templates", kAuth);
  ASSERT_EQ(response.status, 200);
  EXPECT_TRUE(response.Json().as_array().empty());
}

// The real Label Studio template corpus: every file is listed with its
// index title, and templates with a sample comment carry their data.
TEST(TemplatesApiCorpus, ListsTheRealCorpus) {
  const char* shared = std::getenv("TALLY_SHARED_DIR");
  const fs::path corpus = shared ? fs::path(shared) / "reference" / "label-studio-templates" : fs::path();
  if (corpus.empty() || !fs::is_directory(corpus)) {
    const std::string reason = "template corpus not available (TALLY_SHARED_DIR unset or ../shared missing)";
    if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL() << reason;
    GTEST_SKIP() << reason;
  }
  size_t files = 0;
  for (const auto& entry : fs::directory_iterator(corpus)) files += entry.path().extension() == ".xml";

  auto server = StartWithTemplates(corpus);
  ASSERT_TRUE(server->started()) << server->failure_reason();
  HttpClient client(server->base_url());
  auto response = client.Get("/api/templates", kAuth);
  ASSERT_EQ(response.status, 200);
  const boost::json::value body = response.Json();
  const boost::json::array& items = body.as_array();
  EXPECT_EQ(items.size(), files);

  bool found_ner = false;
  size_t with_sample = 0;
  for (const boost::json::value& item : items) {
    const boost::json::object& entry = item.as_object();
    EXPECT_FALSE(entry.at("title").as_string().empty()) << entry.at("id");
    EXPECT_FALSE(entry.at("group").as_string().empty()) << entry.at("id");
    with_sample += entry.at("sample").is_object();
    if (entry.at("id") == "structured-data-parsing__html-entity-recognition") {
      found_ner = true;
      EXPECT_EQ(entry.at("title"), "HTML Entity Recognition");
    }
  }
  EXPECT_TRUE(found_ner);
  EXPECT_GT(with_sample, 0u);
}

}  // namespace
}  // namespace tally
