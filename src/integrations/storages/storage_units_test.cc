// Pure parts of storages: regex_filter semantics, settings checks, URI
// encoding, error mapping and the local files path guard.
#include <gtest/gtest.h>

#include <fstream>

#include "integrations/storages/local_store.h"
#include "integrations/storages/storage_service.h"
#include "integrations/storages/storage_settings.h"
#include "integrations/storages/store_errors.h"

namespace tally::integrations::storages {
namespace {

namespace bj = boost::json;
namespace fs = std::filesystem;

TEST(RegexFilter, MatchesAtStartLikePythonReMatch) {
  struct Case {
    std::string pattern;
    std::string key;
    bool matches;
  };
  const std::vector<Case> cases = {
      {"", "anything", true},
      {".*\\.json", "tasks/a.json", true},
      {".*\\.json", "tasks/a.json.bak", true},  // re.match does not require a full match
      {"\\.json", "tasks/a.json", false},       // anchored at the start, not a search
      {"tasks/", "tasks/a.json", true},
      {"images/.+\\.(png|jpg)", "images/x.jpg", true},
      {"images/.+\\.(png|jpg)", "other/images/x.jpg", false},
  };
  for (const Case& item : cases) {
    EXPECT_EQ(RegexFilter(item.pattern).Matches(item.key), item.matches) << item.pattern << " on " << item.key;
  }
  EXPECT_FALSE(RegexFilter("(").Matches("x")) << "an invalid pattern matches nothing";
  EXPECT_TRUE(RegexFilter("(?P<folder>[a-z]+)/").Matches("tasks/a.json")) << "Python's named groups";
  EXPECT_TRUE(RegexFilter("a|b").Matches("b.json")) << "an alternation is anchored as a whole";
  EXPECT_FALSE(RegexFilter("a|b").Matches("cb.json"));

  // A pattern that makes a backtracking engine take exponential time on a
  // non-matching key; a linear engine returns at once.
  EXPECT_FALSE(RegexFilter("(a+)+$").Matches(std::string(5000, 'a') + "b"));
  EXPECT_FALSE(RegexFilter::Problem("(a)\\1").empty()) << "backreferences are refused when saved";
  EXPECT_TRUE(RegexFilter::Problem(".*\\.json").empty());
}

TEST(StorageSettings, FieldsAreCheckedAndCredentialsKeptApart) {
  StorageSettings settings;
  settings.type = "s3";
  const bj::object body{{"bucket", "b"},
                        {"prefix", "tasks/"},
                        {"presign_ttl", 5},
                        {"aws_access_key_id", "AKID"},
                        {"aws_secret_access_key", "SECRET"},
                        {"container", "ignored for s3"}};
  ASSERT_TRUE(ApplySettingsFields(body, settings));
  EXPECT_EQ(settings.String("bucket"), "b");
  EXPECT_FALSE(settings.fields.contains("container"));
  EXPECT_FALSE(settings.fields.contains("aws_secret_access_key"));
  EXPECT_EQ(settings.Secret("aws_secret_access_key"), "SECRET");
  EXPECT_TRUE(CheckSettings(settings));

  auto bad_type = ApplySettingsFields(bj::object{{"presign", "yes"}}, settings);
  ASSERT_FALSE(bad_type);
  EXPECT_EQ(bad_type.error().fields.at(0).field, "presign");

  ASSERT_TRUE(ApplySettingsFields(bj::object{{"presign_ttl", 0}}, settings));
  auto bad_ttl = CheckSettings(settings);
  ASSERT_FALSE(bad_ttl);
  EXPECT_EQ(bad_ttl.error().fields.at(0).field, "presign_ttl");

  ASSERT_TRUE(ApplySettingsFields(bj::object{{"presign_ttl", 1}, {"regex_filter", "("}}, settings));
  auto bad_regex = CheckSettings(settings);
  ASSERT_FALSE(bad_regex);
  EXPECT_EQ(bad_regex.error().fields.at(0).field, "regex_filter");

  ASSERT_TRUE(ApplySettingsFields(bj::object{{"aws_session_token", nullptr}, {"aws_access_key_id", ""}}, settings));
  EXPECT_FALSE(settings.credentials.contains("aws_access_key_id")) << "an empty credential removes it";
}

TEST(StorageSettings, RequiredFieldsPerType) {
  for (const auto& [type, field] : std::vector<std::pair<std::string, std::string>>{
           {"s3", "bucket"}, {"gcs", "bucket"}, {"azure", "container"}, {"localfiles", "path"}}) {
    StorageSettings settings;
    settings.type = type;
    auto checked = CheckSettings(settings);
    ASSERT_FALSE(checked) << type;
    EXPECT_EQ(checked.error().fields.at(0).field, field) << type;
  }
  EXPECT_EQ(SecretFieldsOf("azure"), std::vector<std::string>{"account_key"});
}

TEST(UriEncode, EncodesAllButUnreserved) {
  EXPECT_EQ(UriEncode("a b/c~d_e.f-g+h", true), "a%20b/c~d_e.f-g%2Bh");
  EXPECT_EQ(UriEncode("a/b", false), "a%2Fb");
  EXPECT_EQ(UriEncode("é", false), "%C3%A9");
}

TEST(ErrorForStatus, MapsStatusesToRetryableOrNot) {
  EXPECT_EQ(ErrorForStatus(404, "NoSuchKey", "S3 bucket \"b\"", "get object").code, Errc::kNotFound);
  EXPECT_EQ(ErrorForStatus(404, "NoSuchBucket", "S3 bucket \"b\"", "list bucket").code, Errc::kInvalidArgument);
  EXPECT_EQ(ErrorForStatus(403, "AccessDenied", "S3 bucket \"b\"", "list bucket").code, Errc::kInvalidArgument);
  EXPECT_EQ(ErrorForStatus(503, "SlowDown", "S3 bucket \"b\"", "get object").code, Errc::kUnavailable);
  EXPECT_EQ(ErrorForStatus(500, "", "S3 bucket \"b\"", "get object").code, Errc::kUnavailable);
  EXPECT_NE(ErrorForStatus(403, "AccessDenied", "S3 bucket \"b\"", "list bucket").message.find("403 AccessDenied"),
            std::string::npos);
  EXPECT_EQ(HostName("http://127.0.0.1:9000/bucket/key?X-Amz-Signature=abc"), "127.0.0.1:9000");
}

class LocalFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() / ("tally-local-files-" + std::to_string(::getpid()));
    fs::remove_all(base_);
    fs::create_directories(base_ / "root" / "images");
    fs::create_directories(base_ / "root-evil");
    fs::create_directories(base_ / "outside");
    std::ofstream(base_ / "root" / "images" / "a.png") << "png";
    std::ofstream(base_ / "outside" / "secret.txt") << "secret";
    std::ofstream(base_ / "root-evil" / "b.txt") << "evil";
    fs::create_symlink(base_ / "outside", base_ / "root" / "link-out");
    auto roots = ParseLocalRoots((base_ / "root").string());
    ASSERT_TRUE(roots) << roots.error().message;
    roots_ = *roots;
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
  std::vector<fs::path> roots_;
};

TEST_F(LocalFilesTest, PathsMustStayUnderTheRoot) {
  EXPECT_TRUE(CheckLocalPath((base_ / "root" / "images").string(), roots_));
  EXPECT_FALSE(CheckLocalPath((base_ / "root-evil").string(), roots_)) << "a shared name prefix is not a parent";
  EXPECT_FALSE(CheckLocalPath((base_ / "root" / "link-out").string(), roots_)) << "a symlink out of the root";
  EXPECT_FALSE(CheckLocalPath((base_ / "root" / ".." / "outside").string(), roots_));
  EXPECT_FALSE(CheckLocalPath("relative/dir", roots_));
  EXPECT_FALSE(CheckLocalPath((base_ / "root" / "images").string(), {})) << "no roots: disabled";
}

TEST_F(LocalFilesTest, ServedFilesCannotTraverse) {
  auto found = ResolveLocalFile("images/a.png", roots_);
  ASSERT_TRUE(found) << found.error().message;
  EXPECT_EQ(found->filename(), "a.png");
  for (const std::string& bad : std::vector<std::string>{"../outside/secret.txt", "images/../../outside/secret.txt", "link-out/secret.txt",
                                (base_ / "outside" / "secret.txt").string(), "../root-evil/b.txt"}) {
    auto resolved = ResolveLocalFile(bad, roots_);
    ASSERT_FALSE(resolved) << bad;
    EXPECT_EQ(resolved.error().code, Errc::kForbidden) << bad;
  }
  EXPECT_EQ(ResolveLocalFile("images/missing.png", roots_).error().code, Errc::kNotFound);
  auto with_nul = ResolveLocalFile(std::string("images/a.png\0.jpg", 17), roots_);
  ASSERT_FALSE(with_nul) << "a NUL would make open() see a shorter name";
  EXPECT_EQ(with_nul.error().code, Errc::kInvalidArgument);
}

TEST_F(LocalFilesTest, StoreListsReadsAndWritesInsideItsDirectory) {
  StorageSettings settings;
  settings.type = "localfiles";
  settings.fields["path"] = (base_ / "root").string();
  settings.fields["recursive_scan"] = true;
  auto store = OpenLocalStore(settings, roots_);
  ASSERT_TRUE(store) << store.error().message;
  auto page = (*store)->List("");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->objects.size(), 1u) << "the symlinked directory outside the root is not listed";
  EXPECT_EQ(page->objects[0].key, "images/a.png");
  EXPECT_EQ((*store)->UriOf("images/a.png"), "/data/local-files/?d=images/a.png");
  ASSERT_TRUE((*store)->Put("exports/1", "{}", "application/json"));
  EXPECT_TRUE(fs::exists(base_ / "root" / "exports" / "1"));
  EXPECT_EQ((*store)->Put("../escape", "{}", "application/json").error().code, Errc::kForbidden);
  EXPECT_EQ((*store)->Put("link-out/planted", "{}", "application/json").error().code, Errc::kForbidden)
      << "a write through a symlink out of the root";
  EXPECT_FALSE(fs::exists(base_ / "outside" / "planted"));
  EXPECT_EQ((*store)->Get("images/missing.png").error().code, Errc::kNotFound);
}

}  // namespace
}  // namespace tally::integrations::storages
