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

// A NUL anywhere in task data is rejected with its path, on import and on an
// edit, so no stored task can break the project's data filters later.
TEST_P(LabelingLimits, NulInTaskDataRejected) {
  const int64_t project = MakeProject(1);
  auto imported = Import(project, R"([{"text":"fine"},{"text":"ok","extra":{"notes":["a","b\u0000c"]}}])");
  ASSERT_EQ(imported.status, 400) << imported.body;
  EXPECT_TRUE(imported.Json().at("validation_errors").as_object().contains("tasks.1.data.extra.notes.1"))
      << imported.body;
  EXPECT_EQ(Get("/api/projects/" + std::to_string(project)).Json().at("task_number"), 1) << "nothing imported";

  auto key = Import(project, R"([{"text":"fine","bad\u0000key":1}])");
  EXPECT_EQ(key.status, 400) << key.body;

  const int64_t task = TaskList(project).at(0).at("id").as_int64();
  auto edited = Patch("/api/tasks/" + std::to_string(task), R"({"data":{"text":"x\u0000y"}})");
  ASSERT_EQ(edited.status, 400) << edited.body;
  EXPECT_TRUE(edited.Json().at("validation_errors").as_object().contains("data.text")) << edited.body;

  auto filtered = Get("/api/tasks?project=" + std::to_string(project) +
                      "&query=%7B%22filters%22%3A%7B%22conjunction%22%3A%22and%22%2C%22items%22%3A%5B%7B%22filter%22"
                      "%3A%22filter%3Atasks%3Adata.text%22%2C%22operator%22%3A%22contains%22%2C%22type%22%3A%22String"
                      "%22%2C%22value%22%3A%22task%22%7D%5D%7D%7D");
  ASSERT_EQ(filtered.status, 200) << filtered.body;
  EXPECT_EQ(filtered.Json().at("total"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, LabelingLimits, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally
