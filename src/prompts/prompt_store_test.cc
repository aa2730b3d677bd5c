#include "prompts/prompt_store.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <numeric>
#include <thread>

#include "prompts/composition.h"
#include "prompts/draft_store.h"
#include "prompts/prompt_service.h"
#include "store/migrations.h"
#include "store/testing/test_databases.h"

namespace tally::prompts {
namespace {

namespace bj = boost::json;
using Labels = std::vector<std::string>;

constexpr int64_t kProject = 7;
const Actor kKey{Actor::Kind::kApiKey, "pk-lf-test"};

class PromptStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string skip_reason;
    database_ = store::testing::TestDatabase::Open(GetParam(), skip_reason);
    if (!database_) {
      if (std::getenv("CI") && std::string(std::getenv("CI")) == "true") FAIL() << skip_reason;
      GTEST_SKIP() << skip_reason;
    }
    auto migrated = store::Migrator(database_->db()).Up();
    ASSERT_TRUE(migrated) << migrated.error().detail;
    service_ = std::make_unique<PromptService>(database_->db());
  }

  PromptVersion Create(const std::string& name, Labels labels = {}, PromptType type = PromptType::kText,
                       std::optional<Labels> tags = std::nullopt, int64_t project = kProject) {
    NewPromptVersion draft;
    draft.name = name;
    draft.type = type;
    draft.prompt = type == PromptType::kText ? bj::value("Hello {{who}}")
                                             : bj::value(bj::array{bj::object{{"role", "user"}, {"content", "hi"}}});
    draft.labels = std::move(labels);
    draft.tags = std::move(tags);
    auto created = service_->Create(project, draft, kKey);
    EXPECT_TRUE(created) << created.error().message << created.error().detail;
    return created ? *created : PromptVersion{};
  }

  std::optional<PromptVersion> Find(const std::string& name, VersionSelector selector, int64_t project = kProject) {
    auto found = database_->db().Read(
        [&](store::Connection& c) { return FindPromptVersion(c, project, name, selector); });
    EXPECT_TRUE(found) << found.error().detail;
    return found ? *found : std::nullopt;
  }

  std::unique_ptr<store::testing::TestDatabase> database_;
  std::unique_ptr<PromptService> service_;
};

TEST_P(PromptStoreTest, VersionsCountFromOnePerName) {
  EXPECT_EQ(Create("a").version, 1);
  EXPECT_EQ(Create("a").version, 2);
  EXPECT_EQ(Create("b").version, 1);
  EXPECT_EQ(Create("a", {}, PromptType::kText, std::nullopt, kProject + 1).version, 1) << "versions are per project";
}

TEST_P(PromptStoreTest, LatestFollowsNewestVersion) {
  PromptVersion first = Create("a", {"production"});
  EXPECT_EQ(first.labels, (Labels{"production", "latest"}));
  Create("a");
  EXPECT_EQ(Find("a", {.version = 1})->labels, (Labels{"production"}));
  EXPECT_EQ(Find("a", {.version = 2})->labels, (Labels{"latest"}));
  EXPECT_EQ(Find("a", {.label = "latest"})->version, 2);
  EXPECT_EQ(Find("a", {})->version, 1) << "no selector means production";
}

TEST_P(PromptStoreTest, LabelMovesBetweenVersions) {
  Create("a", {"production"});
  Create("a", {"staging"});
  auto updated = service_->AddLabels(kProject, "a", 2, {"production"}, kKey);
  ASSERT_TRUE(updated);
  ASSERT_TRUE(*updated);
  EXPECT_EQ((*updated)->labels, (Labels{"staging", "latest", "production"}));
  EXPECT_TRUE(Find("a", {.version = 1})->labels.empty());
  EXPECT_EQ(Find("a", {})->version, 2);

  auto missing = service_->AddLabels(kProject, "a", 9, {"production"}, kKey);
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_P(PromptStoreTest, TypeIsFixedPerName) {
  Create("a");
  NewPromptVersion chat{.name = "a", .type = PromptType::kChat, .prompt = bj::array{}};
  auto created = service_->Create(kProject, chat, kKey);
  ASSERT_FALSE(created);
  EXPECT_TRUE(created.error().Is(Errc::kInvalidArgument));
}

TEST_P(PromptStoreTest, TagsAreSharedAndKeptWhenOmitted) {
  Create("a", {}, PromptType::kText, Labels{"x", "y"});
  Create("a");
  EXPECT_EQ(Find("a", {.version = 2})->tags, (Labels{"x", "y"}));
  Create("a", {}, PromptType::kText, Labels{"z"});
  EXPECT_EQ(Find("a", {.version = 1})->tags, (Labels{"z"})) << "a create with tags rewrites every version's tags";
}

TEST_P(PromptStoreTest, DeleteMovesLatestDown) {
  Create("a");
  Create("a");
  Create("a", {"production"});
  auto deleted = service_->Delete(kProject, "a", {.label = "production"}, kKey);
  ASSERT_TRUE(deleted);
  EXPECT_EQ(*deleted, 1);
  EXPECT_EQ(Find("a", {.label = "latest"})->version, 2);
  EXPECT_EQ(Create("a").version, 3) << "the next version is max + 1";

  auto all = service_->Delete(kProject, "a", {}, kKey);
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, 3);
  EXPECT_FALSE(Find("a", {.label = "latest"}));
  auto none = service_->Delete(kProject, "a", {}, kKey);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
}

