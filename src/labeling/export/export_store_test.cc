// The JSON export's serialized batches against the object batches they
// replace, on both backends: every selection must give the same bytes as
// json::Serialize of ReadExportBatch's objects, including stored text that
// does not parse, NULL columns, non-ASCII and escaped strings.
#include <gtest/gtest.h>

#include <boost/json/monotonic_resource.hpp>
#include <fmt/format.h>

#include "accounts/account_store.h"
#include "accounts/project_access.h"
#include "core/json.h"
#include "labeling/export/export_store.h"
#include "labeling/prediction_store.h"
#include "labeling/project_store.h"
#include "store/migrations.h"
#include "store/testing/test_databases.h"

namespace tally::labeling::exporting {
namespace {

namespace bj = boost::json;

class ExportStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  // A project of three tasks: one with three annotations (two annotators,
  // one cancelled with a NULL result, one ground truth by nobody), one
  // with text that is not JSON, a prediction and a draft, and one whose
  // data is a list, with an annotation whose result does not parse and a
  // cancelled ground truth annotation.
  int64_t Seed(store::Database& db) {
    auto seeded = db.Write([&](store::Connection& c) -> Result<int64_t> {
      TALLY_ASSIGN_OR_RETURN(organization, accounts::CreateOrganization(c, "Org", std::nullopt));
      TALLY_ASSIGN_OR_RETURN(owner, accounts::CreateUser(c, {.email = "owner@example.com"}));
      TALLY_ASSIGN_OR_RETURN(second, accounts::CreateUser(c, {.email = "zoë@example.com"}));
      TALLY_TRY(c.Execute("UPDATE users SET first_name = ?, last_name = ? WHERE id = ?",
                          {std::string("Zoë \"Z\""), std::string("O'Neil\\"), second.id}));
      TALLY_ASSIGN_OR_RETURN(ref, accounts::CreateProjectRecord(c, organization.id, "P", owner.id));
      TALLY_TRY(InitializeProject(c, ref.id, ProjectPatch{}));

      const auto add_task = [&](int64_t inner_id, const std::string& data, const std::string& meta,
                                int64_t total, int64_t cancelled) -> Result<int64_t> {
        TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("INSERT INTO tasks (project_id, inner_id, data, meta,"
                                               " total_annotations, cancelled_annotations, is_labeled, created_at,"
                                               " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                               {ref.id, inner_id, data, meta, total, cancelled,
                                                store::Bool(total > 0), int64_t{1700000000123456},
                                                int64_t{1700000001000000}}));
        return row->Int(0);
      };
      const auto add_annotation = [&](int64_t task_id, store::Value completed_by, store::Value result,
                                      bool cancelled, bool ground_truth, store::Value lead_time,
                                      store::Value last_action) -> Result<void> {
        TALLY_TRY(c.Execute(
            "INSERT INTO annotations (task_id, project_id, completed_by, result, was_cancelled, ground_truth,"
            " lead_time, unique_id, last_action, draft_created_at, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {task_id, ref.id, completed_by, result, store::Bool(cancelled), store::Bool(ground_truth), lead_time,
             fmt::format("u-{}", task_id), last_action,
             cancelled ? store::Null() : store::Value(int64_t{1700000000500000}), int64_t{1700000002000000},
             int64_t{1700000003000000}}));
        return Ok();
      };

      TALLY_ASSIGN_OR_RETURN(first, add_task(1, json::Serialize(bj::object{{"text", "Кот 🐱 \"q\"\r\n\t/"},
                                                                          {"score", 0.1},
                                                                          {"big", 1e21}}),
                                             "{}", 2, 1));
      TALLY_TRY(add_annotation(first, owner.id,
                               std::string(R"([{"id":"r1","type":"choices","value":{"choices":["Да"]},"x":4.5e-8}])"),
                               false, false, 4.2, std::string("submitted")));
      TALLY_TRY(add_annotation(first, second.id, store::Null(), true, false, store::Null(), store::Null()));
      TALLY_TRY(add_annotation(first, store::Null(), std::string("[]"), false, true, 3.0, store::Null()));

