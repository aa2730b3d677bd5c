// HTTP routes of the Langfuse-compatible tracing API under /api/public:
//   POST   /ingestion                      batch of events, 207 with per-event results
//   POST   /traces, /events; POST/PATCH /spans, /generations
//                                          one event each (legacy), {"id"} or its error
//   POST   /otel/v1/traces                 OTLP/HTTP spans (protobuf or JSON, gzip)
//   GET    /traces, /traces/{traceId}      DELETE /traces, /traces/{traceId}
//   GET    /observations, /observations/{id}, /v2/observations
//   GET    /sessions, /sessions/{sessionId}
//   POST   /scores; GET /scores, /v2/scores, /v3/scores, /scores/{id},
//          /v2/scores/{id}; DELETE /scores/{id}
//   GET/POST /score-configs, GET/PATCH /score-configs/{configId}
//   GET/POST /models, GET/DELETE /models/{id}
//   POST   /comments; GET /comments, /comments/{commentId}
//
// All routes need a project key pair (Basic), except ingestion and score
// creation, which also take a public key alone (Bearer) for scores. Comment
// creation is open to every member of the project, but not to a public key. Every
// query is scoped to the key's project; another project's objects are 404.
//
// Every write route publishes the traces, observations and scores it wrote
// on `hub` after commit (see live.h); a null hub publishes nothing.
//
// Thread-safety: register before the server starts; handlers only use the
// Database and the Hub, which are safe from any thread.
#pragma once

#include "http/hub.h"
#include "http/router.h"
#include "store/database.h"

namespace tally::tracing {

// Registers every route above. `database` and `hub` must outlive the router.
void AddTracingRoutes(http::Router& router, store::Database& database, http::Hub* hub = nullptr);

// Parts of AddTracingRoutes, one per file.
void AddIngestionRoutes(http::Router& router, store::Database& database, http::Hub* hub);
void AddTraceRoutes(http::Router& router, store::Database& database);
void AddScoreRoutes(http::Router& router, store::Database& database);
void AddModelRoutes(http::Router& router, store::Database& database);
void AddCommentRoutes(http::Router& router, store::Database& database);
void AddOtelRoutes(http::Router& router, store::Database& database, http::Hub* hub);

}  // namespace tally::tracing
