#include "labeling/datamanager/view_store.h"

#include "core/json.h"

namespace tally::labeling {

namespace bj = boost::json;

namespace {

constexpr const char* kViewColumns = "id, project_id, user_id, position, data, created_at, updated_at";

DataManagerView ViewFromRow(const store::Row& row) {
  DataManagerView view;
  view.id = row.Int(0);
  view.project_id = row.Int(1);
  view.user_id = row.OptionalInt(2);
  view.position = row.Int(3);
  boost::system::error_code ec;
  bj::value data = bj::parse(row.Text(4, "{}"), ec);
  if (!ec && data.is_object()) view.data = std::move(data.as_object());
  view.created_at = row.Int(5);
  view.updated_at = row.Int(6);
  return view;
}

}  // namespace

Result<DataManagerView> InsertView(Connection& connection, int64_t project_id, int64_t user_id,
                                   const bj::object& data) {
  const Micros now = NowMicros();
  TALLY_ASSIGN_OR_RETURN(
      row, connection.QueryOne(
               std::string("INSERT INTO dm_views (project_id, user_id, position, data, created_at, updated_at)"
                           " VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM dm_views"
                           " WHERE project_id = ? AND user_id = ?), ?, ?, ?) RETURNING ") + kViewColumns,
               {project_id, user_id, project_id, user_id, json::Serialize(data), now, now}));
  return ViewFromRow(*row);
}

Result<std::optional<DataManagerView>> FindView(Connection& connection, int64_t view_id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(std::string("SELECT ") + kViewColumns +
                                                      " FROM dm_views WHERE id = ?",
                                                  {view_id}));
  if (!row) return std::optional<DataManagerView>();
  return std::optional<DataManagerView>(ViewFromRow(*row));
}

Result<std::vector<DataManagerView>> ListViews(Connection& connection, int64_t project_id, int64_t user_id) {
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(std::string("SELECT ") + kViewColumns +
                                                    " FROM dm_views WHERE project_id = ? AND user_id = ?"
                                                    " ORDER BY position, id",
                                                {project_id, user_id}));
  std::vector<DataManagerView> views;
  for (const store::Row& row : rows) views.push_back(ViewFromRow(row));
  return views;
}

Result<std::optional<DataManagerView>> UpdateView(Connection& connection, int64_t view_id, const bj::object& data) {
  TALLY_TRY(connection.Execute("UPDATE dm_views SET data = ?, updated_at = ? WHERE id = ?",
                               {json::Serialize(data), NowMicros(), view_id}));
  return FindView(connection, view_id);
}

Result<void> ReorderViews(Connection& connection, int64_t project_id, int64_t user_id,
                          const std::vector<int64_t>& ids) {
  for (size_t i = 0; i < ids.size(); ++i) {
    TALLY_TRY(connection.Execute("UPDATE dm_views SET position = ? WHERE id = ? AND project_id = ? AND user_id = ?",
                                 {static_cast<int64_t>(i), ids[i], project_id, user_id}));
  }
  return Ok();
}

Result<bool> DeleteView(Connection& connection, int64_t view_id) {
  TALLY_ASSIGN_OR_RETURN(changed, connection.Execute("DELETE FROM dm_views WHERE id = ?", {view_id}));
  return changed > 0;
}

Result<int64_t> DeleteUserViews(Connection& connection, int64_t project_id, int64_t user_id) {
  return connection.Execute("DELETE FROM dm_views WHERE project_id = ? AND user_id = ?", {project_id, user_id});
}

Result<int64_t> DeleteProjectViews(Connection& connection, int64_t project_id) {
  return connection.Execute("DELETE FROM dm_views WHERE project_id = ?", {project_id});
}

bj::object ViewJson(const DataManagerView& view) {
  const bj::value* ordering = view.data.if_contains("ordering");
  const bj::value* filters = view.data.if_contains("filters");
  const bj::value* selected = view.data.if_contains("selectedItems");
  return bj::object{
      {"id", view.id},
      {"project", view.project_id},
      {"user", view.user_id ? bj::value(*view.user_id) : bj::value(nullptr)},
      {"order", view.position},
      {"data", view.data},
      {"filter_group", filters ? *filters : bj::value(nullptr)},
      {"ordering", ordering ? *ordering : bj::value(nullptr)},
      {"selected_items", selected ? *selected : bj::value(nullptr)},
  };
}

}  // namespace tally::labeling
