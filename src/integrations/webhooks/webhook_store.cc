#include "integrations/webhooks/webhook_store.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/json.h"

namespace tally::integrations::webhooks {

namespace bj = boost::json;

namespace {

constexpr std::string_view kWebhookColumns =
    "id, organization_id, project_id, url, send_payload, send_for_all_actions, headers, is_active, actions,"
    " secret_sealed, created_by, created_at, updated_at";
constexpr std::string_view kDeliveryColumns =
    "id, webhook_id, delivery_id, action, attempt, status_code, latency_ms, error, job_id, is_test, created_at";

std::string HeadersText(const std::map<std::string, std::string>& headers) {
  bj::object object;
  for (const auto& [name, value] : headers) object[name] = value;
  return json::Serialize(object);
}

std::string ActionsText(const std::vector<std::string>& actions) {
  bj::array array;
  for (const auto& action : actions) array.push_back(bj::string(action));
  return json::Serialize(array);
}

Webhook WebhookFromRow(const store::Row& row) {
  Webhook w;
  w.id = row.Int(0);
  w.organization_id = row.Int(1);
  w.project_id = row.OptionalInt(2);
  w.url = row.Text(3);
  w.send_payload = row.Bool(4);
  w.send_for_all_actions = row.Bool(5);
  boost::system::error_code ec;
  bj::value headers = bj::parse(row.Text(6), ec);
  if (!ec && headers.is_object()) {
    for (const auto& [name, value] : headers.as_object()) {
      if (value.is_string()) w.headers[std::string(name)] = std::string(value.as_string());
    }
  }
  w.is_active = row.Bool(7);
  bj::value actions = bj::parse(row.Text(8), ec);
  if (!ec && actions.is_array()) {
    for (const auto& action : actions.as_array()) {
      if (action.is_string()) w.actions.emplace_back(action.as_string());
    }
  }
  w.secret_sealed = row.Text(9);
  w.created_by = row.OptionalInt(10);
  w.created_at = row.Int(11);
  w.updated_at = row.Int(12);
  return w;
}

WebhookDelivery DeliveryFromRow(const store::Row& row) {
  WebhookDelivery d;
  d.id = row.Int(0);
  d.webhook_id = row.Int(1);
  d.delivery_id = row.Text(2);
  d.action = row.Text(3);
  d.attempt = static_cast<int>(row.Int(4));
  if (auto status = row.OptionalInt(5)) d.status_code = static_cast<int>(*status);
  d.latency_ms = row.OptionalDouble(6);
  d.error = row.OptionalText(7);
  d.job_id = row.OptionalInt(8);
  d.is_test = row.Bool(9);
  d.created_at = row.Int(10);
  return d;
}

}  // namespace

bool Webhook::Subscribes(std::string_view action) const {
  return send_for_all_actions || std::find(actions.begin(), actions.end(), action) != actions.end();
}

Result<Webhook> InsertWebhook(Connection& connection, Webhook w, Micros now) {
  w.created_at = now;
  w.updated_at = now;
  TALLY_ASSIGN_OR_RETURN(
      row, connection.QueryOne(
               "INSERT INTO webhooks (organization_id, project_id, url, send_payload, send_for_all_actions, headers,"
               " is_active, actions, secret_sealed, created_by, created_at, updated_at)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {w.organization_id, store::OrNull(w.project_id), w.url, store::Bool(w.send_payload),
                store::Bool(w.send_for_all_actions), HeadersText(w.headers), store::Bool(w.is_active),
                ActionsText(w.actions), w.secret_sealed, store::OrNull(w.created_by), now, now}));
  w.id = row->Int(0);
  return w;
}

Result<Webhook> UpdateWebhook(Connection& connection, Webhook w, Micros now) {
  w.updated_at = now;
  TALLY_ASSIGN_OR_RETURN(
      changed, connection.Execute("UPDATE webhooks SET project_id = ?, url = ?, send_payload = ?,"
                                  " send_for_all_actions = ?, headers = ?, is_active = ?, actions = ?,"
                                  " secret_sealed = ?, updated_at = ? WHERE id = ?",
                                  {store::OrNull(w.project_id), w.url, store::Bool(w.send_payload),
                                   store::Bool(w.send_for_all_actions), HeadersText(w.headers),
                                   store::Bool(w.is_active), ActionsText(w.actions), w.secret_sealed, now, w.id}));
  if (changed == 0) return Error::NotFound("Not found.");
  return w;
}