TEST_P(PromptStoreTest, ListGroupsByNameAndPages) {
  Create("b", {"production"}, PromptType::kText, Labels{"t1"});
  Create("b", {"staging"});
  Create("a", {}, PromptType::kChat);
  Create("c");

  auto all = service_->List(kProject, {.limit = 2});
  ASSERT_TRUE(all) << all.error().detail;
  EXPECT_EQ(all->total_names, 3);
  ASSERT_EQ(all->items.size(), 2u);
  EXPECT_EQ(all->items[0].name, "a");
  EXPECT_EQ(all->items[0].type, PromptType::kChat);
  EXPECT_EQ(all->items[1].name, "b");
  EXPECT_EQ(all->items[1].versions, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(all->items[1].labels, (Labels{"latest", "production", "staging"}));
  EXPECT_EQ(all->items[1].tags, (Labels{"t1"}));

  auto second = service_->List(kProject, {.page = 2, .limit = 2});
  ASSERT_TRUE(second);
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].name, "c");

  auto by_label = service_->List(kProject, {.label = "production"});
  ASSERT_TRUE(by_label);
  ASSERT_EQ(by_label->items.size(), 1u);
  EXPECT_EQ(by_label->items[0].versions, (std::vector<int64_t>{1}));
  EXPECT_EQ(by_label->items[0].labels, (Labels{"production"})) << "labels of matching versions only";

  auto by_tag = service_->List(kProject, {.tag = "t1"});
  ASSERT_TRUE(by_tag);
  EXPECT_EQ(by_tag->total_names, 1);

  auto by_name = service_->List(kProject, {.name = "c", .version = 1});
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->total_names, 1);

  auto other_project = service_->List(kProject + 1, {});
  ASSERT_TRUE(other_project);
  EXPECT_EQ(other_project->total_names, 0);
}

TEST_P(PromptStoreTest, AuditRecordsActorsAndLabelMoves) {
  Create("a", {"production"});
  Create("a");
  const Actor user{Actor::Kind::kUser, "42"};
  ASSERT_TRUE(service_->AddLabels(kProject, "a", 2, {"production"}, user));

  auto audit = service_->Audit(kProject, "a", 1, 50);
  ASSERT_TRUE(audit) << audit.error().detail;
  std::vector<std::string> actions;
  for (const AuditEntry& entry : audit->entries) {
    actions.push_back(entry.action + ":" + std::to_string(entry.version) + ":" + entry.label.value_or("") + ":" +
                      entry.actor.id);
  }
  EXPECT_EQ(actions, (Labels{"create_version:1::pk-lf-test", "add_label:1:production:pk-lf-test",
                             "create_version:2::pk-lf-test", "remove_label:1:production:42",
                             "add_label:2:production:42"}));
  EXPECT_EQ(audit->total, 5);
}

