// HubRelay: carries live events between `tally serve` processes that share
// one PostgreSQL database, over LISTEN/NOTIFY. Notification channels are
// database-wide while Tally's tables live in a schema, so the channel is
// "tally_hub_" plus a hash of the schema: deployments in two schemas of one
// database never see each other's events.
//
// Every frame the local hub publishes is sent as a notification
// {"origin", "topic", "frame"}; every notification from another process
// (a different origin) is delivered to the local subscribers of its topic.
// An event whose notification would exceed PostgreSQL's 8000-byte payload
// limit stays in its process, with a warning: a large Yjs update of a prompt
// draft, for one, reaches only the editors on the same process.
//
// Thread-safety: construct and destroy on one thread; the hub calls in from
// any thread while it lives.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "http/hub.h"
#include "store/database.h"
#include "store/postgres/notification_channel.h"

namespace tally {

class HubRelay {
 public:
  // Starts relaying `hub` over `database`, whose URL is `url`; `hub` must
  // outlive the relay. kUnavailable when the database cannot be reached.
  [[nodiscard]] static Result<std::unique_ptr<HubRelay>> Start(http::Hub& hub, store::Database& database,
                                                               const std::string& url);

  // Stops relaying: the hub no longer hands frames to this relay.
  ~HubRelay();

 private:
  HubRelay(http::Hub& hub, std::string origin) : hub_(hub), origin_(std::move(origin)) {}
  void Receive(std::string_view payload);

  http::Hub& hub_;
  const std::string origin_;  // random id of this process, to skip our own notifications
  std::unique_ptr<store::NotificationChannel> channel_;
};

}  // namespace tally
