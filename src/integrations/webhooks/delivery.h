// Delivery of webhook events: one signed POST per attempt, logged in
// webhook_deliveries, run as `webhooks.deliver` jobs so failures are retried
// with the job queue's exponential backoff.
//
// Each request carries:
//   Content-Type: application/json
//   X-Tally-Event: <action>
//   X-Tally-Delivery: <delivery id, the same on every retry of one event>
//   X-Tally-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes under
//                      the webhook's secret>
// plus the webhook's own headers (which cannot replace the four above).
//
// Outcomes: a 2xx ends the job. A connection failure, a timeout, 408, 429 or
// a 5xx is retried until kDeliveryAttempts. Any other status fails the job at
// once, because the receiver rejected the request itself.
//
// Thread-safety: a WebhookSender may be shared by every worker thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/secret_box.h"
#include "integrations/outbound/client.h"
#include "integrations/webhooks/webhook_store.h"
#include "jobs/worker_pool.h"
#include "store/database.h"

namespace tally::integrations::webhooks {

struct DeliveryOptions {
  // Time for one attempt, connection to last byte. Label Studio uses 1 s;
  // a longer default spares receivers that do work before they respond.
  std::chrono::milliseconds timeout{10'000};
  // Receivers' response bodies are read only for the log's error text.
  size_t max_response_bytes = 64 * 1024;
};

// Returns "sha256=" followed by the lowercase hex HMAC-SHA256 of `body`.
std::string SignBody(std::string_view secret, std::string_view body);

struct AttemptRequest {
  std::string delivery_id;
  std::string action;
  std::string body;
  int attempt = 1;
  std::optional<int64_t> job_id;
  bool is_test = false;
};

class WebhookSender {
 public:
  WebhookSender(store::Database& database, const core::SecretBox& secret_box, const OutboundClient& client,
                DeliveryOptions options = {});

  // Sends one attempt and records it in the delivery log. Returns the logged
  // row whether or not the receiver accepted it (status_code and error tell).
  // Fails with kInternal when the webhook's secret cannot be opened (the
  // attempt is logged with that error first) and with storage errors.
  [[nodiscard]] Result<WebhookDelivery> Attempt(const Webhook& webhook, const AttemptRequest& request) const;

  // Runs one `webhooks.deliver` job (see the file comment for outcomes).
  [[nodiscard]] Result<boost::json::value> RunJob(jobs::JobContext& context) const;

 private:
  store::Database& database_;
  const core::SecretBox& secret_box_;
  const OutboundClient& client_;
  DeliveryOptions options_;
};

// Registers the delivery job handler. `sender` must outlive the pool.
void RegisterDeliveryJob(jobs::WorkerPool& pool, const WebhookSender& sender);

// True for responses worth retrying: 408, 429 and 5xx.
bool IsRetryableStatus(int status);

}  // namespace tally::integrations::webhooks
