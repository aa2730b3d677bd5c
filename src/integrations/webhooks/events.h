// Webhook events: the catalogue of actions Label Studio defines, and
// EmitEvent, which the labeling code calls inside its write transactions.
//
// EmitEvent enqueues one `webhooks.deliver` job per active webhook that
// subscribes to the action, in the caller's transaction, so an event exists
// exactly when the change it reports commits. Delivery, signing and retries
// happen later in the job (delivery.h). The body, `{"action": …, …payload}`,
// is fixed at emission. The URL, headers and secret are read when the job
// runs, so an edit of the webhook applies to deliveries still queued.
//
// Thread-safety: reentrant; the catalogue is immutable.
#pragma once

#include <boost/json.hpp>

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace tally::integrations::webhooks {

inline constexpr std::string_view kDeliverJobKind = "webhooks.deliver";

// Attempts per delivery before its job fails for good. With the job queue's
// backoff (2 s doubling) the last attempt comes about 30 s after the first.
inline constexpr int kDeliveryAttempts = 5;

struct ActionInfo {
  std::string_view key;
  std::string_view name;
  std::string_view description;
  bool organization_only = false;  // a project webhook may not subscribe
};

// Every action, in Label Studio's order.
const std::vector<ActionInfo>& Actions();
// The action named `key`, or nullptr.
const ActionInfo* FindAction(std::string_view key);

// Builds the payload keys of an event (everything but "action"). Called at
// most once, and only when some webhook receives the event with its payload.
using PayloadBuilder = std::function<Result<boost::json::object>()>;

// Bodies over this size are sent without their payload keys and with
// "payload_omitted": "too_large", because a job payload is capped at 1 MiB.
inline constexpr size_t kMaxBodyBytes = 512 * 1024;

// Enqueues a delivery job per receiver of `action` in `project_id` (nullopt:
// organization webhooks only). Returns the number of jobs enqueued. Fails
// only when the database or the payload builder fails, and then the caller's
// whole write rolls back.
// REQUIRES: an open write transaction on `connection`.
[[nodiscard]] Result<int> EmitEvent(store::Connection& connection, int64_t organization_id,
                                    std::optional<int64_t> project_id, std::string_view action,
                                    const PayloadBuilder& build_payload);

}  // namespace tally::integrations::webhooks
