// JSON forms of prompt versions, list entries and audit entries, with the
// field names the Langfuse SDKs read. Datetimes are ISO 8601 UTC with
// milliseconds; projectId is the project id as a string.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/object.hpp>

#include <optional>

#include "prompts/prompt_store.h"

namespace tally::prompts {

// The prompt object of the v2 API. `isActive` is null after a create, as in
// Langfuse, and otherwise whether the version carries `production`.
// `resolution_graph` is the graph of embedded prompts, or null.
boost::json::object PromptVersionJson(const PromptVersion& version, bool after_create,
                                      const boost::json::value& resolution_graph = nullptr);

// One entry of GET /api/public/v2/prompts.
boost::json::object PromptSummaryJson(const PromptSummary& summary);

boost::json::object AuditEntryJson(const AuditEntry& entry);

}  // namespace tally::prompts
