// The task state machine on both backends: every (state, event) pair of the
// built-in workflow, allowed or forbidden, the records transitions leave,
// custom workflows, and the event an annotation write reports.
#include <gtest/gtest.h>

#include <map>

#include "accounts/account_store.h"
#include "accounts/project_access.h"
#include "labeling/lifecycle.h"
#include "labeling/task_store.h"
#include "store/migrations.h"
#include "store/testing/test_databases.h"

namespace tally::labeling {
namespace {

namespace bj = boost::json;

// The built-in table as the API documents it: (state, event) → target.
// Pairs not listed are forbidden.
const std::map<std::pair<std::string, std::string>, std::string> kExpectedBuiltIn = {
    {{"unlabeled", "locked"}, "in_progress"},        {{"in_progress", "locked"}, "in_progress"},
    {{"skipped", "locked"}, "in_progress"},          {{"in_progress", "lock_expired"}, "unlabeled"},
    {{"unlabeled", "annotated"}, "in_progress"},     {{"in_progress", "annotated"}, "in_progress"},
    {{"skipped", "annotated"}, "in_progress"},       {{"unlabeled", "skipped"}, "skipped"},
    {{"in_progress", "skipped"}, "skipped"},         {{"skipped", "skipped"}, "skipped"},
    {{"unlabeled", "completed"}, "labeled"},         {{"in_progress", "completed"}, "labeled"},
    {{"skipped", "completed"}, "labeled"},           {{"labeled", "completed"}, "labeled"},
    {{"reviewed", "completed"}, "reviewed"},         {{"labeled", "uncompleted"}, "in_progress"},
    {{"labeled", "annotation_changed"}, "labeled"},  {{"in_progress", "annotation_changed"}, "labeled"},
    {{"unlabeled", "annotations_removed"}, "unlabeled"}, {{"in_progress", "annotations_removed"}, "unlabeled"},
    {{"labeled", "annotations_removed"}, "unlabeled"},   {{"reviewed", "annotations_removed"}, "unlabeled"},
    {{"skipped", "annotations_removed"}, "unlabeled"},   {{"labeled", "review_accepted"}, "reviewed"},
    {{"reviewed", "review_accepted"}, "reviewed"},   {{"labeled", "review_rejected"}, "in_progress"},
    {{"reviewed", "review_rejected"}, "in_progress"},
};

const TaskEvent kEvents[] = {TaskEvent::kLocked,           TaskEvent::kLockExpired,     TaskEvent::kAnnotated,
                             TaskEvent::kSkipped,          TaskEvent::kCompleted,       TaskEvent::kUncompleted,
                             TaskEvent::kAnnotationChanged, TaskEvent::kAnnotationsRemoved, TaskEvent::kReviewAccepted,
                             TaskEvent::kReviewRejected};

class LifecycleTest : public ::testing::TestWithParam<std::string> {
 protected:
  // A project with one task; returns the task id.
  int64_t MakeTask(store::Database& db) {
    auto id = db.Write([&](Connection& c) -> Result<int64_t> {
      TALLY_ASSIGN_OR_RETURN(organization, accounts::CreateOrganization(c, "Org", std::nullopt));
      TALLY_ASSIGN_OR_RETURN(user, accounts::CreateUser(c, {.email = "u@example.com"}));
      user_id_ = user.id;
      TALLY_ASSIGN_OR_RETURN(ref, accounts::CreateProjectRecord(c, organization.id, "P", user.id));
      TALLY_ASSIGN_OR_RETURN(project, InitializeProject(c, ref.id, ProjectPatch{}));
      project_id_ = project.id;
      NewTask task;
      task.data = bj::object{{"text", "t"}};
      return InsertTask(c, project.id, 1, task, NowMicros());
    });
    EXPECT_TRUE(id) << id.error().detail;
    return id ? *id : 0;
  }

  std::string State(store::Database& db, int64_t task_id) {
    auto state = db.Read([&](Connection& c) -> Result<std::string> {
      TALLY_ASSIGN_OR_RETURN(task, FindTask(c, task_id));
      return task->state;
    });
    return state ? *state : "?";
  }

