// HTTP routes of the integrations subsystem:
//   /api/webhooks…, /api/webhooks/info, …/{id}/test, …/{id}/deliveries  (webhooks/routes.cc)
//   /api/ml…                                                             (ml_backends/routes.cc)
//   /api/storages…, /tasks/{id}/resolve, /data/local-files               (storages/routes.cc)
//
// Roles: managers and up of the active organization create, read and change
// webhooks and ML backends; annotators may read ML backends of their projects.
#pragma once

#include "core/secret_box.h"
#include "http/router.h"
#include "integrations/ml_backends/ml_service.h"
#include "integrations/outbound/client.h"
#include "integrations/storages/storage_service.h"
#include "integrations/webhooks/delivery.h"
#include "store/database.h"

namespace tally::integrations {

// Everything the integration routes share. Handlers keep a copy of this
// struct, so the referenced objects, not the struct, must outlive the router.
struct IntegrationsContext {
  store::Database& database;
  const core::SecretBox& secret_box;
  const OutboundClient& client;
  const webhooks::WebhookSender& webhook_sender;
  ml::MlService& ml_service;
  storages::StorageService* storage_service = nullptr;  // required by AddStorageRoutes only
};

void AddWebhookRoutes(http::Router& router, const IntegrationsContext& context);
void AddMlBackendRoutes(http::Router& router, const IntegrationsContext& context);
// REQUIRES: context.storage_service is set.
void AddStorageRoutes(http::Router& router, const IntegrationsContext& context);

// Connects labeling's ML hooks (pre-annotation on /next, the data manager's
// retrieve_tasks_predictions) to `service`, which must outlive every request.
void InstallMlHooks(ml::MlService& service);

// Connects labeling's storage hooks (export of annotations as they are
// written, URI resolution when tasks are read) to `service`, which must
// outlive every request.
void InstallStorageHooks(storages::StorageService& service);

}  // namespace tally::integrations
