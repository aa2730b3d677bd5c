#include "http/hub.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "core/json.h"

namespace tally::http {

void Hub::AddTopicFamily(std::string prefix, TopicCheck check) {
  families_.emplace_back(std::move(prefix), std::move(check));
}

Result<void> Hub::Subscribe(const Principal& principal, const std::string& topic,
                            const std::shared_ptr<Subscriber>& subscriber) {
  const TopicCheck* check = nullptr;
  for (const auto& [prefix, family_check] : families_) {
    if (topic.starts_with(prefix)) check = &family_check;
  }
  if (!check) return Error::NotFound("Unknown topic; subscribe to a topic such as project:<id>:traces");
  TALLY_TRY((*check)(principal, topic));

  {
    std::lock_guard lock(mutex_);
    auto& members = topics_[topic];
    if (!members.contains(subscriber.get())) {
      // Counts this connection's topics with a scan, because subscribing is
      // rare next to publishing. The cap keeps one client from growing the map.
      size_t joined = 0;
      for (const auto& [name, others] : topics_) joined += others.contains(subscriber.get()) ? 1 : 0;
      if (joined >= kMaxTopicsPerSubscriber) {
        if (members.empty()) topics_.erase(topic);
        return Error::Invalid(fmt::format(
            "A connection may follow at most {} topics; unsubscribe from one first", kMaxTopicsPerSubscriber));
      }
    }
    members[subscriber.get()] = subscriber;
  }
  if (TopicHandler* handler = HandlerFor(topic)) handler->OnSubscribed(principal, topic, subscriber);
  return Ok();
}

void Hub::Unsubscribe(const std::string& topic, const Subscriber* subscriber) {
  {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end() || it->second.erase(subscriber) == 0) return;
    if (it->second.empty()) topics_.erase(it);
  }
  if (TopicHandler* handler = HandlerFor(topic)) handler->OnUnsubscribed(topic, subscriber);
}

void Hub::UnsubscribeAll(const Subscriber* subscriber) {
  std::vector<std::string> left;
  {
    std::lock_guard lock(mutex_);
    for (auto it = topics_.begin(); it != topics_.end();) {
      if (it->second.erase(subscriber) > 0) left.push_back(it->first);
      it = it->second.empty() ? topics_.erase(it) : std::next(it);
    }
  }
  for (const std::string& topic : left) {
    if (TopicHandler* handler = HandlerFor(topic)) handler->OnUnsubscribed(topic, subscriber);
  }
}

void Hub::AddTopicHandler(std::shared_ptr<TopicHandler> handler) { handlers_.push_back(std::move(handler)); }

TopicHandler* Hub::HandlerFor(std::string_view topic) const {
  for (const auto& handler : handlers_) {
    if (handler->Handles(topic)) return handler.get();
  }
  return nullptr;
}

Result<void> Hub::HandleMessage(const Principal& principal, const std::string& topic, const boost::json::value& data,
                                const Subscriber* sender) {
  {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end() || !it->second.contains(sender)) {
      return Error::Forbidden("Subscribe to the topic before sending messages to it");
    }
  }
  TopicHandler* handler = HandlerFor(topic);
  if (!handler) return Error::NotFound("This topic takes no messages; only subscribe to it");
  return handler->OnMessage(principal, topic, data, sender);
}

void Hub::SendTo(Subscriber& subscriber, const std::string& topic, const boost::json::value& data) {
  subscriber.Deliver(std::make_shared<const std::string>(
      json::Serialize(boost::json::object{{"type", "event"}, {"topic", topic}, {"data", data}})));
}

size_t Hub::Publish(const std::string& topic, const boost::json::value& data) {
  std::shared_ptr<const Relay> relay;
  {
    std::lock_guard lock(mutex_);
    relay = relay_;
    if (!relay && !topics_.contains(topic)) return 0;  // no subscriber and no relay: skip serializing
  }
  // Serialize once for every subscriber, outside the lock.
  auto message = std::make_shared<const std::string>(
      json::Serialize(boost::json::object{{"type", "event"}, {"topic", topic}, {"data", data}}));
  if (relay) (*relay)(topic, *message);
  return DeliverLocal(topic, message);
}

size_t Hub::DeliverLocal(const std::string& topic, const std::shared_ptr<const std::string>& frame) {
  std::vector<std::shared_ptr<Subscriber>> targets;
  {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) return 0;
    for (const auto& [raw, weak] : it->second) {
      if (auto subscriber = weak.lock()) targets.push_back(std::move(subscriber));
    }
  }
  for (const auto& subscriber : targets) subscriber->Deliver(frame);
  return targets.size();
}

void Hub::SetRelay(Relay relay) {
  std::lock_guard lock(mutex_);
  relay_ = relay ? std::make_shared<const Relay>(std::move(relay)) : nullptr;
}

size_t Hub::DeliverRelayed(const std::string& topic, std::shared_ptr<const std::string> frame) {
  return DeliverLocal(topic, frame);
}

size_t Hub::subscription_count() const {
  std::lock_guard lock(mutex_);
  size_t count = 0;
  for (const auto& [topic, subscribers] : topics_) count += subscribers.size();
  return count;
}

void AddWebSocketRoute(Router& router) {
  router.Add({.method = "GET", .pattern = "/api/ws", .auth = Auth::kNone, .dispatch = Dispatch::kInline,
              .doc = {.summary = "Live events over WebSocket: send {\"type\":\"subscribe\",\"topic\":\"project:<id>:traces\"}; "
                                 "prompt-draft topics also take {\"type\":\"message\",\"topic\",\"data\"}",
                      .tag = "Live",
                      .response_schema = R"({"type":"object","description":"WebSocket frames {type, topic, data}"})",
                      .success_status = 101},
              .handler = [](Request&) -> Result<Response> {
                Response response = Response::Json(
                    boost::json::object{{"detail", "Connect with a WebSocket client (Upgrade: websocket)."}}, 426);
                response.WithHeader("Upgrade", "websocket");
                return response;
              }});
}

}  // namespace tally::http