      TALLY_ASSIGN_OR_RETURN(unparsable, add_task(2, "not json", "[1,2]", 0, 0));
      Prediction prediction;
      prediction.task_id = unparsable;
      prediction.project_id = ref.id;
      prediction.model_version = "v1";
      prediction.score = 0.75;
      prediction.result = bj::array{bj::object{{"type", "choices"}}};
      TALLY_TRY(InsertPrediction(c, prediction, 1700000004000000));
      Draft draft;
      draft.task_id = unparsable;
      draft.project_id = ref.id;
      draft.user_id = owner.id;
      draft.lead_time = 1.5;
      TALLY_TRY(InsertDraft(c, draft, 1700000005000000));

      TALLY_ASSIGN_OR_RETURN(listed, add_task(3, "[1]", "{\"k\":null}", 1, 1));
      TALLY_TRY(add_annotation(listed, owner.id, std::string("broken"), false, false, 2.0, std::string("x")));
      TALLY_TRY(add_annotation(listed, second.id, std::string("[]"), true, true, store::Null(), store::Null()));
      return ref.id;
    });
    EXPECT_TRUE(seeded) << seeded.error().message << " " << seeded.error().detail;
    return seeded ? *seeded : 0;
  }

  // Every task of the selection through both paths, two per batch so the
  // batches' boundaries fall inside the project.
  static void ExpectSameText(store::Database& db, const ExportSelection& selection, const std::string& label) {
    std::vector<std::string> expected;
    std::vector<std::string> serialized;
    auto read = db.Read([&](store::Connection& c) -> Result<void> {
      int64_t after = 0;
      for (;;) {
        TALLY_ASSIGN_OR_RETURN(batch, ReadExportBatch(c, selection, after, 2));
        if (batch.empty()) break;
        for (const bj::object& task : batch) expected.push_back(json::Serialize(task));
        after = batch.back().at("id").as_int64();
      }
      std::vector<std::string> texts;
      after = 0;
      for (;;) {
        TALLY_ASSIGN_OR_RETURN(batch, ReadSerializedExportBatch(c, selection, after, 2, texts));
        if (batch.count == 0) break;
        serialized.insert(serialized.end(), texts.begin(), texts.begin() + static_cast<std::ptrdiff_t>(batch.count));
        after = batch.last_task_id;
      }
      return Ok();
    });
    ASSERT_TRUE(read) << read.error().message << " " << read.error().detail;
    EXPECT_FALSE(expected.empty()) << label;
    ASSERT_EQ(serialized.size(), expected.size()) << label;
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(serialized[i], expected[i]) << label << ", task " << i;
  }

  // The converter fields (read into an arena) against the same fields of
  // the full objects.
  static void ExpectConverterFields(store::Database& db, ExportSelection selection, const std::string& label) {
    std::vector<std::string> expected;
    std::vector<std::string> converter;
    auto read = db.Read([&](store::Connection& c) -> Result<void> {
      selection.converter_fields_only = false;
      int64_t after = 0;
      for (;;) {
        TALLY_ASSIGN_OR_RETURN(batch, ReadExportBatch(c, selection, after, 2));
        if (batch.empty()) break;
        for (const bj::object& task : batch) {
          bj::array annotations;
          for (const bj::value& annotation : task.at("annotations").as_array()) {
            bj::object fields;
            for (const char* key : {"id", "completed_by", "was_cancelled", "ground_truth", "lead_time",
                                    "created_at", "updated_at", "result"}) {
              fields[key] = annotation.at(key);
            }
            annotations.push_back(std::move(fields));
          }
          expected.push_back(json::Serialize(
              bj::object{{"id", task.at("id")}, {"data", task.at("data")}, {"annotations", std::move(annotations)}}));
        }
        after = batch.back().at("id").as_int64();
      }
      selection.converter_fields_only = true;
      after = 0;
      for (;;) {
        bj::monotonic_resource arena;
        TALLY_ASSIGN_OR_RETURN(batch, ReadExportBatch(c, selection, after, 2, bj::storage_ptr(&arena)));
        if (batch.empty()) break;
        for (const bj::object& task : batch) converter.push_back(json::Serialize(task));
        after = batch.back().at("id").as_int64();
      }
      return Ok();
    });
    ASSERT_TRUE(read) << read.error().message << " " << read.error().detail;
    EXPECT_FALSE(expected.empty()) << label;
    ASSERT_EQ(converter.size(), expected.size()) << label;
    for (size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(converter[i], expected[i]) << label << ", task " << i;
  }
};

