// JSON shapes of accounts objects as Label Studio's API returns them, and the
// page-number pagination its list endpoints share.
#pragma once

#include <boost/json.hpp>

#include "accounts/account_store.h"
#include "http/message.h"

namespace tally::accounts {

// {"id","first_name","last_name","username","email","last_activity","avatar",
//  "initials","phone","active_organization","allow_newsletters","date_joined"}
boost::json::object UserJson(const User& user);

// Page-number pagination: ?page (1-based, default 1) and ?page_size (default
// `default_size`, capped at `max_size`). kInvalidArgument naming the
// parameter for non-numbers; kNotFound ("Invalid page.") past the last page
// is left to the caller, which knows the count.
struct PageRequest {
  int64_t page = 1;
  int64_t page_size = 30;
  int64_t offset() const { return (page - 1) * page_size; }
};
[[nodiscard]] Result<PageRequest> ParsePageRequest(const http::Request& request, int64_t default_size = 30,
                                                   int64_t max_size = 100);

// {"count", "next", "previous", "results"} with next/previous as URLs of
// this path, or null.
[[nodiscard]] Result<boost::json::object> PageJson(const http::Request& request, const PageRequest& page,
                                                   int64_t count, boost::json::array results);

}  // namespace tally::accounts
