#include "labeling/presence.h"

#include <fmt/format.h>

#include <charconv>

#include "accounts/account_store.h"
#include "core/log.h"

namespace tally::labeling {

namespace bj = boost::json;

namespace {

constexpr std::string_view kTopicPrefix = "project:";
constexpr std::string_view kStream = ":labeling";

// True for "project:<digits>:labeling".
bool IsLabelingTopic(std::string_view topic) {
  if (!topic.starts_with(kTopicPrefix) || !topic.ends_with(kStream)) return false;
  topic.remove_prefix(kTopicPrefix.size());
  topic.remove_suffix(kStream.size());
  int64_t project_id = 0;
  auto [end, error] = std::from_chars(topic.data(), topic.data() + topic.size(), project_id);
  return !topic.empty() && error == std::errc() && end == topic.data() + topic.size();
}

// "First Last", else the username, else the part of the email before '@'.
std::string DisplayName(const accounts::User& user) {
  std::string name = user.first_name;
  if (!user.last_name.empty()) name += (name.empty() ? "" : " ") + user.last_name;
  if (!name.empty()) return name;
  if (!user.username.empty()) return user.username;
  return user.email.substr(0, user.email.find('@'));
}

}  // namespace

void LabelingPresence::Install(http::Hub& hub, store::Database& database) {
  hub.AddTopicHandler(std::make_shared<LabelingPresence>(hub, [&database](int64_t user_id) -> std::string {
    auto user = database.Read([&](store::Connection& c) { return accounts::FindUserById(c, user_id); });
    if (!user) {
      TALLY_LOG_ERROR("event=labeling_presence_name_failed user_id={} error=\"{}\"", user_id, user.error().message);
      return std::string();
    }
    return *user ? DisplayName(**user) : std::string();
  }));
}

bool LabelingPresence::Handles(std::string_view topic) const { return IsLabelingTopic(topic); }

void LabelingPresence::OnSubscribed(const http::Principal& principal, const std::string& topic,
                                    const std::shared_ptr<http::Subscriber>& subscriber) {
  const int64_t user_id = principal.is_user() ? principal.user_id : 0;
  // The lookup may touch the database, so it runs outside the lock.
  std::string name = user_id ? names_(user_id) : std::string();
  std::string id;
  {
    std::lock_guard lock(mutex_);
    id = fmt::format("p{}", next_participant_++);
    participants_[topic][subscriber.get()] = Participant{id, user_id, std::move(name), std::nullopt};
  }
  hub_.SendTo(*subscriber, topic, bj::object{{"kind", "joined"}, {"participant", id}});
  PublishPresence(topic);
}

void LabelingPresence::OnUnsubscribed(const std::string& topic, const http::Subscriber* subscriber) {
  {
    std::lock_guard lock(mutex_);
    auto it = participants_.find(topic);
    if (it == participants_.end()) return;
    it->second.erase(subscriber);
    if (it->second.empty()) participants_.erase(it);
  }
  PublishPresence(topic);
}

Result<void> LabelingPresence::OnMessage(const http::Principal&, const std::string& topic, const bj::value& data,
                                         const http::Subscriber* sender) {
  const bj::object* message = data.if_object();
  const bj::value* kind = message ? message->if_contains("kind") : nullptr;
  if (!kind || !kind->is_string() || kind->as_string() != "task") {
    return Error::InvalidField("data.kind", "Missing or unknown kind; send \"task\"");
  }
  const bj::value* task = message->if_contains("task");
  if (!task || !(task->is_null() || task->is_int64() || task->is_uint64())) {
    return Error::InvalidField("data.task", "Missing or invalid; send the id of the task shown, or null");
  }
  std::optional<int64_t> task_id;
  if (!task->is_null()) task_id = task->to_number<int64_t>();
  {
    std::lock_guard lock(mutex_);
    auto by_topic = participants_.find(topic);
    if (by_topic == participants_.end()) return Error::Forbidden("Subscribe to the topic first");
    auto it = by_topic->second.find(sender);
    if (it == by_topic->second.end()) return Error::Forbidden("Subscribe to the topic first");
    if (it->second.task_id == task_id) return Ok();
    it->second.task_id = task_id;
  }
  PublishPresence(topic);
  return Ok();
}

void LabelingPresence::PublishPresence(const std::string& topic) {
  bj::array list;
  {
    std::lock_guard lock(mutex_);
    auto it = participants_.find(topic);
    if (it != participants_.end()) {
      for (const auto& [subscriber, participant] : it->second) {
        list.push_back(bj::object{{"participant", participant.id},
                                  {"userId", participant.user_id ? bj::value(participant.user_id) : bj::value(nullptr)},
                                  {"name", participant.name},
                                  {"task", participant.task_id ? bj::value(*participant.task_id) : bj::value(nullptr)}});
      }
    }
  }
  hub_.Publish(topic, bj::object{{"kind", "presence"}, {"participants", std::move(list)}});
}

}  // namespace tally::labeling
