// Who is labeling a project right now, live over the WebSocket hub.
//
// Topic: "project:<id>:labeling", guarded like every project topic
// (accounts::ProjectTopicCheck). The labeling screen subscribes while it is
// open and sends the id of the task it shows. Everyone on the topic receives
// the list.
//
// Protocol, inside the hub's frames:
//   on subscribe, to the joiner only: {"kind":"joined","participant":"<id>"}
//   to everyone when someone joins, leaves or moves to another task:
//     {"kind":"presence","participants":[{"participant","userId","name","task"}…]}
//     (`task` is a task id or null; `name` is the user's display name, empty
//     for a key pair)
//   client {"kind":"task","task":<task id or null>}: the task the sender shows.
//
// Presence is kept in memory only, so a restart empties it until the
// screens reconnect. NOTE: with several processes each process publishes
// the participants connected to it only, as the prompt draft channel does.
//
// Thread-safety: every method is safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "http/hub.h"
#include "store/database.h"

namespace tally::labeling {

class LabelingPresence final : public http::TopicHandler {
 public:
  // Display name of a user id, shown to the other participants.
  using NameLookup = std::function<std::string(int64_t user_id)>;

  // Borrows `hub`, which must outlive this.
  LabelingPresence(http::Hub& hub, NameLookup names) : hub_(hub), names_(std::move(names)) {}

  // Registers a presence handler whose names come from the users table.
  static void Install(http::Hub& hub, store::Database& database);

  bool Handles(std::string_view topic) const override;
  void OnSubscribed(const http::Principal& principal, const std::string& topic,
                    const std::shared_ptr<http::Subscriber>& subscriber) override;
  void OnUnsubscribed(const std::string& topic, const http::Subscriber* subscriber) override;
  [[nodiscard]] Result<void> OnMessage(const http::Principal& principal, const std::string& topic,
                                       const boost::json::value& data, const http::Subscriber* sender) override;

 private:
  struct Participant {
    std::string id;  // unique per connection and topic within this process
    int64_t user_id = 0;  // 0 for a key pair
    std::string name;
    std::optional<int64_t> task_id;
  };

  void PublishPresence(const std::string& topic);

  http::Hub& hub_;
  NameLookup names_;

  std::mutex mutex_;  // guards the members below
  int64_t next_participant_ = 1;
  std::map<std::string, std::map<const http::Subscriber*, Participant>> participants_;  // by topic
};

}  // namespace tally::labeling