TEST_P(ExportStoreTest, SerializedBatchesMatchObjects) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  store::Database& db = database->db();
  ASSERT_TRUE(store::Migrator(db).Up());
  const int64_t project_id = Seed(db);
  ASSERT_GT(project_id, 0);

  ExportSelection selection;
  selection.project_id = project_id;
  ExpectSameText(db, selection, "annotated tasks");
  selection.all_tasks = true;
  ExpectSameText(db, selection, "all tasks");
  selection.skipped = false;
  ExpectSameText(db, selection, "without cancelled annotations");
  selection.skipped = true;
  selection.ground_truth = false;
  selection.usual = false;
  ExpectSameText(db, selection, "cancelled annotations only");
  selection.ground_truth = true;
  selection.usual = true;
  selection.completed_by_only_id = true;
  ExpectSameText(db, selection, "annotators as ids");
  selection.completed_by_only_id = false;
  selection.skipped_tasks = TaskStateFilter::kExclude;
  ExpectSameText(db, selection, "tasks without a cancelled annotation");
  selection.skipped_tasks = TaskStateFilter::kAny;
  selection.with_kept_annotations = true;
  ExpectSameText(db, selection, "tasks with a kept annotation");
}

TEST_P(ExportStoreTest, KeptAnnotationsSelectTasks) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  store::Database& db = database->db();
  ASSERT_TRUE(store::Migrator(db).Up());
  const int64_t project_id = Seed(db);
  ASSERT_GT(project_id, 0);

  // The number of tasks exported with only these kinds of annotations kept.
  const auto count = [&](bool usual, bool ground_truth, bool skipped) -> int64_t {
    ExportSelection selection;
    selection.project_id = project_id;
    selection.all_tasks = true;
    selection.with_kept_annotations = true;
    selection.usual = usual;
    selection.ground_truth = ground_truth;
    selection.skipped = skipped;
    auto counted = db.Read([&](store::Connection& c) { return CountExportTasks(c, selection); });
    EXPECT_TRUE(counted) << counted.error().message;
    return counted ? *counted : -1;
  };
  EXPECT_EQ(count(true, true, true), 2) << "tasks 1 and 3; task 2 has no annotation";
  EXPECT_EQ(count(true, false, false), 2) << "a regular annotation on tasks 1 and 3";
  EXPECT_EQ(count(false, true, false), 2) << "ground truth on task 1, cancelled ground truth on task 3";
  EXPECT_EQ(count(false, false, true), 2) << "cancelled on task 1, cancelled ground truth on task 3";
  EXPECT_EQ(count(false, false, false), 2) << "no kind asked for keeps every annotation";
}

TEST_P(ExportStoreTest, ConverterBatchesKeepTheirFields) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  store::Database& db = database->db();
  ASSERT_TRUE(store::Migrator(db).Up());
  const int64_t project_id = Seed(db);
  ASSERT_GT(project_id, 0);

  ExportSelection selection;
  selection.project_id = project_id;
  ExpectConverterFields(db, selection, "annotated tasks");
  selection.all_tasks = true;
  ExpectConverterFields(db, selection, "all tasks");
  selection.skipped = false;
  ExpectConverterFields(db, selection, "without cancelled annotations");
  selection.skipped = true;
  selection.completed_by_only_id = true;
  ExpectConverterFields(db, selection, "annotators as ids");
}

INSTANTIATE_TEST_SUITE_P(Backends, ExportStoreTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally::labeling::exporting