Result<std::optional<Webhook>> FindWebhook(Connection& connection, int64_t webhook_id) {
  TALLY_ASSIGN_OR_RETURN(row, connection.QueryOne(fmt::format("SELECT {} FROM webhooks WHERE id = ?", kWebhookColumns),
                                                  {webhook_id}));
  if (!row) return std::optional<Webhook>();
  return std::optional<Webhook>(WebhookFromRow(*row));
}

Result<std::vector<Webhook>> ListWebhooks(Connection& connection, int64_t organization_id,
                                          std::optional<int64_t> project_id) {
  std::string sql = fmt::format("SELECT {} FROM webhooks WHERE organization_id = ?", kWebhookColumns);
  store::Params params = {organization_id};
  if (project_id) {
    sql += " AND project_id = ?";
    params.push_back(*project_id);
  }
  sql += " ORDER BY id";
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, params));
  std::vector<Webhook> webhooks;
  for (const auto& row : rows) webhooks.push_back(WebhookFromRow(row));
  return webhooks;
}

Result<std::vector<Webhook>> ListReceivers(Connection& connection, int64_t organization_id,
                                           std::optional<int64_t> project_id) {
  std::string sql = fmt::format(
      "SELECT {} FROM webhooks WHERE organization_id = ? AND is_active = 1 AND (project_id IS NULL", kWebhookColumns);
  store::Params params = {organization_id};
  if (project_id) {
    sql += " OR project_id = ?";
    params.push_back(*project_id);
  }
  sql += ") ORDER BY id";
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(sql, params));
  std::vector<Webhook> webhooks;
  for (const auto& row : rows) webhooks.push_back(WebhookFromRow(row));
  return webhooks;
}

Result<void> DeleteWebhook(Connection& connection, int64_t webhook_id) {
  TALLY_ASSIGN_OR_RETURN(deleted, connection.Execute("DELETE FROM webhooks WHERE id = ?", {webhook_id}));
  if (deleted == 0) return Error::NotFound("Not found.");
  return Ok();
}

Result<WebhookDelivery> InsertDelivery(Connection& connection, WebhookDelivery d, Micros now) {
  d.created_at = now;
  TALLY_ASSIGN_OR_RETURN(
      row, connection.QueryOne(
               "INSERT INTO webhook_deliveries (webhook_id, delivery_id, action, attempt, status_code, latency_ms,"
               " error, job_id, is_test, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
               {d.webhook_id, d.delivery_id, d.action, static_cast<int64_t>(d.attempt),
                d.status_code ? store::Value(static_cast<int64_t>(*d.status_code)) : store::Null(),
                store::OrNull(d.latency_ms), store::OrNull(d.error), store::OrNull(d.job_id), store::Bool(d.is_test),
                now}));
  d.id = row->Int(0);
  return d;
}

Result<std::vector<WebhookDelivery>> ListDeliveries(Connection& connection, int64_t webhook_id, int64_t limit,
                                                    int64_t offset) {
  TALLY_ASSIGN_OR_RETURN(
      rows, connection.Query(fmt::format("SELECT {} FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC"
                                         " LIMIT ? OFFSET ?",
                                         kDeliveryColumns),
                             {webhook_id, limit, offset}));
  std::vector<WebhookDelivery> deliveries;
  for (const auto& row : rows) deliveries.push_back(DeliveryFromRow(row));
  return deliveries;
}

Result<int64_t> CountDeliveries(Connection& connection, int64_t webhook_id) {
  TALLY_ASSIGN_OR_RETURN(row,
                         connection.QueryOne("SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = ?", {webhook_id}));
  return row->Int(0);
}

}  // namespace tally::integrations::webhooks
