// Data manager views: a user's saved tabs over a project's tasks.
//
// `data` is the UI's object (title, filters, ordering, hiddenColumns,
// columnsWidth, …), stored as sent; the server reads only its filters,
// ordering, selectedItems and columnsDisplayType (task_query.h). Views are
// per user: each user lists and changes their own views of a project.
//
// Thread-safety: free functions over a borrowed Connection.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace tally::labeling {

using store::Connection;

struct DataManagerView {
  int64_t id = 0;
  int64_t project_id = 0;
  std::optional<int64_t> user_id;
  int64_t position = 0;  // the tab's place; the API calls it "order"
  boost::json::object data;
  Micros created_at = 0;
  Micros updated_at = 0;
};

// Inserts a view at the end of the user's tabs and returns it.
[[nodiscard]] Result<DataManagerView> InsertView(Connection& connection, int64_t project_id, int64_t user_id,
                                                 const boost::json::object& data);

// The view, or nullopt when there is none.
[[nodiscard]] Result<std::optional<DataManagerView>> FindView(Connection& connection, int64_t view_id);

// The user's views of the project by position, then id.
[[nodiscard]] Result<std::vector<DataManagerView>> ListViews(Connection& connection, int64_t project_id,
                                                             int64_t user_id);

// Replaces the view's data and returns it as stored; nullopt when absent.
[[nodiscard]] Result<std::optional<DataManagerView>> UpdateView(Connection& connection, int64_t view_id,
                                                                const boost::json::object& data);

// Sets the positions of the user's views of the project to the order of
// `ids`; ids of other users or projects are ignored.
[[nodiscard]] Result<void> ReorderViews(Connection& connection, int64_t project_id, int64_t user_id,
                                        const std::vector<int64_t>& ids);

// Deletes one view; false when there was none.
[[nodiscard]] Result<bool> DeleteView(Connection& connection, int64_t view_id);

// Deletes the user's views of the project and returns how many.
[[nodiscard]] Result<int64_t> DeleteUserViews(Connection& connection, int64_t project_id, int64_t user_id);

// Deletes every user's views of the project and returns how many.
[[nodiscard]] Result<int64_t> DeleteProjectViews(Connection& connection, int64_t project_id);

boost::json::object ViewJson(const DataManagerView& view);

}  // namespace tally::labeling
