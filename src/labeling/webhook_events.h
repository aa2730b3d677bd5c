// Labeling's webhook events: builds Label Studio's event payloads (project,
// task and annotation objects as the API renders them) and hands them to
// webhooks::EmitEvent inside the caller's write transaction, so an event is
// queued exactly when the change it reports commits.
//
// Payloads are built only when some active webhook receives them, so a
// project without webhooks pays one indexed query per write.
//
// Thread-safety: reentrant.
// REQUIRES: every function runs inside a write transaction on `connection`.
#pragma once

#include <string_view>
#include <vector>

#include "core/result.h"
#include "labeling/annotation_store.h"
#include "labeling/project_store.h"

namespace tally::labeling {

// Tasks per TASKS_CREATED event: larger imports send several events, so
// each body stays well under the webhook body limit.
inline constexpr size_t kTasksPerWebhookEvent = 100;

// PROJECT_CREATED or PROJECT_UPDATED with {"project": <project>}.
[[nodiscard]] Result<void> EmitProjectEvent(Connection& connection, const Project& project, std::string_view action);

// PROJECT_DELETED with {"project": {"id"}}; call before the rows go, because
// project webhooks are deleted with the project and only organization
// webhooks receive this action.
[[nodiscard]] Result<void> EmitProjectDeleted(Connection& connection, const Project& project);

// TASKS_CREATED with {"tasks": [<task>…], "project"}, one event per
// kTasksPerWebhookEvent tasks.
[[nodiscard]] Result<void> EmitTasksCreated(Connection& connection, const Project& project,
                                            const std::vector<int64_t>& task_ids);

// TASKS_DELETED with {"tasks": [{"id"}…], "project"}.
[[nodiscard]] Result<void> EmitTasksDeleted(Connection& connection, const Project& project,
                                            const std::vector<int64_t>& task_ids);

// ANNOTATION_CREATED or ANNOTATION_UPDATED with {"annotation", "task", "project"}.
[[nodiscard]] Result<void> EmitAnnotationEvent(Connection& connection, const Project& project,
                                               std::string_view action, const Annotation& annotation);

// ANNOTATIONS_CREATED with {"annotation": [<annotation>…], "task":
// [<task>…], "project"}. The singular key "annotation" contains a list,
// as in Label Studio's payload. Tasks are rendered as they are when
// this runs, so call it after their counters are updated. `annotations`
// must be grouped by task.
// NOTE: unlike TASKS_CREATED this is one event however many annotations
// there are, as in Label Studio. A body over webhooks::kMaxBodyBytes
// (roughly several hundred annotations, fewer with large results) is sent
// without its payload.
[[nodiscard]] Result<void> EmitAnnotationsCreated(Connection& connection, const Project& project,
                                                  const std::vector<Annotation>& annotations);

// ANNOTATIONS_DELETED with {"annotations": [{"id"}…], "project"}.
[[nodiscard]] Result<void> EmitAnnotationsDeleted(Connection& connection, const Project& project,
                                                  const std::vector<int64_t>& annotation_ids);

// Whether any active webhook receives `action` for the project; lets callers
// skip collecting ids for events no webhook receives.
[[nodiscard]] Result<bool> HasWebhookReceivers(Connection& connection, const Project& project, std::string_view action);

}  // namespace tally::labeling
