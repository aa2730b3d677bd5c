#include "app/hub_relay.h"

#include <boost/json.hpp>

#include <atomic>

#include "core/crypto.h"
#include "core/log.h"

namespace tally {

namespace bj = boost::json;

Result<std::unique_ptr<HubRelay>> HubRelay::Start(http::Hub& hub, store::Database& database,
                                                 const std::string& url) {
  TALLY_ASSIGN_OR_RETURN(schema, database.Read([](store::Connection& c) -> Result<std::string> {
    TALLY_ASSIGN_OR_RETURN(row, c.QueryOne("SELECT current_schema()"));
    return row ? row->Text(0) : std::string();
  }));
  const std::string channel_name = "tally_hub_" + Sha256Hex(schema).substr(0, 16);

  std::unique_ptr<HubRelay> relay(new HubRelay(hub, RandomHex(8)));
  HubRelay* raw = relay.get();
  TALLY_ASSIGN_OR_RETURN(channel, store::NotificationChannel::Open(url, channel_name, [raw](std::string_view payload) {
                           raw->Receive(payload);
                         }));
  relay->channel_ = std::move(channel);

  hub.SetRelay([raw](const std::string& topic, const std::string& frame) {
    std::string payload = bj::serialize(bj::object{{"origin", raw->origin_}, {"topic", topic}, {"frame", frame}});
    if (raw->channel_->Notify(std::move(payload))) return;
    // Large events (or a backlog) would otherwise warn once per event.
    static std::atomic<int64_t> dropped{0};
    const int64_t count = ++dropped;
    if ((count & (count - 1)) == 0) {
      TALLY_LOG_WARN("event=hub_relay_dropped topic_bytes={} frame_bytes={} dropped_total={}", topic.size(),
                     frame.size(), count);
    }
  });
  TALLY_LOG_INFO("event=hub_relay_started channel={} origin={}", channel_name, relay->origin_);
  return relay;
}

HubRelay::~HubRelay() {
  hub_.SetRelay(nullptr);
  channel_.reset();  // joins the channel's thread, so Receive cannot run past this point
}

void HubRelay::Receive(std::string_view payload) {
  boost::system::error_code ec;
  bj::value parsed = bj::parse(payload, ec);
  const bj::object* message = !ec ? parsed.if_object() : nullptr;
  const bj::value* origin = message ? message->if_contains("origin") : nullptr;
  const bj::value* topic = message ? message->if_contains("topic") : nullptr;
  const bj::value* frame = message ? message->if_contains("frame") : nullptr;
  if (!origin || !origin->is_string() || !topic || !topic->is_string() || !frame || !frame->is_string()) {
    TALLY_LOG_WARN("event=hub_relay_malformed bytes={}", payload.size());
    return;
  }
  if (origin->as_string() == origin_) return;  // our own event, already delivered here
  hub_.DeliverRelayed(std::string(topic->as_string()), std::make_shared<const std::string>(frame->as_string()));
}

}  // namespace tally
