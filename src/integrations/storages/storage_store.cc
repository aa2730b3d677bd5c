#include "integrations/storages/storage_store.h"

#include <fmt/format.h>

#include "core/json.h"

namespace tally::integrations::storages {

namespace bj = boost::json;

namespace {

constexpr std::string_view kColumns =
    "id, project_id, role, type, settings, credentials_sealed, status, traceback, meta, last_sync,"
    " last_sync_count, last_sync_job, created_at, updated_at";

bj::object ParseObject(const std::string& text) {
  boost::system::error_code ec;
  bj::value parsed = bj::parse(text, ec);
  return !ec && parsed.is_object() ? std::move(parsed.as_object()) : bj::object();
}

Storage FromRow(const store::Row& row) {
  Storage s;
  s.id = row.Int(0);
  s.project_id = row.Int(1);
  s.role = row.Text(2);
  s.settings.type = row.Text(3);
  s.settings.fields = ParseObject(row.Text(4));
  s.credentials_sealed = row.OptionalText(5);
  s.status = row.Text(6);
  s.traceback = row.OptionalText(7);
  s.meta = ParseObject(row.Text(8));
  s.last_sync = row.OptionalInt(9);
  s.last_sync_count = row.OptionalInt(10);
  s.last_sync_job = row.OptionalInt(11);
  s.created_at = row.Int(12);
  s.updated_at = row.Int(13);
  return s;
}

}  // namespace

Result<Storage> InsertStorage(Connection& connection, Storage s, Micros now) {
  s.created_at = now;
  s.updated_at = now;
  TALLY_ASSIGN_OR_RETURN(
      row, connection.QueryOne(
               "INSERT INTO storages (project_id, role, type, title, description, settings, credentials_sealed,"
               " status, meta, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {s.project_id, s.role, s.settings.type, s.settings.String("title"), s.settings.String("description"),
                json::Serialize(s.settings.fields), store::OrNull(s.credentials_sealed), s.status,
                json::Serialize(s.meta), now, now}));
  s.id = row->Int(0);
  return s;
}

Result<void> UpdateStorageSettings(Connection& connection, const Storage& s, Micros now) {
  TALLY_ASSIGN_OR_RETURN(
      changed, connection.Execute("UPDATE storages SET title = ?, description = ?, settings = ?,"
                                  " credentials_sealed = ?, updated_at = ? WHERE id = ?",
                                  {s.settings.String("title"), s.settings.String("description"),
                                   json::Serialize(s.settings.fields), store::OrNull(s.credentials_sealed), now, s.id}));
  if (changed == 0) return Error::NotFound("Not found.");
  return Ok();
}

Result<void> UpdateStorageState(Connection& connection, const Storage& s, Micros now) {
  TALLY_TRY(connection.Execute("UPDATE storages SET status = ?, traceback = ?, meta = ?, last_sync = ?,"
                               " last_sync_count = ?, last_sync_job = ?, updated_at = ? WHERE id = ?",
                               {s.status, store::OrNull(s.traceback), json::Serialize(s.meta),
                                store::OrNull(s.last_sync), store::OrNull(s.last_sync_count),
                                store::OrNull(s.last_sync_job), now, s.id}));
  return Ok();
}

Result<std::optional<Storage>> FindStorage(Connection& connection, int64_t storage_id) {
  TALLY_ASSIGN_OR_RETURN(row,
                         connection.QueryOne(fmt::format("SELECT {} FROM storages WHERE id = ?", kColumns), {storage_id}));
  if (!row) return std::optional<Storage>();
  return std::optional<Storage>(FromRow(*row));
}

Result<std::vector<Storage>> ListStorages(Connection& connection, int64_t project_id, std::string_view role,
                                          std::string_view type) {
  std::string sql = fmt::format("SELECT {} FROM storages WHERE project_id = ? AND role = ?", kColumns);
  store::Params params = {project_id, std::string(role)};
  if (!type.empty()) {
    sql += " AND type = ?";
    params.push_back(std::string(type));
  }
  sql += " ORDER BY id";
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, params));
  std::vector<Storage> storages;
  for (const auto& row : rows) storages.push_back(FromRow(row));
  return storages;
}

Result<std::vector<Storage>> ListLocalStorages(Connection& connection) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT {} FROM storages WHERE type = 'localfiles'"
                                                            " ORDER BY id",
                                                            kColumns)));
  std::vector<Storage> storages;
  for (const auto& row : rows) storages.push_back(FromRow(row));
  return storages;
}

Result<void> DeleteStorage(Connection& connection, int64_t storage_id) {
  TALLY_ASSIGN_OR_RETURN(deleted, connection.Execute("DELETE FROM storages WHERE id = ?", {storage_id}));
  if (deleted == 0) return Error::NotFound("Not found.");
  return Ok();
}

Result<std::set<std::string>> LinkedKeys(Connection& connection, int64_t storage_id) {
  std::set<std::string> keys;
  TALLY_TRY(connection.ForEach("SELECT DISTINCT object_key FROM storage_task_links WHERE storage_id = ?",
                               {storage_id}, [&](const store::Row& row) {
                                 keys.insert(row.Text(0));
                                 return true;
                               }));
  return keys;
}

Result<bool> IsKeyLinked(Connection& connection, int64_t storage_id, const std::string& key) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne("SELECT 1 FROM storage_task_links WHERE storage_id = ?"
                                                  " AND object_key = ? LIMIT 1",
                                                  {storage_id, key}));
  return row.has_value();
}

Result<void> LinkTasks(Connection& connection, int64_t storage_id, const std::string& key,
                       const std::vector<int64_t>& task_ids, Micros now) {
  for (size_t row_index = 0; row_index < task_ids.size(); ++row_index) {
    TALLY_TRY(connection.Execute("INSERT INTO storage_task_links (storage_id, object_key, row_index, task_id,"
                                 " created_at) VALUES (?, ?, ?, ?, ?)",
                                 {storage_id, key, static_cast<int64_t>(row_index), task_ids[row_index], now}));
  }
  return Ok();
}

}  // namespace tally::integrations::storages
