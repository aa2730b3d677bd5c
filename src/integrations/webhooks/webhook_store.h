// Storage of webhooks and their delivery log (tables `webhooks` and
// `webhook_deliveries`, migration 0030). The only file with webhook SQL.
//
// Thread-safety: reentrant; every function runs inside the caller's
// transaction on `connection`.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/database.h"

namespace tally::integrations::webhooks {

using store::Connection;

struct Webhook {
  int64_t id = 0;
  int64_t organization_id = 0;
  std::optional<int64_t> project_id;  // nullopt: every project of the organization
  std::string url;
  bool send_payload = true;
  bool send_for_all_actions = true;
  std::map<std::string, std::string> headers;
  bool is_active = true;
  std::vector<std::string> actions;
  std::string secret_sealed;  // SecretBox output; opened only to sign a delivery
  std::optional<int64_t> created_by;
  Micros created_at = 0;
  Micros updated_at = 0;

  // True when an event named `action` goes to this webhook.
  bool Subscribes(std::string_view action) const;
};

struct WebhookDelivery {
  int64_t id = 0;
  int64_t webhook_id = 0;
  std::string delivery_id;  // same for every attempt at one event
  std::string action;
  int attempt = 1;
  std::optional<int> status_code;    // nullopt when no response arrived
  std::optional<double> latency_ms;  // nullopt when no request was sent
  std::optional<std::string> error;  // client-safe; nullopt on a 2xx
  std::optional<int64_t> job_id;     // nullopt for test sends
  bool is_test = false;
  Micros created_at = 0;
};

// Inserts `webhook` and returns it with id and timestamps set.
[[nodiscard]] Result<Webhook> InsertWebhook(Connection& connection, Webhook webhook, Micros now = NowMicros());
// Rewrites every column but id, organization_id and created_at. kNotFound when the row is gone.
[[nodiscard]] Result<Webhook> UpdateWebhook(Connection& connection, Webhook webhook, Micros now = NowMicros());
// Returns the webhook, or nullopt when there is none with that id.
[[nodiscard]] Result<std::optional<Webhook>> FindWebhook(Connection& connection, int64_t webhook_id);
// Webhooks of an organization, oldest first; with `project_id`, only that project's.
[[nodiscard]] Result<std::vector<Webhook>> ListWebhooks(Connection& connection, int64_t organization_id,
                                                        std::optional<int64_t> project_id);
// Active webhooks that receive events of `project_id` (its own and the
// organization's), or only organization webhooks when `project_id` is nullopt.
[[nodiscard]] Result<std::vector<Webhook>> ListReceivers(Connection& connection, int64_t organization_id,
                                                         std::optional<int64_t> project_id);
// Deletes the webhook and, by cascade, its delivery log. kNotFound when absent.
[[nodiscard]] Result<void> DeleteWebhook(Connection& connection, int64_t webhook_id);

[[nodiscard]] Result<WebhookDelivery> InsertDelivery(Connection& connection, WebhookDelivery delivery,
                                                     Micros now = NowMicros());
// Delivery attempts of a webhook, newest first, at most `limit` from `offset`.
[[nodiscard]] Result<std::vector<WebhookDelivery>> ListDeliveries(Connection& connection, int64_t webhook_id,
                                                                  int64_t limit, int64_t offset);
[[nodiscard]] Result<int64_t> CountDeliveries(Connection& connection, int64_t webhook_id);

}  // namespace tally::integrations::webhooks
