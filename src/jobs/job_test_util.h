// Helpers shared by the jobs tests: schema set-up, rows that jobs reference,
// and waiting for a condition without fixed sleeps.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "core/time.h"
#include "store/database.h"
#include "store/migrations.h"

namespace tally::jobs::testing {

// Applies every migration. A failure fails the calling test.
inline void Migrate(store::Database& db) {
  auto applied = store::Migrator(db).Up();
  ASSERT_TRUE(applied) << applied.error().detail;
}

// Inserts an organization and returns its id (0 after a failed assertion).
inline int64_t CreateOrganization(store::Database& db, const std::string& title) {
  auto id = db.Write([&](store::Connection& connection) -> Result<int64_t> {
    TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("INSERT INTO organizations (title, created_at, updated_at) "
                                                    "VALUES (?, ?, ?) RETURNING id",
                                                    {title, NowMicros(), NowMicros()}));
    return row->Int(0);
  });
  EXPECT_TRUE(id) << id.error().detail;
  return id ? *id : 0;
}

// Inserts a project of `organization_id` and returns its id.
inline int64_t CreateProject(store::Database& db, int64_t organization_id, const std::string& title) {
  auto id = db.Write([&](store::Connection& connection) -> Result<int64_t> {
    TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("INSERT INTO projects (organization_id, title, created_at, "
                                                    "updated_at) VALUES (?, ?, ?, ?) RETURNING id",
                                                    {organization_id, title, NowMicros(), NowMicros()}));
    return row->Int(0);
  });
  EXPECT_TRUE(id) << id.error().detail;
  return id ? *id : 0;
}

// Polls `condition` every 10 ms until it is true or `timeout` passes. Returns
// the last value of `condition`.
inline bool WaitFor(const std::function<bool()>& condition,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

}  // namespace tally::jobs::testing
