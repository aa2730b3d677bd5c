#include "integrations/webhooks/events.h"

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "integrations/webhooks/webhook_store.h"
#include "jobs/job_queue.h"

namespace tally::integrations::webhooks {

namespace bj = boost::json;

const std::vector<ActionInfo>& Actions() {
  static const std::vector<ActionInfo> actions = {
      {"PROJECT_CREATED", "Project created", "A project was created in the organization.", true},
      {"PROJECT_UPDATED", "Project updated", "A project's settings or label config changed.", false},
      {"PROJECT_DELETED", "Project deleted", "A project was deleted.", true},
      {"TASKS_CREATED", "Task created", "Tasks were created by import or the API.", false},
      {"TASKS_DELETED", "Task deleted", "Tasks were deleted.", false},
      {"ANNOTATION_CREATED", "Annotation created", "An annotation was submitted or a task skipped.", false},
      {"ANNOTATIONS_CREATED", "Annotations created", "Annotations were created in bulk, such as from predictions.",
       false},
      {"ANNOTATION_UPDATED", "Annotation updated", "An annotation was changed.", false},
      {"ANNOTATIONS_DELETED", "Annotation deleted", "Annotations were deleted.", false},
      {"LABEL_LINK_CREATED", "Label link created", "A label was linked to the project.", false},
      {"LABEL_LINK_UPDATED", "Label link updated", "A linked label changed.", false},
      {"LABEL_LINK_DELETED", "Label link deleted", "A label was unlinked from the project.", false},
  };
  return actions;
}

const ActionInfo* FindAction(std::string_view key) {
  for (const ActionInfo& action : Actions()) {
    if (action.key == key) return &action;
  }
  return nullptr;
}

Result<int> EmitEvent(store::Connection& connection, int64_t organization_id, std::optional<int64_t> project_id,
                      std::string_view action, const PayloadBuilder& build_payload) {
  TALLY_ASSIGN_OR_RETURN(receivers, ListReceivers(connection, organization_id, project_id));
  std::erase_if(receivers, [&](const Webhook& webhook) { return !webhook.Subscribes(action); });
  if (receivers.empty()) return 0;

  std::optional<std::string> full_body;
  const std::string bare_body = json::Serialize(bj::object{{"action", action}});
  int enqueued = 0;
  for (const Webhook& webhook : receivers) {
    if (webhook.send_payload && !full_body) {
      TALLY_ASSIGN_OR_RETURN(payload, build_payload());
      bj::object body{{"action", action}};
      for (auto& [key, value] : payload) body[key] = std::move(value);
      full_body = json::Serialize(body);
      if (full_body->size() > kMaxBodyBytes) {
        TALLY_LOG_WARN("event=webhook_payload_omitted action={} organization_id={} bytes={} limit={}", action,
                       organization_id, full_body->size(), kMaxBodyBytes);
        full_body = json::Serialize(bj::object{{"action", action}, {"payload_omitted", "too_large"}});
      }
    }

    const bj::object job_payload{{"webhook_id", webhook.id},
                                 {"delivery_id", NewUuidV7()},
                                 {"action", action},
                                 {"body", webhook.send_payload ? *full_body : bare_body}};
    jobs::EnqueueOptions options;
    // No project_id: a PROJECT_DELETED delivery must outlive its project's
    // rows, which a project_id would cascade-delete.
    options.organization_id = organization_id;
    options.max_attempts = kDeliveryAttempts;
    TALLY_TRY(jobs::JobQueue::EnqueueIn(connection, kDeliverJobKind, job_payload, options));
    ++enqueued;
  }
  return enqueued;
}

}  // namespace tally::integrations::webhooks
