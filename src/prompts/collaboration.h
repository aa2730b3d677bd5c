// Live co-editing of a prompt's draft over the WebSocket hub, with Yjs on
// the clients. The server relays and stores opaque Yjs updates and never
// decodes them: Yjs merges updates in any order and ignores repeats, so
// relaying every update to every participant makes all copies converge.
//
// Topic: "project:<id>:prompt-draft:<prompt name>", one draft per name,
// guarded like every project topic (accounts::ProjectTopicCheck).
//
// Protocol, inside the hub's frames ({"type":"message","topic","data"} from
// a client, {"type":"event","topic","data"} from the server):
//   on subscribe, to the joiner only:
//     {"kind":"replay","participant":"<id>","updates":[{"seq","update"}…]}
//   to everyone when someone joins or leaves:
//     {"kind":"presence","participants":[{"participant","userId","kind"}…]}
//   client {"kind":"update","update":"<base64 Yjs update>"}
//     → everyone, sender included: {"kind":"update","seq","update","from"}
//   client {"kind":"save","prompt":…,"snapshot":"<base64 full state>",
//           "seen":n,"type"?,"labels"?,"config"?,"commitMessage"?}
//     → a new prompt version through PromptService::Create (the same checks
//       as POST /api/public/v2/prompts), then the log rows up to `seen` are
//       replaced by the snapshot, then everyone gets
//       {"kind":"saved","version","promptId","from"}. Only a key pair or a
//       user with at least the manager role may save; others get an error.
// `seen` must be the highest seq up to which the client applied every update
// (the replay's last seq, then each consecutive relayed seq), so compaction
// never drops an update the snapshot lacks. Two saves at once create two
// versions; each keeps whatever its client had merged.
//
// Limits: a frame is at most 64 KiB (websocket_session.h), so a snapshot of
// a draft larger than that cannot be saved from the client.
//
// Several processes sharing PostgreSQL: updates, saves and presence lists
// are published on the hub, which relays them (app/hub_relay.h), but each
// process publishes the participants connected to it only.
// NOTE: presence therefore lists only the editors on the same process. An
// update over the relay's 8000-byte limit reaches editors on other
// processes only when they rejoin and get the replay.
//
// Thread-safety: every method is safe from any thread.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/crypto.h"
#include "http/hub.h"
#include "prompts/prompt_service.h"
#include "store/database.h"

namespace tally::prompts {

class DraftCollaboration final : public http::TopicHandler {
 public:
  // Borrows `hub` and `database`, which must outlive this; shares `service`
  // with the HTTP routes so saved versions drop the same read cache.
  DraftCollaboration(http::Hub& hub, store::Database& database, std::shared_ptr<PromptService> service)
      : hub_(hub), database_(database), service_(std::move(service)), process_id_(RandomHex(4)) {}

  bool Handles(std::string_view topic) const override;
  void OnSubscribed(const http::Principal& principal, const std::string& topic,
                    const std::shared_ptr<http::Subscriber>& subscriber) override;
  void OnUnsubscribed(const std::string& topic, const http::Subscriber* subscriber) override;
  [[nodiscard]] Result<void> OnMessage(const http::Principal& principal, const std::string& topic,
                                       const boost::json::value& data, const http::Subscriber* sender) override;

 private:
  struct Participant {
    std::string id;  // "<process id>-<number>", shown to the others
    int64_t user_id = 0;  // 0 for a key pair
  };

  Result<void> RelayUpdate(const std::string& topic, int64_t project_id, const std::string& name,
                           const boost::json::object& data, const std::string& from);
  Result<void> Save(const http::Principal& principal, const std::string& topic, int64_t project_id,
                    const std::string& name, const boost::json::object& data, const std::string& from);
  void PublishPresence(const std::string& topic);
  std::string ParticipantId(const std::string& topic, const http::Subscriber* subscriber);

  http::Hub& hub_;
  store::Database& database_;
  std::shared_ptr<PromptService> service_;
  const std::string process_id_;  // 32 random bits, so ids of two processes are unlikely to collide

  std::mutex mutex_;  // guards the members below
  int64_t next_participant_ = 1;
  std::map<std::string, std::map<const http::Subscriber*, Participant>> participants_;  // by topic
};

}  // namespace tally::prompts
