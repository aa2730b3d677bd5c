// Task and project counters on both backends: per-task recounts, the
// labeled rule under each skip_queue mode, the cohort rule, and deletes.
#include <gtest/gtest.h>

#include "accounts/account_store.h"
#include "accounts/project_access.h"
#include "labeling/annotation_store.h"
#include "labeling/counters.h"
#include "labeling/prediction_store.h"
#include "labeling/task_store.h"
#include "store/migrations.h"
#include "store/testing/test_databases.h"

namespace tally::labeling {
namespace {

namespace bj = boost::json;

class CountersTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Creates an organization, a user and a project with `settings`.
  Project MakeProject(store::Database& db, bj::object settings = {}) {
    auto project = db.Write([&](Connection& c) -> Result<Project> {
      TALLY_ASSIGN_OR_RETURN(organization, accounts::CreateOrganization(c, "Org", std::nullopt));
      TALLY_ASSIGN_OR_RETURN(user, accounts::CreateUser(c, {.email = "u@example.com"}));
      user_id_ = user.id;
      TALLY_TRY(accounts::AddMember(c, organization.id, user.id, accounts::Role::kOwner));
      TALLY_ASSIGN_OR_RETURN(ref, accounts::CreateProjectRecord(c, organization.id, "P", user.id));
      TALLY_ASSIGN_OR_RETURN(checked, CheckProjectSettings(settings));
      return InitializeProject(c, ref.id, ProjectPatch{.settings = std::move(checked)});
    });
    EXPECT_TRUE(project) << project.error().message << project.error().detail;
    return *project;
  }

  int64_t AddTask(store::Database& db, const Project& project) {
    auto id = db.Write([&](Connection& c) -> Result<int64_t> {
      NewTask task;
      task.data = bj::object{{"text", "t"}};
      task.counts.overlap = project.maximum_annotations();
      TALLY_ASSIGN_OR_RETURN(inner_id, NextInnerId(c, project.id));
      TALLY_ASSIGN_OR_RETURN(task_id, InsertTask(c, project.id, inner_id, task, NowMicros()));
      TALLY_TRY(AddTaskToProjectCounters(c, project.id, task.counts, 1));
      return task_id;
    });
    EXPECT_TRUE(id) << id.error().detail;
    return *id;
  }

  int64_t Annotate(store::Database& db, const Project& project, int64_t task_id, bool skipped,
                   bool ground_truth = false, bj::value result = bj::array()) {
    auto id = db.Write([&](Connection& c) -> Result<int64_t> {
      Annotation a;
      a.task_id = task_id;
      a.project_id = project.id;
      a.completed_by = user_id_;
      a.was_cancelled = skipped;
      a.ground_truth = ground_truth;
      a.result = result;
      TALLY_ASSIGN_OR_RETURN(stored, InsertAnnotation(c, a, user_id_));
      TALLY_TRY(RefreshTaskCounters(c, project, task_id));
      return stored.id;
    });
    EXPECT_TRUE(id) << id.error().detail;
    return *id;
  }

  ProjectCounters Counters(store::Database& db, int64_t project_id) {
    auto project = db.Read([&](Connection& c) { return FindProject(c, project_id); });
    EXPECT_TRUE(project);
    EXPECT_TRUE(*project);
    return (*project)->counters;
  }

  Task LoadTask(store::Database& db, int64_t task_id) {
    auto task = db.Read([&](Connection& c) { return FindTask(c, task_id); });
    EXPECT_TRUE(task);
    EXPECT_TRUE(*task);
    return **task;
  }

  int64_t user_id_ = 0;
};

TEST_P(CountersTest, AnnotationsMoveTaskAndProjectCounts) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  store::Database& db = database->db();
  ASSERT_TRUE(store::Migrator(db).Up());
  const Project project = MakeProject(db);
  const int64_t first = AddTask(db, project);
  const int64_t second = AddTask(db, project);

  Annotate(db, project, first, /*skipped=*/false);
  Annotate(db, project, first, /*skipped=*/false, /*ground_truth=*/true);
  Annotate(db, project, second, /*skipped=*/true);
  Annotate(db, project, second, /*skipped=*/false, false, nullptr);

