// Extreme but valid integers in labeling requests and settings, over real
// HTTP on SQLite and PostgreSQL: page numbers whose offset would overflow,
// and a task lock lifetime whose expiry would overflow.
#include <cstdint>
#include <limits>

#include "api/labeling_fixture.h"

namespace tally {
namespace {

class LabelingLimits : public LabelingApiTest {
 protected:
  // A project with `count` tasks; returns its id.
  int64_t MakeProject(int count) {
    const int64_t id = CreateProject(kSentimentConfig);
    bj::array tasks;
    for (int i = 0; i < count; ++i) tasks.push_back(bj::object{{"text", "task " + std::to_string(i)}});
    auto imported = Import(id, bj::serialize(tasks));
    EXPECT_EQ(imported.status, 201) << imported.body;
    return id;
  }
};

const std::string kMaxInt64 = std::to_string(std::numeric_limits<int64_t>::max());

TEST_P(LabelingLimits, HugePageIsPastTheEnd) {
  const std::string project = std::to_string(MakeProject(2));

  auto data_manager = Get("/api/tasks?project=" + project + "&page=" + kMaxInt64 + "&page_size=100");
  EXPECT_EQ(data_manager.status, 404) << data_manager.body;

  auto plain = Get("/api/projects/" + project + "/tasks?page=" + kMaxInt64 + "&page_size=100");
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_TRUE(plain.Json().as_array().empty()) << plain.body;
}

TEST_P(LabelingLimits, HugeLockLifetimeStillLocks) {
  const int64_t project = MakeProject(1);
  auto patched = Patch("/api/projects/" + std::to_string(project), R"({"custom_task_lock_ttl":)" + kMaxInt64 + "}");
  ASSERT_EQ(patched.status, 200) << patched.body;

  const std::string next = "/api/projects/" + std::to_string(project) + "/next";
  auto first = Get(next, annotator_token_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(Get(next).status, 404) << "the annotator's lock keeps the only task from the owner";
}

INSTANTIATE_TEST_SUITE_P(Backends, LabelingLimits, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
