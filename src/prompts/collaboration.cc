#include "prompts/collaboration.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "accounts/project_access.h"
#include "core/crypto.h"
#include "core/log.h"
#include "prompts/draft_store.h"
#include "prompts/prompt_request.h"

namespace tally::prompts {

namespace bj = boost::json;

namespace {

constexpr std::string_view kTopicPrefix = "project:";
constexpr std::string_view kDraftStream = ":prompt-draft:";

struct DraftTopic {
  int64_t project_id = 0;
  std::string name;
};

// "project:<id>:prompt-draft:<name>" split; nullopt for any other topic.
std::optional<DraftTopic> ParseDraftTopic(std::string_view topic) {
  if (!topic.starts_with(kTopicPrefix)) return std::nullopt;
  topic.remove_prefix(kTopicPrefix.size());
  const size_t stream = topic.find(kDraftStream);
  if (stream == std::string_view::npos || stream == 0) return std::nullopt;
  DraftTopic parsed;
  auto [end, error] = std::from_chars(topic.data(), topic.data() + stream, parsed.project_id);
  if (error != std::errc() || end != topic.data() + stream) return std::nullopt;
  parsed.name = std::string(topic.substr(stream + kDraftStream.size()));
  if (parsed.name.empty()) return std::nullopt;
  return parsed;
}

// A base64 text field of `data` that decodes; the error names the field.
Result<std::string> Base64Field(const bj::object& data, std::string_view key) {
  const bj::value* value = data.if_contains(key);
  if (!value || !value->is_string() || value->as_string().empty()) {
    return Error::InvalidField(fmt::format("data.{}", key), "Required: a base64-encoded Yjs update");
  }
  std::string text(value->as_string());
  if (!Base64Decode(text)) return Error::InvalidField(fmt::format("data.{}", key), "is not valid base64");
  return text;
}

// The POST /api/public/v2/prompts body a save stands for, so it goes through
// the same parsing and checks as a version created over HTTP.
bj::object CreateBody(const std::string& name, const bj::object& data) {
  bj::object body{{"name", name}};
  for (std::string_view key : {"prompt", "type", "labels", "tags", "config", "commitMessage"}) {
    if (const bj::value* value = data.if_contains(key)) body[key] = *value;
  }
  return body;
}

}  // namespace

bool DraftCollaboration::Handles(std::string_view topic) const { return ParseDraftTopic(topic).has_value(); }

std::string DraftCollaboration::ParticipantId(const std::string& topic, const http::Subscriber* subscriber) {
  std::lock_guard lock(mutex_);
  auto by_topic = participants_.find(topic);
  if (by_topic == participants_.end()) return std::string();
  auto it = by_topic->second.find(subscriber);
  return it == by_topic->second.end() ? std::string() : it->second.id;
}

void DraftCollaboration::OnSubscribed(const http::Principal& principal, const std::string& topic,
                                      const std::shared_ptr<http::Subscriber>& subscriber) {
  const auto draft = ParseDraftTopic(topic);
  if (!draft) return;

  std::string id;
  {
    std::lock_guard lock(mutex_);
    id = fmt::format("{}-{}", process_id_, next_participant_++);
    participants_[topic][subscriber.get()] = Participant{id, principal.is_user() ? principal.user_id : 0};
  }

  // The joiner catches up from the stored log; updates relayed meanwhile
  // arrive twice at most, which Yjs ignores.
  auto updates = database_.Read([&](store::Connection& c) { return LoadDraftUpdates(c, draft->project_id, draft->name); });
  if (!updates) {
    TALLY_LOG_ERROR("event=prompt_draft_replay_failed project_id={} error=\"{}\" detail=\"{}\"", draft->project_id,
                    updates.error().message, updates.error().detail);
    hub_.SendTo(*subscriber, topic, bj::object{{"kind", "error"}, {"message", "Loading the draft failed; rejoin"}});
  } else {
    bj::array rows;
    for (const DraftUpdate& update : *updates) {
      rows.push_back(bj::object{{"seq", update.seq}, {"update", update.update}});
    }
    hub_.SendTo(*subscriber, topic, bj::object{{"kind", "replay"}, {"participant", id}, {"updates", std::move(rows)}});
  }
  PublishPresence(topic);
}

void DraftCollaboration::OnUnsubscribed(const std::string& topic, const http::Subscriber* subscriber) {
  {
    std::lock_guard lock(mutex_);
    auto it = participants_.find(topic);
    if (it == participants_.end()) return;
    it->second.erase(subscriber);
    if (it->second.empty()) participants_.erase(it);
  }
  PublishPresence(topic);
}

void DraftCollaboration::PublishPresence(const std::string& topic) {
  bj::array list;
  {
    std::lock_guard lock(mutex_);
    auto it = participants_.find(topic);
    if (it != participants_.end()) {
      for (const auto& [subscriber, participant] : it->second) {
        list.push_back(bj::object{{"participant", participant.id},
                                  {"userId", participant.user_id ? bj::value(participant.user_id) : bj::value(nullptr)},
                                  {"kind", participant.user_id ? "user" : "api_key"}});
      }
    }
  }
  hub_.Publish(topic, bj::object{{"kind", "presence"}, {"participants", std::move(list)}});
}

Result<void> DraftCollaboration::OnMessage(const http::Principal& principal, const std::string& topic,
                                           const bj::value& data, const http::Subscriber* sender) {
  const auto draft = ParseDraftTopic(topic);
  if (!draft) return Error::NotFound("Not a prompt draft topic");
  const bj::object* message = data.if_object();
  const bj::value* kind = message ? message->if_contains("kind") : nullptr;
  if (!kind || !kind->is_string()) {
    return Error::InvalidField("data.kind", "Required: \"update\" or \"save\"");
  }
  const std::string from = ParticipantId(topic, sender);
  if (kind->as_string() == "update") return RelayUpdate(topic, draft->project_id, draft->name, *message, from);
  if (kind->as_string() == "save") return Save(principal, topic, draft->project_id, draft->name, *message, from);
  return Error::InvalidField("data.kind", "Unknown kind; use \"update\" or \"save\"");
}

Result<void> DraftCollaboration::RelayUpdate(const std::string& topic, int64_t project_id, const std::string& name,
                                             const bj::object& data, const std::string& from) {
  TALLY_ASSIGN_OR_RETURN(update, Base64Field(data, "update"));
  const Micros now = NowMicros();
  TALLY_ASSIGN_OR_RETURN(seq, database_.Write([&](store::Connection& c) {
    return AppendDraftUpdate(c, project_id, name, update, now);
  }));
  // After commit, so a joiner's replay and the relay never disagree on a seq.
  hub_.Publish(topic, bj::object{{"kind", "update"}, {"seq", seq}, {"update", update}, {"from", from}});
  return Ok();
}

Result<void> DraftCollaboration::Save(const http::Principal& principal, const std::string& topic, int64_t project_id,
                                      const std::string& name, const bj::object& data, const std::string& from) {
  // Saving publishes a version, possibly under a label such as production
  // that applications fetch. Over HTTP that takes the project's key pair,
  // which only managers may create, so a user needs that role here too.
  // Following and editing the draft needs only membership (the topic check).
  if (principal.is_user()) {
    TALLY_TRY(database_.Read([&](store::Connection& c) -> Result<void> {
      TALLY_TRY(accounts::AuthorizeProject(c, principal, project_id, accounts::Role::kManager));
      return Ok();
    }));
  }
  TALLY_ASSIGN_OR_RETURN(snapshot, Base64Field(data, "snapshot"));
  const bj::value* seen = data.if_contains("seen");
  if (!seen || !seen->is_int64() || seen->as_int64() < 0) {
    return Error::InvalidField("data.seen", "Required: the highest seq up to which every update was applied");
  }
  TALLY_ASSIGN_OR_RETURN(new_version, ParseNewPromptVersion(bj::serialize(CreateBody(name, data))));
  // Checked before the version is created, so a save that cannot compact
  // creates nothing. The log only grows until the compaction below.
  TALLY_ASSIGN_OR_RETURN(last_seq, database_.Read([&](store::Connection& c) {
    return LastDraftSeq(c, project_id, name);
  }));
  if (seen->as_int64() > last_seq) {
    return Error::InvalidField("data.seen", "is beyond the draft's last update; send the highest seq you applied");
  }
  // A key pair's public key is not part of the Principal, so the audit
  // names key-pair saves over WebSocket "unknown", as the HTTP routes do when
  // they cannot read it.
  const Actor actor = principal.is_user() ? Actor{Actor::Kind::kUser, std::to_string(principal.user_id)}
                                          : Actor{Actor::Kind::kApiKey, "unknown"};

  // The version first, through the normal path; the log is compacted only
  // once the version is committed, so a failed save keeps every update.
  TALLY_ASSIGN_OR_RETURN(created, service_->Create(project_id, new_version, actor));
  const Micros now = NowMicros();
  TALLY_ASSIGN_OR_RETURN(removed, database_.Write([&](store::Connection& c) {
    return CompactDraft(c, project_id, name, snapshot, seen->as_int64(), now);
  }));
  TALLY_LOG_INFO("event=prompt_draft_saved project_id={} prompt_id={} version={} compacted_rows={}", project_id,
                 created.id, created.version, removed);
  hub_.Publish(topic, bj::object{{"kind", "saved"}, {"version", created.version}, {"promptId", created.id}, {"from", from}});
  return Ok();
}

}  // namespace tally::prompts