  ProjectCounters counters = Counters(db, project.id);
  EXPECT_EQ(counters.task_number, 2);
  EXPECT_EQ(counters.total_annotations_number, 3);
  EXPECT_EQ(counters.skipped_annotations_number, 1);
  EXPECT_EQ(counters.ground_truth_number, 1);
  EXPECT_EQ(counters.useful_annotation_number, 1) << "not skips, not ground truth, result not null";
  EXPECT_EQ(counters.num_tasks_with_annotations, 2);
  EXPECT_EQ(counters.finished_task_number, 1) << "a null result does not complete a task";
  EXPECT_TRUE(LoadTask(db, first).counts.is_labeled);
  EXPECT_FALSE(LoadTask(db, second).counts.is_labeled);

  ASSERT_TRUE(db.Write([&](Connection& c) -> Result<bool> {
    Prediction p;
    p.task_id = second;
    p.project_id = project.id;
    p.result = bj::array();
    TALLY_TRY(InsertPrediction(c, p));
    TALLY_TRY(RefreshTaskCounters(c, project, second));
    return DeleteTask(c, project, first);
  }));
  counters = Counters(db, project.id);
  EXPECT_EQ(counters.task_number, 1);
  EXPECT_EQ(counters.total_annotations_number, 1);
  EXPECT_EQ(counters.ground_truth_number, 0);
  EXPECT_EQ(counters.finished_task_number, 0);
  EXPECT_EQ(counters.total_predictions_number, 1);

  // The stored sums equal a recount from the task rows.
  ASSERT_TRUE(db.Write([&](Connection& c) { return RecomputeProjectCounters(c, project.id); }));
  const ProjectCounters recounted = Counters(db, project.id);
  EXPECT_EQ(recounted.total_annotations_number, counters.total_annotations_number);
  EXPECT_EQ(recounted.skipped_annotations_number, counters.skipped_annotations_number);
  EXPECT_EQ(recounted.total_predictions_number, counters.total_predictions_number);
  EXPECT_EQ(recounted.num_tasks_with_annotations, counters.num_tasks_with_annotations);
}

TEST_P(CountersTest, SkipsCompleteTasksOnlyWhenIgnored) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  store::Database& db = database->db();
  ASSERT_TRUE(store::Migrator(db).Up());
  const Project requeue = MakeProject(db);
  const int64_t task = AddTask(db, requeue);
  Annotate(db, requeue, task, /*skipped=*/true);
  EXPECT_FALSE(LoadTask(db, task).counts.is_labeled);

  TaskCounts counts{.cancelled_annotations = 1, .overlap = 1};
  EXPECT_TRUE(IsLabeled(counts, "IGNORE_SKIPPED"));
  EXPECT_FALSE(IsLabeled(counts, "REQUEUE_FOR_ME"));
  EXPECT_FALSE(IsLabeled(counts, "REQUEUE_FOR_OTHERS"));
  EXPECT_FALSE(IsLabeled(TaskCounts{.overlap = 0}, "IGNORE_SKIPPED")) << "no annotations is never labeled";
}

TEST_P(CountersTest, CohortRuleSetsOverlaps) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  store::Database& db = database->db();
  ASSERT_TRUE(store::Migrator(db).Up());
  const Project project = MakeProject(db, {{"maximum_annotations", 3}, {"overlap_cohort_percentage", 50}});
  std::vector<int64_t> tasks;
  for (int i = 0; i < 5; ++i) tasks.push_back(AddTask(db, project));
  Annotate(db, project, tasks[4], false);
  Annotate(db, project, tasks[4], false);

  ASSERT_TRUE(db.Write([&](Connection& c) { return RecomputeProjectOverlaps(c, project); }));
  int full = 0;
  for (int64_t id : tasks) full += LoadTask(db, id).counts.overlap == 3 ? 1 : 0;
  EXPECT_EQ(full, 3) << "int(5 * 50 / 100 + 0.5) tasks need the full overlap";
  EXPECT_EQ(LoadTask(db, tasks[4]).counts.overlap, 3) << "tasks with the most annotations first";
  EXPECT_EQ(Counters(db, project.id).finished_task_number, 0);

  auto lowered = db.Write([&](Connection& c) -> Result<void> {
    ProjectPatch patch;
    patch.settings = bj::object{{"maximum_annotations", 2}};
    TALLY_TRY(UpdateProject(c, project.id, patch));
    TALLY_ASSIGN_OR_RETURN(updated, FindProject(c, project.id));
    return RecomputeProjectOverlaps(c, *updated);
  });
  ASSERT_TRUE(lowered) << lowered.error().detail;
  EXPECT_TRUE(LoadTask(db, tasks[4]).counts.is_labeled);
  EXPECT_EQ(Counters(db, project.id).finished_task_number, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, CountersTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally::labeling