TEST_P(PromptStoreTest, CachedReadSeesWritesOfThisProcess) {
  Create("a", {"production"});
  auto first = service_->GetJson(kProject, "a", {});
  ASSERT_TRUE(first);
  ASSERT_TRUE(*first);
  EXPECT_NE((*first)->find("\"version\":1"), std::string::npos);

  Create("a", {"production"});
  auto second = service_->GetJson(kProject, "a", {});
  ASSERT_TRUE(second);
  ASSERT_TRUE(*second);
  EXPECT_NE((*second)->find("\"version\":2"), std::string::npos) << "a create invalidates the cached read";

  ASSERT_TRUE(service_->AddLabels(kProject, "a", 1, {"production"}, kKey));
  auto third = service_->GetJson(kProject, "a", {});
  ASSERT_TRUE(third);
  ASSERT_TRUE(*third);
  EXPECT_NE((*third)->find("\"version\":1"), std::string::npos) << "a label move invalidates the cached read";

  ASSERT_TRUE(service_->Delete(kProject, "a", {.version = 1}, kKey));
  auto gone = service_->GetJson(kProject, "a", {});
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_P(PromptStoreTest, EmbeddedPromptsResolveOnRead) {
  NewPromptVersion child{.name = "child", .prompt = "world", .labels = {"production"}};
  ASSERT_TRUE(service_->Create(kProject, child, kKey));
  NewPromptVersion parent{.name = "parent",
                          .prompt = "Hello @@@langfusePrompt:name=child|label=production@@@!",
                          .labels = {"production"}};
  auto created = service_->Create(kProject, parent, kKey);
  ASSERT_TRUE(created) << created.error().message;

  auto resolved = service_->GetJson(kProject, "parent", {});
  ASSERT_TRUE(resolved);
  ASSERT_TRUE(*resolved);
  const bj::value body = bj::parse(**resolved);
  EXPECT_EQ(body.at("prompt"), "Hello world!");
  EXPECT_EQ(body.at("resolutionGraph").at("root").at("name"), "parent");
  EXPECT_EQ(body.at("resolutionGraph").at("dependencies").at(created->id).at(0).at("name"), "child");

  auto raw = service_->GetJson(kProject, "parent", {}, false);
  ASSERT_TRUE(raw);
  ASSERT_TRUE(*raw);
  EXPECT_EQ(bj::parse(**raw).at("prompt"), "Hello @@@langfusePrompt:name=child|label=production@@@!");
  EXPECT_TRUE(bj::parse(**raw).at("resolutionGraph").is_null());

  // A new child version under the same label shows through the parent at once.
  child.prompt = "there";
  ASSERT_TRUE(service_->Create(kProject, child, kKey));
  auto updated = service_->GetJson(kProject, "parent", {});
  ASSERT_TRUE(updated);
  ASSERT_TRUE(*updated);
  EXPECT_EQ(bj::parse(**updated).at("prompt"), "Hello there!");
}

TEST_P(PromptStoreTest, BrokenReferencesAreRejected) {
  NewPromptVersion chat{.name = "chat", .type = PromptType::kChat,
                        .prompt = bj::array{bj::object{{"role", "user"}, {"content", "x"}}}};
  ASSERT_TRUE(service_->Create(kProject, chat, kKey));
  const std::string cases[] = {
      "@@@langfusePrompt:name=missing|label=production@@@",
      "@@@langfusePrompt:name=chat|version=1@@@",
      "@@@langfusePrompt:name=self|version=1@@@",
  };
  for (const std::string& text : cases) {
    auto created = service_->Create(kProject, {.name = "self", .prompt = bj::value(text)}, kKey);
    ASSERT_FALSE(created) << text;
    EXPECT_TRUE(created.error().Is(Errc::kInvalidArgument)) << text;
  }

  // p1 embeds p2 … up to p5: five prompts deep is allowed, six is not.
  ASSERT_TRUE(service_->Create(kProject, {.name = "p5", .prompt = "end"}, kKey));
  for (int i = 4; i >= 1; --i) {
    const std::string text = fmt::format("@@@langfusePrompt:name=p{}|label=latest@@@", i + 1);
    auto created = service_->Create(kProject, {.name = fmt::format("p{}", i), .prompt = bj::value(text)}, kKey);
    ASSERT_TRUE(created) << i << ": " << created.error().message;
  }
  auto too_deep = service_->Create(kProject, {.name = "p0", .prompt = "@@@langfusePrompt:name=p1|label=latest@@@"}, kKey);
  EXPECT_FALSE(too_deep);
}

TEST_P(PromptStoreTest, DeleteKeepsEmbeddedPromptsWhole) {
  ASSERT_TRUE(service_->Create(kProject, {.name = "child", .prompt = "a", .labels = {"production"}}, kKey));
  ASSERT_TRUE(service_->Create(kProject, {.name = "child", .prompt = "b", .labels = {"staging"}}, kKey));
  ASSERT_TRUE(service_->Create(
      kProject, {.name = "parent", .prompt = "@@@langfusePrompt:name=child|label=production@@@"}, kKey));

  auto by_label = service_->Delete(kProject, "child", {.label = "production"}, kKey);
  ASSERT_FALSE(by_label);
  EXPECT_TRUE(by_label.error().Is(Errc::kInvalidArgument));
  auto everything = service_->Delete(kProject, "child", {}, kKey);
  EXPECT_FALSE(everything);

  auto unused = service_->Delete(kProject, "child", {.version = 2}, kKey);
  ASSERT_TRUE(unused) << unused.error().message;
  EXPECT_EQ(*unused, 1);
}

TEST_P(PromptStoreTest, ConcurrentCreatesGetDistinctVersions) {
  constexpr int kThreads = 3;
  constexpr int kPerThread = 8;
  std::vector<std::thread> threads;
  std::mutex mutex;
  std::vector<int64_t> versions;
  std::vector<std::string> failures;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPerThread; ++i) {
        auto created = service_->Create(kProject, {.name = "busy", .prompt = "x"}, kKey);
        std::lock_guard lock(mutex);
        if (created) {
          versions.push_back(created->version);
        } else {
          failures.push_back(created.error().message + " " + created.error().detail);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_TRUE(failures.empty()) << failures.front();
  std::sort(versions.begin(), versions.end());
  std::vector<int64_t> expected(versions.size());
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(versions, expected);
  EXPECT_EQ(Find("busy", {.label = "latest"})->version, static_cast<int64_t>(versions.size()));
}

TEST(FindPromptReferences, ParsesTags) {
  auto references = FindPromptReferences(
      "a @@@langfusePrompt:name=f/x|version=3@@@ b @@@langfusePrompt:name=y|label=prod@@@ "
      "@@@langfusePrompt:name=f/x|version=3@@@ @@@langfusePrompt:label=z@@@ @@@langfusePrompt:name=q|version=x@@@");
  ASSERT_EQ(references.size(), 2u);
  EXPECT_EQ(references[0].name, "f/x");
  EXPECT_EQ(references[0].selector.version, 3);
  EXPECT_EQ(references[1].name, "y");
  EXPECT_EQ(references[1].selector.label, "prod");
}

INSTANTIATE_TEST_SUITE_P(Backends, PromptStoreTest, ::testing::ValuesIn(store::testing::Backends()));

// ----- Draft update log (draft_store.h) -----

class DraftStoreTest : public PromptStoreTest {
 protected:
  int64_t Append(const std::string& name, const std::string& update) {
    auto seq = database_->db().Write([&](store::Connection& c) { return AppendDraftUpdate(c, kProject, name, update, 1); });
    EXPECT_TRUE(seq) << seq.error().detail;
    return seq ? *seq : -1;
  }

  std::vector<DraftUpdate> Load(const std::string& name) {
    auto updates = database_->db().Read([&](store::Connection& c) { return LoadDraftUpdates(c, kProject, name); });
    EXPECT_TRUE(updates);
    return updates ? *updates : std::vector<DraftUpdate>{};
  }

  Result<int64_t> Compact(const std::string& name, const std::string& snapshot, int64_t seen) {
    return database_->db().Write([&](store::Connection& c) { return CompactDraft(c, kProject, name, snapshot, seen, 2); });
  }

};

TEST_P(DraftStoreTest, SeqsCountPerDraft) {
  EXPECT_EQ(Append("a", "AQ=="), 1);
  EXPECT_EQ(Append("a", "Ag=="), 2);
  EXPECT_EQ(Append("b", "Aw=="), 1);
  const auto updates = Load("a");
  ASSERT_EQ(updates.size(), 2u);
  EXPECT_EQ(updates[0].update, "AQ==");
  EXPECT_EQ(updates[1].seq, 2);
  EXPECT_TRUE(Load("none").empty());
}

TEST_P(DraftStoreTest, CompactionKeepsLaterUpdates) {
  for (int i = 0; i < 5; ++i) Append("a", "AQ==");
  auto removed = Compact("a", "snapshot", 3);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 3);
  auto updates = Load("a");
  ASSERT_EQ(updates.size(), 3u);
  EXPECT_EQ(updates[0].seq, 3);
  EXPECT_TRUE(updates[0].is_snapshot);
  EXPECT_EQ(updates[0].update, "snapshot");
  EXPECT_EQ(updates[2].seq, 5);
  EXPECT_EQ(Append("a", "Ag=="), 6) << "seq keeps counting after compaction";

  // An older save's snapshot compacted after a newer one keeps both.
  ASSERT_TRUE(Compact("a", "older", 2));
  updates = Load("a");
  ASSERT_EQ(updates.size(), 5u);
  EXPECT_EQ(updates[0].update, "older");
  EXPECT_EQ(updates[1].update, "snapshot");
}

TEST_P(DraftStoreTest, CompactionBeyondLogIsRejected) {
  Append("a", "AQ==");
  auto beyond = Compact("a", "snapshot", 2);
  ASSERT_FALSE(beyond);
  EXPECT_EQ(beyond.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(Load("a").size(), 1u);
  auto nothing = Compact("a", "snapshot", 0);
  ASSERT_TRUE(nothing);
  EXPECT_EQ(*nothing, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, DraftStoreTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally::prompts
