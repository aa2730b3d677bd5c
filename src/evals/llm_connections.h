// LLM connections: an OpenAI-compatible chat completions endpoint (base URL,
// default model, API key) that evaluator rules call as their judge.
//
// The API key is sealed with core::SecretBox before it is stored and opened
// only by the job that calls the model. Reads return the last four
// characters of the key ("…abcd"), never the key. Base URLs pass the
// outbound client's URL check (scheme, no credentials, SSRF guard) when they
// are saved and again, with DNS, on every call.
//
// Routes (Tally's own, user token or session, manager role to write):
//   POST   /api/evals/{project_id}/llm-connections         create (409 on a taken name)
//   GET    /api/evals/{project_id}/llm-connections         list
//   DELETE /api/evals/{project_id}/llm-connections/{id}    delete (409 while a rule uses it)
//
// Thread-safety: free functions over the connection they are given; the
// routes share nothing mutable.
#pragma once

#include <boost/json.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "core/secret_box.h"
#include "core/time.h"
#include "http/router.h"
#include "integrations/outbound/client.h"
#include "store/database.h"

namespace tally::evals {

struct LlmConnection {
  std::string id;
  std::string name;
  std::string base_url;  // without a trailing slash; "/chat/completions" is appended
  std::string model;
  std::string api_key_sealed;
  std::string api_key_last4;
  std::chrono::milliseconds timeout{30000};
  Micros created_at = 0;
  Micros updated_at = 0;
};

// nullopt when the project has no connection with that id.
[[nodiscard]] Result<std::optional<LlmConnection>> FindLlmConnection(store::Connection& connection, int64_t project_id,
                                                                     const std::string& id);

// nullopt when the project has no connection of that name. Names are
// unique within a project.
[[nodiscard]] Result<std::optional<LlmConnection>> FindLlmConnectionByName(store::Connection& connection,
                                                                           int64_t project_id, const std::string& name);

// The API object: the key appears only as "…" plus its last four characters.
boost::json::object LlmConnectionJson(const LlmConnection& llm_connection);

// Registers the routes above. Every argument must outlive the router.
void AddLlmConnectionRoutes(http::Router& router, store::Database& database, const core::SecretBox& secret_box,
                            const integrations::OutboundClient& client);

}  // namespace tally::evals
