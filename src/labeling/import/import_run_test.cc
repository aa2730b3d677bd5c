// RunImport on both backends: a job that runs again after a crash returns
// its first outcome and imports nothing twice.
#include <gtest/gtest.h>

#include <filesystem>

#include "accounts/account_store.h"
#include "accounts/project_access.h"
#include "labeling/import/import_run.h"
#include "labeling/project_store.h"
#include "store/migrations.h"
#include "store/testing/test_databases.h"

namespace tally::labeling {
namespace {

class ImportRunTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ImportRunTest, RepeatedJobImportsOnce) {
  TALLY_OPEN_TEST_DATABASE(database, GetParam());
  store::Database& db = database->db();
  ASSERT_TRUE(store::Migrator(db).Up());

  http::Principal principal;
  auto project_id = db.Write([&](Connection& c) -> Result<int64_t> {
    TALLY_ASSIGN_OR_RETURN(organization, accounts::CreateOrganization(c, "Org", std::nullopt));
    TALLY_ASSIGN_OR_RETURN(user, accounts::CreateUser(c, {.email = "m@example.com"}));
    TALLY_TRY(accounts::AddMember(c, organization.id, user.id, accounts::Role::kManager));
    principal = {.kind = http::Principal::Kind::kUser, .user_id = user.id, .organization_id = organization.id};
    TALLY_ASSIGN_OR_RETURN(ref, accounts::CreateProjectRecord(c, organization.id, "P", user.id));
    TALLY_TRY(InitializeProject(c, ref.id, ProjectPatch{.label_config = R"(<View><Text name="t" value="$text"/></View>)"}));
    return ref.id;
  });
  ASSERT_TRUE(project_id) << project_id.error().detail;

  // import_runs keys on the job id alone, so no jobs row is needed here.
  const int64_t job_id = 4242;

  const std::filesystem::path data_dir = std::filesystem::temp_directory_path();
  ImportRequest request{.project_id = *project_id,
                        .principal = principal,
                        .body = R"([{"text":"a"},{"text":"b"}])",
                        .content_type = "application/json",
                        .job_id = job_id};
  auto first = RunImport(db, data_dir, request);
  ASSERT_TRUE(first) << first.error().message << first.error().detail;
  EXPECT_EQ(first->summary.task_count, 2);

  auto again = RunImport(db, data_dir, request);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->summary.task_count, 2);
  EXPECT_EQ(again->summary.task_ids, first->summary.task_ids);

  auto project = db.Read([&](Connection& c) { return FindProject(c, *project_id); });
  ASSERT_TRUE(project);
  ASSERT_TRUE(*project);
  EXPECT_EQ((*project)->counters.task_number, 2) << "the second run imported nothing";
}

INSTANTIATE_TEST_SUITE_P(Backends, ImportRunTest, ::testing::ValuesIn(store::testing::Backends()));

}  // namespace
}  // namespace tally::labeling