  size_t RecordCount(store::Database& db, int64_t task_id) {
    auto records = db.Read([&](Connection& c) { return ListTaskTransitions(c, task_id); });
    return records ? records->size() : 0;
  }

  int64_t user_id_ = 0;
  int64_t project_id_ = 0;
};

TEST_P(LifecycleTest, EveryBuiltInPairAllowedOrForbidden) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  store::Database& db = database->db();
  ASSERT_TRUE(store::Migrator(db).Up());
  const int64_t task_id = MakeTask(db);
  auto workflow = ParseWorkflow(nullptr);
  ASSERT_TRUE(workflow);

  for (std::string_view state : kBuiltInTaskStates) {
    for (TaskEvent event : kEvents) {
      const std::string name(TaskEventName(event));
      SCOPED_TRACE(std::string(state) + " + " + name);
      ASSERT_TRUE(db.Write([&](Connection& c) -> Result<void> {
        TALLY_TRY(c.Execute("UPDATE tasks SET state = ? WHERE id = ?", {std::string(state), task_id}));
        return Ok();
      }));
      const size_t records_before = RecordCount(db, task_id);
      auto applied = db.Write([&](Connection& c) {
        return ApplyTaskEvent(c, *workflow, task_id, event, {.user_id = user_id_, .reason = "test"});
      });

      auto expected = kExpectedBuiltIn.find({std::string(state), name});
      if (expected == kExpectedBuiltIn.end()) {
        ASSERT_FALSE(applied) << "forbidden, but moved to " << *applied;
        EXPECT_TRUE(applied.error().IsConflict());
        EXPECT_EQ(State(db, task_id), state) << "a forbidden event leaves the state";
        EXPECT_EQ(RecordCount(db, task_id), records_before) << "and writes no record";
        continue;
      }
      ASSERT_TRUE(applied) << applied.error().message;
      EXPECT_EQ(*applied, expected->second);
      EXPECT_EQ(State(db, task_id), expected->second);
      const bool moved = expected->second != state;
      EXPECT_EQ(RecordCount(db, task_id), records_before + (moved ? 1 : 0));
      if (moved) {
        auto records = db.Read([&](Connection& c) { return ListTaskTransitions(c, task_id); });
        ASSERT_TRUE(records);
        const TaskTransitionRecord& last = records->back();
        EXPECT_EQ(last.from_state, state);
        EXPECT_EQ(last.to_state, expected->second);
        EXPECT_EQ(last.event, name);
        EXPECT_EQ(last.user_id, user_id_);
        EXPECT_EQ(last.reason, "test");
      }
    }
  }
}

TEST_P(LifecycleTest, CustomWorkflowOverridesAndAdds) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  store::Database& db = database->db();
  ASSERT_TRUE(store::Migrator(db).Up());
  const int64_t task_id = MakeTask(db);
  auto workflow = ParseWorkflow(bj::parse(R"({"review_required":true,"states":["needs_rework"],"transitions":[
      {"from":"labeled","on":"review_rejected","to":"needs_rework"},
      {"from":"needs_rework","on":"annotation_changed","to":"labeled"}]})"));
  ASSERT_TRUE(workflow) << workflow.error().fields.at(0).message;

  auto run = [&](TaskEvent event) {
    return db.Write([&](Connection& c) { return ApplyTaskEvent(c, *workflow, task_id, event, {}); });
  };
  ASSERT_TRUE(run(TaskEvent::kCompleted));
  auto rejected = run(TaskEvent::kReviewRejected);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(*rejected, "needs_rework") << "the project's transition replaces the built-in one";
  auto locked = run(TaskEvent::kLocked);
  ASSERT_FALSE(locked) << "no transition from needs_rework on locked";
  EXPECT_TRUE(locked.error().IsConflict());
  auto changed = run(TaskEvent::kAnnotationChanged);
  ASSERT_TRUE(changed);
  EXPECT_EQ(*changed, "labeled");
  ASSERT_TRUE(run(TaskEvent::kReviewRejected));
  auto removed = run(TaskEvent::kAnnotationsRemoved);
  ASSERT_TRUE(removed) << "deleting the last annotation leaves any extra state";
  EXPECT_EQ(*removed, "unlabeled");
}

