// Hub: publish/subscribe of live events over WebSocket connections.
//
// Subsystems publish JSON events to topics ("project:12:traces"); browser
// clients connected to GET /api/ws subscribe to topics they may read. The hub
// fans each event out to the subscribers of its topic in this process.
//
// Authorization: every topic belongs to a prefix registered with
// AddTopicFamily together with a check of the subscriber's Principal; a
// subscription to an unregistered prefix, or one the check rejects, fails.
//
// Back-pressure: each subscriber has a bounded outbound queue (see
// websocket.h); a subscriber that falls behind is disconnected instead of
// growing memory without bound.
//
// Thread-safety: every method may be called from any thread.
//
// NOTE: events reach subscribers of this process only. Several processes
// sharing PostgreSQL need a LISTEN/NOTIFY relay, which is not built yet.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "http/router.h"

namespace tally::http {

// Receives events for its subscriptions. Deliver must not block: it queues.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  virtual void Deliver(std::shared_ptr<const std::string> message) = 0;
};

class Hub {
 public:
  using TopicCheck = std::function<Result<void>(const Principal& principal, std::string_view topic)>;

  // Registers a family of topics starting with `prefix` ("project:") and the
  // check a subscriber must pass. Register before the server starts.
  void AddTopicFamily(std::string prefix, TopicCheck check);

  // Subscribes after checking the principal may read `topic`. kNotFound for
  // a topic of no registered family; the family's error otherwise.
  [[nodiscard]] Result<void> Subscribe(const Principal& principal, const std::string& topic,
                                       const std::shared_ptr<Subscriber>& subscriber);
  void Unsubscribe(const std::string& topic, const Subscriber* subscriber);
  // Removes every subscription of a subscriber (on disconnect).
  void UnsubscribeAll(const Subscriber* subscriber);

  // Sends {"type":"event","topic":…,"data":…} to every subscriber of
  // `topic`. Returns how many subscribers it reached.
  size_t Publish(const std::string& topic, const boost::json::value& data);

  size_t subscription_count() const;

 private:
  std::vector<std::pair<std::string, TopicCheck>> families_;
  mutable std::mutex mutex_;
  std::map<std::string, std::map<const Subscriber*, std::weak_ptr<Subscriber>>> topics_;
};

// Documents GET /api/ws and returns 426 Upgrade Required to a plain
// (non-upgrade) request. The server itself takes over upgrade requests.
void AddWebSocketRoute(Router& router);

}  // namespace tally::http
