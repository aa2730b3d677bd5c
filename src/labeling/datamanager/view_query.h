// The task query of a data manager request: a view's saved filters,
// ordering and selection combined with those the request carries.
//
// Thread-safety: reentrant; runs inside the caller's transaction.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "labeling/datamanager/task_query.h"
#include "store/database.h"

namespace tally::labeling {

enum class ViewPrecedence {
  kRequestWins,  // GET /api/tasks: ?query= keys replace the view's
  kViewWins,     // /api/dm/actions: a view's filters and ordering replace the body's, as in Label Studio
};

// Combines the view `view_id` (when set) with `request`, an object with
// filters, ordering and selectedItems, by `precedence`. The view must be
// the caller's view of the project, else not_found. Errors in `request`
// name `request_prefix` + key. The selection always comes from the request
// when it has one.
[[nodiscard]] Result<TaskQuery> ResolveTaskQuery(store::Connection& connection, int64_t project_id, int64_t user_id,
                                                 std::optional<int64_t> view_id, const boost::json::object& request,
                                                 const std::string& request_prefix, ViewPrecedence precedence);

}  // namespace tally::labeling