TEST(LifecycleParse, RejectsBadDefinitions) {
  const std::pair<const char*, const char*> cases[] = {
      {R"([])", "workflow"},
      {R"({"review_required":"yes"})", "review_required"},
      {R"({"maximum_annotations":0})", "maximum_annotations"},
      {R"({"states":"needs_rework"})", "states"},
      {R"({"states":["Needs Rework"]})", "states.0"},
      {R"({"states":["labeled"]})", "states.0"},
      {R"({"states":["a","a"]})", "states.1"},
      {R"({"transitions":{}})", "transitions"},
      {R"({"transitions":[1]})", "transitions.0"},
      {R"({"transitions":[{"on":"locked","to":"labeled"}]})", "transitions.0.from"},
      {R"({"transitions":[{"from":"limbo","on":"locked","to":"labeled"}]})", "transitions.0.from"},
      {R"({"transitions":[{"from":"labeled","on":"locked","to":"limbo"}]})", "transitions.0.to"},
      {R"({"transitions":[{"from":"labeled","on":"teleported","to":"unlabeled"}]})", "transitions.0.on"},
      {R"({"transitions":[{"from":"labeled","on":"imported","to":"unlabeled"}]})", "transitions.0.on"},
      {R"({"transitions":[{"from":"labeled","on":"locked","to":"reviewed"},
                          {"from":"labeled","on":"locked","to":"unlabeled"}]})", "transitions.1"},
  };
  for (const auto& [definition, field] : cases) {
    auto parsed = ParseWorkflow(bj::parse(definition));
    ASSERT_FALSE(parsed) << definition;
    ASSERT_FALSE(parsed.error().fields.empty()) << definition;
    EXPECT_EQ(parsed.error().fields[0].field, field) << definition;
  }
}

TEST(LifecycleEvents, AnnotationWriteEvent) {
  auto counts = [](int64_t total, int64_t cancelled, bool labeled) {
    TaskCounts c;
    c.total_annotations = total;
    c.cancelled_annotations = cancelled;
    c.is_labeled = labeled;
    return c;
  };
  EXPECT_EQ(AnnotationWriteEvent(counts(0, 0, false), counts(1, 0, true)), TaskEvent::kCompleted);
  EXPECT_EQ(AnnotationWriteEvent(counts(0, 0, false), counts(1, 0, false)), TaskEvent::kAnnotated);
  EXPECT_EQ(AnnotationWriteEvent(counts(0, 0, false), counts(0, 1, false)), TaskEvent::kSkipped);
  EXPECT_EQ(AnnotationWriteEvent(counts(0, 0, false), counts(0, 1, true)), TaskEvent::kCompleted)
      << "a skip completes the task under IGNORE_SKIPPED";
  EXPECT_EQ(AnnotationWriteEvent(counts(1, 0, true), counts(1, 0, true)), TaskEvent::kAnnotationChanged);
  EXPECT_EQ(AnnotationWriteEvent(counts(2, 0, true), counts(1, 0, false)), TaskEvent::kUncompleted);
  EXPECT_EQ(AnnotationWriteEvent(counts(1, 0, true), counts(0, 0, false)), TaskEvent::kAnnotationsRemoved);
}

TEST(LifecycleEvents, ResultDisagreement) {
  auto choice = [](const char* id, const char* value) {
    return bj::parse(std::string(R"([{"id":")") + id +
                     R"(","from_name":"c","to_name":"t","type":"choices","value":{"choices":[")" + value + R"("]}}])");
  };
  EXPECT_EQ(ResultDisagreement({choice("a", "Yes")}), 0.0) << "one annotation cannot disagree";
  EXPECT_EQ(ResultDisagreement({choice("a", "Yes"), choice("b", "Yes")}), 0.0) << "region ids do not count";
  EXPECT_DOUBLE_EQ(ResultDisagreement({choice("a", "Yes"), choice("b", "No")}), 0.5);
  EXPECT_NEAR(ResultDisagreement({choice("a", "Yes"), choice("b", "No"), choice("c", "Maybe")}), 2.0 / 3, 1e-9);
  EXPECT_NEAR(ResultDisagreement({choice("a", "Yes"), choice("b", "No"), choice("c", "Yes")}), 1.0 / 3, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Backends, LifecycleTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally::labeling
