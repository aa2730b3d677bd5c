#include "integrations/ml_backends/ml_store.h"

#include <fmt/format.h>

#include "core/json.h"

namespace tally::integrations::ml {

namespace bj = boost::json;

namespace {

constexpr std::string_view kColumns =
    "id, project_id, url, title, description, state, error_message, model_version, is_interactive, auth_method,"
    " basic_auth_user, basic_auth_pass_sealed, extra_params, timeout, created_at, updated_at";

MlBackend FromRow(const store::Row& row) {
  MlBackend b;
  b.id = row.Int(0);
  b.project_id = row.Int(1);
  b.url = row.Text(2);
  b.title = row.Text(3);
  b.description = row.Text(4);
  b.state = row.Text(5);
  b.error_message = row.OptionalText(6);
  b.model_version = row.Text(7);
  b.is_interactive = row.Bool(8);
  b.auth_method = row.Text(9);
  b.basic_auth_user = row.OptionalText(10);
  b.basic_auth_pass_sealed = row.OptionalText(11);
  if (auto text = row.OptionalText(12)) {
    boost::system::error_code ec;
    bj::value parsed = bj::parse(*text, ec);
    if (!ec) b.extra_params = std::move(parsed);
  }
  b.timeout_seconds = row.Double(13);
  b.created_at = row.Int(14);
  b.updated_at = row.Int(15);
  return b;
}

store::Value ExtraParamsColumn(const bj::value& value) {
  if (value.is_null()) return store::Null();
  return json::Serialize(value);
}

}  // namespace

Result<MlBackend> InsertMlBackend(Connection& connection, MlBackend b, Micros now) {
  b.created_at = now;
  b.updated_at = now;
  TALLY_ASSIGN_OR_RETURN(
      row, connection.QueryOne(
               "INSERT INTO ml_backends (project_id, url, title, description, state, error_message, model_version,"
               " is_interactive, auth_method, basic_auth_user, basic_auth_pass_sealed, extra_params, timeout,"
               " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {b.project_id, b.url, b.title, b.description, b.state, store::OrNull(b.error_message), b.model_version,
                store::Bool(b.is_interactive), b.auth_method, store::OrNull(b.basic_auth_user),
                store::OrNull(b.basic_auth_pass_sealed), ExtraParamsColumn(b.extra_params), b.timeout_seconds, now,
                now}));
  b.id = row->Int(0);
  return b;
}

Result<MlBackend> UpdateMlBackend(Connection& connection, MlBackend b, Micros now) {
  b.updated_at = now;
  TALLY_ASSIGN_OR_RETURN(
      changed,
      connection.Execute("UPDATE ml_backends SET url = ?, title = ?, description = ?, state = ?, error_message = ?,"
                         " model_version = ?, is_interactive = ?, auth_method = ?, basic_auth_user = ?,"
                         " basic_auth_pass_sealed = ?, extra_params = ?, timeout = ?, updated_at = ? WHERE id = ?",
                         {b.url, b.title, b.description, b.state, store::OrNull(b.error_message), b.model_version,
                          store::Bool(b.is_interactive), b.auth_method, store::OrNull(b.basic_auth_user),
                          store::OrNull(b.basic_auth_pass_sealed), ExtraParamsColumn(b.extra_params),
                          b.timeout_seconds, now, b.id}));
  if (changed == 0) return Error::NotFound("Not found.");
  return b;
}

Result<void> SetMlBackendState(Connection& connection, int64_t backend_id, std::string_view state,
                               const std::optional<std::string>& error_message,
                               const std::optional<std::string>& model_version) {
  if (model_version) {
    TALLY_TRY(connection.Execute(
        "UPDATE ml_backends SET state = ?, error_message = ?, model_version = ?, updated_at = ? WHERE id = ?",
        {std::string(state), store::OrNull(error_message), *model_version, NowMicros(), backend_id}));
  } else {
    TALLY_TRY(connection.Execute("UPDATE ml_backends SET state = ?, error_message = ?, updated_at = ? WHERE id = ?",
                                 {std::string(state), store::OrNull(error_message), NowMicros(), backend_id}));
  }
  return Ok();
}

Result<std::optional<MlBackend>> FindMlBackend(Connection& connection, int64_t backend_id) {
  TALLY_ASSIGN_OR_RETURN(row,
                         connection.QueryOne(fmt::format("SELECT {} FROM ml_backends WHERE id = ?", kColumns), {backend_id}));
  if (!row) return std::optional<MlBackend>();
  return std::optional<MlBackend>(FromRow(*row));
}

Result<std::vector<MlBackend>> ListMlBackends(Connection& connection, int64_t project_id,
                                              std::optional<bool> interactive) {
  std::string sql = fmt::format("SELECT {} FROM ml_backends WHERE project_id = ?", kColumns);
  store::Params params = {project_id};
  if (interactive) {
    sql += " AND is_interactive = ?";
    params.push_back(store::Bool(*interactive));
  }
  sql += " ORDER BY id";
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, params));
  std::vector<MlBackend> backends;
  for (const auto& row : rows) backends.push_back(FromRow(row));
  return backends;
}

Result<void> DeleteMlBackend(Connection& connection, int64_t backend_id) {
  TALLY_ASSIGN_OR_RETURN(deleted, connection.Execute("DELETE FROM ml_backends WHERE id = ?", {backend_id}));
  if (deleted == 0) return Error::NotFound("Not found.");
  return Ok();
}

}  // namespace tally::integrations::ml
