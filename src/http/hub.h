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
// Several processes: the app sets a relay (SetRelay) for PostgreSQL
// deployments. Every published event is also handed to the relay, and
// events other processes published arrive through DeliverRelayed. SendTo
// and topic handlers stay within this process.
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

// Serves the client messages of some topics ({"type":"message"} frames, see
// websocket_session.h) and hears who joins and leaves them, for topics that
// are conversations rather than feeds (a prompt draft being co-edited).
// Methods run on the worker pool and may use the database.
class TopicHandler {
 public:
  virtual ~TopicHandler() = default;
  // Whether this handler serves `topic`.
  virtual bool Handles(std::string_view topic) const = 0;
  // After `subscriber` joined `topic`, e.g. to replay history to it alone.
  virtual void OnSubscribed(const Principal& principal, const std::string& topic,
                            const std::shared_ptr<Subscriber>& subscriber) = 0;
  // After `subscriber` left `topic`, by unsubscribing or disconnecting.
  virtual void OnUnsubscribed(const std::string& topic, const Subscriber* subscriber) = 0;
  // A message `data` that `sender`, a subscriber of `topic`, sent. The error
  // goes back to the sender alone.
  [[nodiscard]] virtual Result<void> OnMessage(const Principal& principal, const std::string& topic,
                                               const boost::json::value& data, const Subscriber* sender) = 0;
};

class Hub {
 public:
  using TopicCheck = std::function<Result<void>(const Principal& principal, std::string_view topic)>;

  // Registers a family of topics starting with `prefix` ("project:") and the
  // check a subscriber must pass. Register before the server starts.
  void AddTopicFamily(std::string prefix, TopicCheck check);

  // Most topics one subscriber (one WebSocket connection) may follow.
  static constexpr size_t kMaxTopicsPerSubscriber = 256;

  // Subscribes after checking the principal may read `topic`. kNotFound for
  // a topic of no registered family; the family's error otherwise;
  // kInvalidArgument when the subscriber already follows
  // kMaxTopicsPerSubscriber other topics.
  [[nodiscard]] Result<void> Subscribe(const Principal& principal, const std::string& topic,
                                       const std::shared_ptr<Subscriber>& subscriber);
  void Unsubscribe(const std::string& topic, const Subscriber* subscriber);
  // Removes every subscription of a subscriber (on disconnect).
  void UnsubscribeAll(const Subscriber* subscriber);

  // Sends {"type":"event","topic":…,"data":…} to every subscriber of
  // `topic`. Returns how many subscribers it reached.
  size_t Publish(const std::string& topic, const boost::json::value& data);

  // Carries each frame Publish() sends to other processes: `frame` is the
  // serialized {"type":"event",…} text. Called on the publishing thread, so
  // it must only queue. Set it before the server starts; an empty relay
  // stops relaying.
  using Relay = std::function<void(const std::string& topic, const std::string& frame)>;
  void SetRelay(Relay relay);

  // Sends a frame another process published to this process's subscribers
  // of `topic`, without relaying it again. Returns how many it reached.
  size_t DeliverRelayed(const std::string& topic, std::shared_ptr<const std::string> frame);

  // Sends the same event frame to one subscriber only.
  void SendTo(Subscriber& subscriber, const std::string& topic, const boost::json::value& data);

  // Registers a handler for client messages; the first whose Handles()
  // accepts a topic serves it. Register before the server starts.
  void AddTopicHandler(std::shared_ptr<TopicHandler> handler);

  // Passes a client message to the topic's handler. kForbidden unless
  // `sender` subscribed to `topic` first; kNotFound when no handler serves
  // it; otherwise the handler's result.
  [[nodiscard]] Result<void> HandleMessage(const Principal& principal, const std::string& topic,
                                           const boost::json::value& data, const Subscriber* sender);

  size_t subscription_count() const;

 private:
  TopicHandler* HandlerFor(std::string_view topic) const;
  size_t DeliverLocal(const std::string& topic, const std::shared_ptr<const std::string>& frame);

  std::vector<std::pair<std::string, TopicCheck>> families_;
  std::vector<std::shared_ptr<TopicHandler>> handlers_;
  mutable std::mutex mutex_;
  std::map<std::string, std::map<const Subscriber*, std::weak_ptr<Subscriber>>> topics_;
  std::shared_ptr<const Relay> relay_;  // guarded by mutex_
};

// Documents GET /api/ws and returns 426 Upgrade Required to a plain
// (non-upgrade) request. The server itself takes over upgrade requests.
void AddWebSocketRoute(Router& router);

}  // namespace tally::http
