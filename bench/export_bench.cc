// The export benchmark's three steps, each run as its own process so each
// peak RSS (getrusage ru_maxrss) belongs to that step alone:
//
//   export_bench seed DATABASE.db TASKS   a project with TASKS image tasks,
//                                        each with one annotation of two boxes
//   export_bench scan DATABASE.db         the reference: one ordered scan of
//                                        tasks joined to annotations, each
//                                        task built as a JSON object with its
//                                        annotations and serialised with the
//                                        same JSON library (core/json.h)
//   export_bench export DATABASE.db FORMAT  the export path (ExportRun), the
//                                        same as GET …/export, bytes counted
//                                        and dropped
//
// Each step prints "key=value" pairs: seconds, bytes, tasks, max_rss_kb.
#include <sys/resource.h>

#include <boost/json.hpp>

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <string>

#include "accounts/account_store.h"
#include "accounts/project_access.h"
#include "core/json.h"
#include "core/time.h"
#include "labeling/config/parser.h"
#include "labeling/export/export_options.h"
#include "labeling/export/export_run.h"
#include "labeling/project_store.h"
#include "store/database.h"
#include "store/migrations.h"

namespace bj = boost::json;
using namespace tally;

namespace {

constexpr const char* kConfig =
    R"(<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">)"
    R"(<Label value="Cat"/><Label value="Dog"/></RectangleLabels></View>)";

long MaxRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int Fail(const Error& error) {
  std::fprintf(stderr, "export_bench: %s %s\n", error.message.c_str(), error.detail.c_str());
  return 1;
}

std::unique_ptr<store::Database> OpenDatabase(const std::string& path) {
  auto database = store::Database::Open("sqlite://" + path);
  if (!database) {
    Fail(database.error());
    return nullptr;
  }
  return std::move(*database);
}

int Seed(const std::string& path, int64_t tasks) {
  auto database = OpenDatabase(path);
  if (!database) return 1;
  if (auto migrated = store::Migrator(*database).Up(); !migrated) return Fail(migrated.error());
  auto seeded = database->Write([&](store::Connection& c) -> Result<void> {
    TALLY_ASSIGN_OR_RETURN(user, accounts::CreateUser(c, {.email = "bench@example.com"}));
    TALLY_ASSIGN_OR_RETURN(organization, accounts::CreateOrganization(c, "Bench", user.id));
    TALLY_ASSIGN_OR_RETURN(ref, accounts::CreateProjectRecord(c, organization.id, "Export bench", user.id));
    labeling::ProjectPatch patch;
    patch.label_config = kConfig;
    TALLY_TRY(labeling::InitializeProject(c, ref.id, patch));
    const Micros now = NowMicros();
    for (int64_t i = 1; i <= tasks; ++i) {
      const std::string data = fmt::format(R"({{"image":"/data/upload/1/image-{}.jpg","source":"bench"}})", i);
      TALLY_ASSIGN_OR_RETURN(task_row,
                             c.QueryOne("INSERT INTO tasks (project_id, inner_id, data, meta, total_annotations,"
                                        " completed_annotations, useful_annotations, is_labeled, created_at,"
                                        " updated_at) VALUES (?, ?, ?, '{}', 1, 1, 1, 1, ?, ?) RETURNING id",
                                        {ref.id, i, data, now, now}));
      const int64_t task_id = task_row->Int(0);
      const double x = static_cast<double>(i % 50);
      const std::string result = fmt::format(
          R"([{{"id":"a{0}","from_name":"label","to_name":"image","type":"rectanglelabels","original_width":1280,)"
          R"("original_height":720,"image_rotation":0,"value":{{"x":{1},"y":12.5,"width":20.25,"height":30.5,)"
          R"("rotation":0,"rectanglelabels":["Cat"]}}}},)"
          R"({{"id":"b{0}","from_name":"label","to_name":"image","type":"rectanglelabels","original_width":1280,)"
          R"("original_height":720,"image_rotation":0,"value":{{"x":{1},"y":55.5,"width":10.75,"height":15.25,)"
          R"("rotation":0,"rectanglelabels":["Dog"]}}}}])",
          i, x + 0.5);
      TALLY_TRY(c.Execute("INSERT INTO annotations (task_id, project_id, completed_by, result, lead_time, unique_id,"
                          " created_at, updated_at) VALUES (?, ?, ?, ?, 4.2, ?, ?, ?)",
                          {task_id, ref.id, user.id, result, fmt::format("bench-{}", i), now, now}));
    }
    return Ok();
  });
  if (!seeded) return Fail(seeded.error());
  std::printf("seeded_tasks=%lld\n", static_cast<long long>(tasks));
  return 0;
}

