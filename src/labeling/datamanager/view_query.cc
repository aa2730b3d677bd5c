#include "labeling/datamanager/view_query.h"

#include "labeling/datamanager/view_store.h"

namespace tally::labeling {

namespace bj = boost::json;

Result<TaskQuery> ResolveTaskQuery(store::Connection& connection, int64_t project_id, int64_t user_id,
                                   std::optional<int64_t> view_id, const bj::object& request,
                                   const std::string& request_prefix, ViewPrecedence precedence) {
  TALLY_ASSIGN_OR_RETURN(from_request, ParseTaskQuery(request, request_prefix));
  if (!view_id) return from_request;

  TALLY_ASSIGN_OR_RETURN(view, FindView(connection, *view_id));
  if (!view || view->project_id != project_id || view->user_id != user_id) {
    return Error::NotFound("View not found.");
  }
  TALLY_ASSIGN_OR_RETURN(from_view, ParseTaskQuery(view->data, "view.data."));

  TaskQuery query = from_view;
  const bool request_wins = precedence == ViewPrecedence::kRequestWins;
  if (request.contains("filters") && (request_wins || !view->data.contains("filters"))) {
    query.filters = from_request.filters;
  }
  if (request.contains("ordering") && (request_wins || !view->data.contains("ordering"))) {
    query.ordering = from_request.ordering;
  }
  if (request.contains("selectedItems")) query.selection = from_request.selection;
  return query;
}

}  // namespace tally::labeling
