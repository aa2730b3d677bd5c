#include "integrations/webhooks/delivery.h"

#include <sodium.h>

#include <fmt/format.h>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "integrations/webhooks/events.h"

namespace tally::integrations::webhooks {

namespace bj = boost::json;

namespace {

std::string Hex(std::string_view bytes) {
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  hex.pop_back();
  return hex;
}

bool IsReservedHeader(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name == "content-type" || name == "content-length" || name == "host" || name.starts_with("x-tally-");
}

// The start of a response body for the delivery log, cut at a UTF-8 boundary
// and stripped of control characters.
std::string BodyExcerpt(std::string_view body) {
  constexpr size_t kMax = 200;
  size_t end = std::min(body.size(), kMax);
  while (end > 0 && end < body.size() && (static_cast<unsigned char>(body[end]) & 0xC0) == 0x80) --end;
  std::string excerpt;
  for (char c : body.substr(0, end)) excerpt.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
  return excerpt;
}

}  // namespace

std::string SignBody(std::string_view secret, std::string_view body) {
  return "sha256=" + Hex(HmacSha256(secret, body));
}

bool IsRetryableStatus(int status) { return status == 408 || status == 429 || status >= 500; }

WebhookSender::WebhookSender(store::Database& database, const core::SecretBox& secret_box,
                             const OutboundClient& client, DeliveryOptions options)
    : database_(database), secret_box_(secret_box), client_(client), options_(options) {}

Result<WebhookDelivery> WebhookSender::Attempt(const Webhook& webhook, const AttemptRequest& request) const {
  WebhookDelivery delivery;
  delivery.webhook_id = webhook.id;
  delivery.delivery_id = request.delivery_id;
  delivery.action = request.action;
  delivery.attempt = request.attempt;
  delivery.job_id = request.job_id;
  delivery.is_test = request.is_test;

  auto secret = secret_box_.Open(webhook.secret_sealed);
  if (!secret) {
    delivery.error = secret.error().message;
    TALLY_LOG_ERROR("event=webhook_secret_unreadable webhook_id={} error=\"{}\" detail=\"{}\"", webhook.id,
                    secret.error().message, secret.error().detail);
    TALLY_TRY(database_.Write([&](store::Connection& c) { return InsertDelivery(c, delivery); }));
    return secret.error();
  }

  OutboundRequest outbound;
  outbound.method = "POST";
  outbound.url = webhook.url;
  outbound.body = request.body;
  outbound.timeout = options_.timeout;
  outbound.max_response_bytes = options_.max_response_bytes;
  for (const auto& [name, value] : webhook.headers) {
    if (!IsReservedHeader(name)) outbound.headers.emplace_back(name, value);
  }
  outbound.headers.emplace_back("Content-Type", "application/json");
  outbound.headers.emplace_back("X-Tally-Event", request.action);
  outbound.headers.emplace_back("X-Tally-Delivery", request.delivery_id);
  outbound.headers.emplace_back("X-Tally-Signature", SignBody(*secret, request.body));

  const auto started = std::chrono::steady_clock::now();
  auto response = client_.Send(outbound);
  delivery.latency_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!response) {
    delivery.error = response.error().message;
  } else {
    delivery.status_code = response->status;
    if (response->status < 200 || response->status >= 300) {
      delivery.error = fmt::format("Receiver responded {}: {}", response->status, BodyExcerpt(response->body));
    }
  }

  TALLY_ASSIGN_OR_RETURN(logged, database_.Write([&](store::Connection& c) { return InsertDelivery(c, delivery); }));
  if (logged.error) {
    TALLY_LOG_WARN("event=webhook_delivery_failed webhook_id={} delivery_id={} action={} attempt={} status={} "
                   "latency_ms={:.1f} error=\"{}\"",
                   webhook.id, logged.delivery_id, logged.action, logged.attempt, logged.status_code.value_or(0),
                   logged.latency_ms.value_or(0), LogValue(*logged.error));
  } else {
    TALLY_LOG_INFO("event=webhook_delivered webhook_id={} delivery_id={} action={} attempt={} status={} "
                   "latency_ms={:.1f}",
                   webhook.id, logged.delivery_id, logged.action, logged.attempt, logged.status_code.value_or(0),
                   logged.latency_ms.value_or(0));
  }
  return logged;
}

Result<bj::value> WebhookSender::RunJob(jobs::JobContext& context) const {
  const bj::value& payload = context.payload();
  if (!payload.is_object()) return Error::Invalid("Delivery job payload is not an object");
  const bj::object& fields = payload.as_object();
  TALLY_ASSIGN_OR_RETURN(webhook_id, json::RequireInt(fields, "webhook_id"));
  TALLY_ASSIGN_OR_RETURN(delivery_id, json::RequireString(fields, "delivery_id"));
  TALLY_ASSIGN_OR_RETURN(action, json::RequireString(fields, "action"));
  TALLY_ASSIGN_OR_RETURN(body, json::RequireString(fields, "body"));

  TALLY_ASSIGN_OR_RETURN(webhook, database_.Read([&](store::Connection& c) { return FindWebhook(c, webhook_id); }));
  if (!webhook || !webhook->is_active) {
    TALLY_LOG_INFO("event=webhook_delivery_skipped webhook_id={} delivery_id={} reason={}", webhook_id, delivery_id,
                   webhook ? "inactive" : "deleted");
    return bj::value(bj::object{{"skipped", webhook ? "webhook inactive" : "webhook deleted"}});
  }

  TALLY_ASSIGN_OR_RETURN(delivery, Attempt(*webhook, {.delivery_id = delivery_id,
                                                      .action = action,
                                                      .body = body,
                                                      .attempt = context.attempt(),
                                                      .job_id = context.job_id()}));
  if (!delivery.error) {
    return bj::value(bj::object{{"webhook_id", webhook_id},
                                {"delivery_id", delivery_id},
                                {"status_code", delivery.status_code.value_or(0)},
                                {"attempt", delivery.attempt}});
  }
  const std::string message = fmt::format("Webhook {} delivery failed: {}", webhook_id, *delivery.error);
  if (!delivery.status_code || IsRetryableStatus(*delivery.status_code)) return Error::Unavailable(message);
  return Error::Invalid(message);
}

void RegisterDeliveryJob(jobs::WorkerPool& pool, const WebhookSender& sender) {
  pool.Register(std::string(kDeliverJobKind), [&sender](jobs::JobContext& context) { return sender.RunJob(context); });
}

}  // namespace tally::integrations::webhooks