int Scan(const std::string& path) {
  auto database = OpenDatabase(path);
  if (!database) return 1;
  const auto start = std::chrono::steady_clock::now();
  size_t bytes = 0;
  int64_t tasks = 0;
  auto scanned = database->Read([&](store::Connection& c) -> Result<void> {
    int64_t current = 0;
    bj::object task;
    const auto flush = [&] {
      if (current == 0) return;
      bytes += json::Serialize(task).size() + 2;
      ++tasks;
    };
    TALLY_TRY(c.ForEach(
        "SELECT t.id, t.data, t.meta, t.created_at, a.id, a.completed_by, a.result, a.was_cancelled,"
        " a.ground_truth, a.lead_time, a.created_at, a.updated_at FROM tasks t JOIN annotations a"
        " ON a.task_id = t.id ORDER BY t.id, a.id",
        {}, [&](const store::Row& row) {
          if (row.Int(0) != current) {
            flush();
            current = row.Int(0);
            task = bj::object{{"id", current},
                              {"data", bj::parse(row.Text(1))},
                              {"meta", bj::parse(row.Text(2))},
                              {"created_at", FormatIsoMicros(row.Int(3))},
                              {"annotations", bj::array()}};
          }
          task["annotations"].as_array().push_back(bj::object{{"id", row.Int(4)},
                                                               {"completed_by", row.Int(5)},
                                                               {"result", bj::parse(row.Text(6))},
                                                               {"was_cancelled", row.Bool(7)},
                                                               {"ground_truth", row.Bool(8)},
                                                               {"lead_time", row.Double(9)},
                                                               {"created_at", FormatIsoMicros(row.Int(10))},
                                                               {"updated_at", FormatIsoMicros(row.Int(11))}});
          return true;
        }));
    flush();
    return Ok();
  });
  if (!scanned) return Fail(scanned.error());
  std::printf("step=scan tasks=%lld bytes=%zu seconds=%.3f max_rss_kb=%ld\n", static_cast<long long>(tasks), bytes,
              Since(start), MaxRssKb());
  return 0;
}

int Export(const std::string& path, const std::string& format) {
  auto database = OpenDatabase(path);
  if (!database) return 1;
  auto project_id = database->Read([](store::Connection& c) -> Result<int64_t> {
    TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT MIN(id) FROM projects"));
    return row ? row->Int(0) : 0;
  });
  if (!project_id) return Fail(project_id.error());
  labeling::exporting::ExportSelection selection;
  selection.project_id = *project_id;
  const auto start = std::chrono::steady_clock::now();
  auto run = labeling::exporting::ExportRun::Create(
      *database, selection, labeling::exporting::SchemaFromLabelConfig(labeling::ParseLabelConfig(kConfig)), format,
      labeling::exporting::WriterOptionsAt(std::time(nullptr)));
  if (!run) return Fail(run.error());
  size_t bytes = 0;
  std::string chunk;
  for (;;) {
    chunk.clear();
    auto more = (*run)->Next(chunk);
    if (!more) return Fail(more.error());
    bytes += chunk.size();
    if (!*more) break;
  }
  std::printf("step=export format=%s tasks=%lld bytes=%zu seconds=%.3f max_rss_kb=%ld\n", format.c_str(),
              static_cast<long long>((*run)->tasks_written()), bytes, Since(start), MaxRssKb());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "seed" && argc == 4) return Seed(argv[2], std::stoll(argv[3]));
  if (mode == "scan" && argc == 3) return Scan(argv[2]);
  if (mode == "export" && argc == 4) return Export(argv[2], argv[3]);
  std::fprintf(stderr,
               "usage: export_bench seed DATABASE.db TASKS | scan DATABASE.db | export DATABASE.db FORMAT\n");
  return 2;
}
