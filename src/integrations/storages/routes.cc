// Storages: /api/storages… (source) and /api/storages/export… (target) in
// Label Studio's shape, the cloud URI proxy /tasks/{id}/resolve/ and local
// files at /data/local-files/. Both file routes honour one byte range
// (Range: bytes=…), which media elements need to seek.
//
// Credential fields are write-only: responses carry them as null beside a
// "<field>_is_set" flag, and error messages never include them.
#include <boost/json.hpp>
#include <fmt/format.h>

#include <charconv>

#include "core/crypto.h"
#include "core/json.h"
#include "core/log.h"
#include "core/time.h"
#include "http/byte_range.h"
#include "integrations/routes.h"
#include "integrations/storages/local_store.h"
#include "integrations/storages/storage_service.h"
#include "integrations/storages/storage_store.h"
#include "labeling/route_support.h"

namespace tally::integrations {

namespace bj = boost::json;
using http::Auth;
using http::Request;
using http::Response;
using storages::Storage;
using storages::StorageService;
using storages::StorageSettings;
using store::Connection;

namespace {

constexpr const char* kStorageSchema = R"({"type":"object","properties":{"id":{"type":"integer"},
  "type":{"type":"string","enum":["s3","gcs","azure","localfiles"]},"project":{"type":"integer"},
  "title":{"type":"string"},"description":{"type":"string"},"status":{"type":"string",
  "enum":["initialized","queued","in_progress","failed","completed","completed_with_errors"]},
  "traceback":{"type":["string","null"]},"meta":{"type":"object"},"last_sync":{"type":["string","null"]},
  "last_sync_count":{"type":["integer","null"]},"last_sync_job":{"type":["integer","null"]},
  "regex_filter":{"type":["string","null"]},"use_blob_urls":{"type":"boolean"},"presign":{"type":"boolean"},
  "presign_ttl":{"type":"integer","description":"minutes"},"recursive_scan":{"type":"boolean"}}})";

constexpr const char* kStorageWriteSchema = R"({"type":"object","properties":{"project":{"type":"integer"},
  "title":{"type":"string"},"bucket":{"type":"string"},"container":{"type":"string"},"prefix":{"type":"string"},
  "path":{"type":"string"},"regex_filter":{"type":"string"},"use_blob_urls":{"type":"boolean"},
  "presign":{"type":"boolean"},"presign_ttl":{"type":"integer"},"recursive_scan":{"type":"boolean"},
  "s3_endpoint":{"type":"string"},"region_name":{"type":"string"},
  "aws_access_key_id":{"type":"string","description":"stored sealed, never returned"},
  "aws_secret_access_key":{"type":"string","description":"stored sealed, never returned"},
  "account_name":{"type":"string"},"account_key":{"type":"string","description":"stored sealed, never returned"},
  "can_delete_objects":{"type":"boolean"}}})";

bj::value OptionalTime(const std::optional<Micros>& time) {
  return time ? bj::value(FormatIsoMicros(*time)) : bj::value(nullptr);
}

bj::object StorageJson(const Storage& storage) {
  bj::object out;
  out["id"] = storage.id;
  out["type"] = storage.settings.type;
  out["project"] = storage.project_id;
  out["title"] = storage.settings.String("title");
  out["description"] = storage.settings.String("description");
  out["regex_filter"] = nullptr;
  out["use_blob_urls"] = false;
  out["recursive_scan"] = false;
  if (storage.settings.type != "localfiles") {
    out["prefix"] = "";
    out["presign"] = true;
    out["presign_ttl"] = 1;
  }
  if (storage.role == storages::kExportRole) out["can_delete_objects"] = false;
  for (const auto& [key, value] : storage.settings.fields) out[key] = value;
  // Each credential field shows as null beside a <field>_is_set flag. The
  // names of the set fields are kept in meta.credentials_set, which is not returned.
  bj::object set;
  if (storage.credentials_sealed) {
    if (const bj::value* names = storage.meta.if_contains("credentials_set"); names && names->is_array()) {
      for (const auto& name : names->as_array()) {
        if (name.is_string()) set[name.as_string()] = true;
      }
    }
  }
  for (const std::string& name : storages::SecretFieldsOf(storage.settings.type)) {
    out[name] = nullptr;
    out[name + "_is_set"] = set.contains(name);
  }
  out["synchronizable"] = true;
  out["status"] = storage.status;
  out["traceback"] = storage.traceback ? bj::value(*storage.traceback) : bj::value(nullptr);
  bj::object meta = storage.meta;
  meta.erase("credentials_set");
  out["meta"] = std::move(meta);
  out["last_sync"] = OptionalTime(storage.last_sync);
  out["last_sync_count"] = storage.last_sync_count ? bj::value(*storage.last_sync_count) : bj::value(nullptr);
  out["last_sync_job"] = storage.last_sync_job ? bj::value(*storage.last_sync_job) : bj::value(nullptr);
  out["created_at"] = FormatIsoMicros(storage.created_at);
  out["updated_at"] = FormatIsoMicros(storage.updated_at);
  return out;
}

Result<std::string> TypeParam(const Request& request) {
  const std::string type = request.path_params.at("type");
  if (!storages::IsStorageType(type)) {
    return Error::NotFound(fmt::format("Unknown storage type \"{}\"; use s3, gcs, azure or localfiles.", type));
  }
  return type;
}

// The storage with this id, type and role when the caller has `minimum` on its project.
Result<Storage> AuthorizedStorage(Connection& c, const http::Principal& principal, int64_t storage_id,
                                  std::string_view type, std::string_view role, accounts::Role minimum) {
  TALLY_ASSIGN_OR_RETURN(storage, storages::FindStorage(c, storage_id));
  if (!storage || storage->settings.type != type || storage->role != role) return Error::NotFound("Not found.");
  TALLY_TRY(labeling::AuthorizedProject(c, principal, storage->project_id, minimum));
  return std::move(*storage);
}

// Seals the credentials of `settings` into `storage`, and records which
// fields are set (names only) for the *_is_set flags.
Result<void> SealCredentials(const core::SecretBox& box, const StorageSettings& settings, Storage& storage) {
  bj::array names;
  for (const auto& [key, value] : settings.credentials) names.push_back(bj::string(key));
  storage.meta["credentials_set"] = std::move(names);
  if (settings.credentials.empty()) {
    storage.credentials_sealed.reset();
    return Ok();
  }
  TALLY_ASSIGN_OR_RETURN(sealed, box.Seal(json::Serialize(settings.credentials)));
  storage.credentials_sealed = std::move(sealed);
  return Ok();
}

// Checks settings as saving them would: the fields, then what opening the
// store checks without any request (endpoint URL and SSRF guard, credential
// pairs, the local path under TALLY_LOCAL_FILES_ROOT).
Result<void> CheckForSave(const StorageService& service, const StorageSettings& settings) {
  TALLY_TRY(storages::CheckSettings(settings));
  TALLY_TRY(service.OpenStore(settings));
  return Ok();
}

// Connects with the settings and lists one page. A failure becomes a 400
// naming the storage, as Label Studio's validate endpoint returns.
Result<void> ValidateConnection(const StorageService& service, const StorageSettings& settings) {
  TALLY_TRY(CheckForSave(service, settings));
  TALLY_ASSIGN_OR_RETURN(store, service.OpenStore(settings));
  auto checked = store->Check();
  if (!checked) {
    if (checked.error().Is(Errc::kInvalidArgument) && !checked.error().fields.empty()) return checked.error();
    return Error::Invalid(checked.error().message);
  }
  return Ok();
}

void AddStorageRoleRoutes(http::Router& router, const IntegrationsContext& context, std::string_view role) {
  store::Database& db = context.database;
  StorageService& service = *context.storage_service;
  const std::string role_name(role);
  const bool is_export = role == storages::kExportRole;
  const std::string base = is_export ? "/api/storages/export" : "/api/storages";
  const std::string noun = is_export ? "target storage" : "source storage";

  router.Add({.method = "GET", .pattern = base, .auth = Auth::kUser,
              .doc = {.summary = fmt::format("Every {} of a project", noun), .tag = "Storages",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})", .query = {"project"}},
              .handler = [&db, role_name](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(project_id, labeling::QueryInt(request, "project"));
                if (!project_id) return Error::InvalidField("project", "This field is required.");
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_TRY(labeling::AuthorizedProject(c, request.principal, *project_id, labeling::kReadRole));
                  TALLY_ASSIGN_OR_RETURN(listed, storages::ListStorages(c, *project_id, role_name));
                  bj::array items;
                  for (const Storage& storage : listed) items.push_back(StorageJson(storage));
                  return Response::Json(items);
                });
              }});

  router.Add({.method = "GET", .pattern = base + "/types", .auth = Auth::kUser,
              .doc = {.summary = "Storage types: [{name, title}]", .tag = "Storages",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})"},
              .handler = [](Request&) -> Result<Response> {
                bj::array types;
                for (const auto& [name, title] : storages::kStorageTypes) {
                  types.push_back(bj::object{{"name", name}, {"title", title}});
                }
                return Response::Json(types);
              }});

  router.Add({.method = "GET", .pattern = base + "/{type}", .auth = Auth::kUser,
              .doc = {.summary = fmt::format("The {}s of one type of a project", noun), .tag = "Storages",
                      .response_schema = R"({"type":"array","items":{"type":"object"}})", .query = {"project"}},
              .handler = [&db, role_name](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(type, TypeParam(request));
                TALLY_ASSIGN_OR_RETURN(project_id, labeling::QueryInt(request, "project"));
                if (!project_id) return Error::InvalidField("project", "This field is required.");
                return db.Read([&](Connection& c) -> Result<Response> {
                  TALLY_TRY(labeling::AuthorizedProject(c, request.principal, *project_id, labeling::kReadRole));
                  TALLY_ASSIGN_OR_RETURN(listed, storages::ListStorages(c, *project_id, role_name, type));
                  bj::array items;
                  for (const Storage& storage : listed) items.push_back(StorageJson(storage));
                  return Response::Json(items);
                });
              }});

  router.Add({.method = "POST", .pattern = base + "/{type}", .auth = Auth::kUser,
              .doc = {.summary = is_export ? "Add a target storage and export every annotation to it (managers)"
                                           : "Add a source storage; it is not synced until asked (managers)",
                      .tag = "Storages", .request_schema = kStorageWriteSchema, .response_schema = kStorageSchema,
                      .success_status = 201},
              .handler = [&db, &service, role_name, is_export](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(type, TypeParam(request));
                TALLY_ASSIGN_OR_RETURN(body, labeling::ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(project_id, json::OptionalInt(body, "project"));
                if (!project_id) return Error::InvalidField("project", "This field is required.");
                StorageSettings settings;
                settings.type = type;
                TALLY_TRY(storages::ApplySettingsFields(body, settings));
                TALLY_TRY(CheckForSave(service, settings));
                Storage storage;
                storage.project_id = *project_id;
                storage.role = role_name;
                TALLY_TRY(SealCredentials(service.secret_box(), settings, storage));
                settings.credentials.clear();
                storage.settings = std::move(settings);
                TALLY_ASSIGN_OR_RETURN(stored, db.Write([&](Connection& c) -> Result<Storage> {
                  TALLY_ASSIGN_OR_RETURN(project, labeling::AuthorizedProject(c, request.principal, *project_id,
                                                                              labeling::kManageRole));
                  TALLY_ASSIGN_OR_RETURN(inserted, storages::InsertStorage(c, std::move(storage)));
                  // Label Studio syncs a new target storage at once
                  // (SYNC_ON_TARGET_STORAGE_CREATION, on by default).
                  if (is_export) {
                    TALLY_TRY(StorageService::EnqueueSync(c, inserted, project.organization_id,
                                                          request.principal.user_id));
                  }
                  return inserted;
                }));
                TALLY_LOG_INFO("event=storage_created storage_id={} project_id={} type={} role={} by_user_id={}",
                               stored.id, stored.project_id, type, role_name, request.principal.user_id);
                return Response::Json(StorageJson(stored), 201);
              }});

  router.Add({.method = "POST", .pattern = base + "/{type}/validate", .auth = Auth::kUser,
              .doc = {.summary = "Check credentials and bucket with these fields (id: on top of a saved storage)",
                      .tag = "Storages", .request_schema = kStorageWriteSchema,
                      .response_schema = R"({"type":"object"})"},
              .handler = [&db, &service, role_name](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(type, TypeParam(request));
                TALLY_ASSIGN_OR_RETURN(body, labeling::ParseJsonObjectBody(request));
                TALLY_ASSIGN_OR_RETURN(storage_id, json::OptionalInt(body, "id"));
                TALLY_ASSIGN_OR_RETURN(project_id, json::OptionalInt(body, "project"));
                StorageSettings settings;
                settings.type = type;
                if (storage_id) {
                  TALLY_ASSIGN_OR_RETURN(existing, db.Read([&](Connection& c) {
                    return AuthorizedStorage(c, request.principal, *storage_id, type, role_name, labeling::kManageRole);
                  }));
                  TALLY_ASSIGN_OR_RETURN(opened, service.OpenSettings(existing));
                  settings = std::move(opened);
                } else if (project_id) {
                  TALLY_TRY(db.Read([&](Connection& c) -> Result<void> {
                    TALLY_TRY(labeling::AuthorizedProject(c, request.principal, *project_id, labeling::kManageRole));
                    return Ok();
                  }));
                } else {
                  return Error::InvalidField("project", "Missing: send project, or the id of a saved storage.");
                }
                TALLY_TRY(storages::ApplySettingsFields(body, settings));
                TALLY_TRY(ValidateConnection(service, settings));
                return Response::Json(bj::object());
              }});

  const std::string one = base + "/{type}/{id:int}";
  router.Add({.method = "GET", .pattern = one, .auth = Auth::kUser,
              .doc = {.summary = fmt::format("One {}", noun), .tag = "Storages", .response_schema = kStorageSchema},
              .handler = [&db, role_name](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(type, TypeParam(request));
                TALLY_ASSIGN_OR_RETURN(storage_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(storage, db.Read([&](Connection& c) {
                  return AuthorizedStorage(c, request.principal, storage_id, type, role_name, labeling::kReadRole);
                }));
                return Response::Json(StorageJson(storage));
              }});

  router.Add({.method = "PATCH", .pattern = one, .auth = Auth::kUser,
              .doc = {.summary = fmt::format("Change a {}; credentials not sent stay as they are (managers)", noun),
                      .tag = "Storages", .request_schema = kStorageWriteSchema, .response_schema = kStorageSchema},
              .handler = [&db, &service, role_name](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(type, TypeParam(request));
                TALLY_ASSIGN_OR_RETURN(storage_id, request.IdParam("id"));
                TALLY_ASSIGN_OR_RETURN(body, labeling::ParseJsonObjectBody(request));
                if (const bj::value* project = body.if_contains("project");
                    project && !(project->is_int64() && project->as_int64() > 0)) {
                  return Error::InvalidField("project", "A storage cannot move to another project.");
                }
                TALLY_ASSIGN_OR_RETURN(updated, db.Write([&](Connection& c) -> Result<Storage> {
                  TALLY_ASSIGN_OR_RETURN(storage, AuthorizedStorage(c, request.principal, storage_id, type, role_name,
                                                                    labeling::kManageRole));
                  if (const bj::value* project = body.if_contains("project");
                      project && project->as_int64() != storage.project_id) {
                    return Error::InvalidField("project", "A storage cannot move to another project.");
                  }
                  TALLY_ASSIGN_OR_RETURN(settings, service.OpenSettings(storage));
                  TALLY_TRY(storages::ApplySettingsFields(body, settings));
                  TALLY_TRY(CheckForSave(service, settings));
                  TALLY_TRY(SealCredentials(service.secret_box(), settings, storage));
                  settings.credentials.clear();
                  storage.settings = std::move(settings);
                  TALLY_TRY(storages::UpdateStorageSettings(c, storage));
                  TALLY_TRY(storages::UpdateStorageState(c, storage));  // meta.credentials_set
                  return storage;
                }));
                TALLY_LOG_INFO("event=storage_updated storage_id={} by_user_id={}", storage_id,
                               request.principal.user_id);
                return Response::Json(StorageJson(updated));
              }});

  router.Add({.method = "DELETE", .pattern = one, .auth = Auth::kUser,
              .doc = {.summary = fmt::format("Remove a {}; its tasks and objects stay (managers)", noun),
                      .tag = "Storages", .success_status = 204},
              .handler = [&db, role_name](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(type, TypeParam(request));
                TALLY_ASSIGN_OR_RETURN(storage_id, request.IdParam("id"));
                TALLY_TRY(db.Write([&](Connection& c) -> Result<void> {
                  TALLY_TRY(AuthorizedStorage(c, request.principal, storage_id, type, role_name, labeling::kManageRole));
                  return storages::DeleteStorage(c, storage_id);
                }));
                TALLY_LOG_INFO("event=storage_deleted storage_id={} by_user_id={}", storage_id,
                               request.principal.user_id);
                return Response::NoContent();
              }});

  router.Add({.method = "POST", .pattern = one + "/sync", .auth = Auth::kUser,
              .doc = {.summary = is_export ? "Write every annotation of the project to the storage, as a job"
                                           : "Create tasks from objects not imported before, as a job",
                      .tag = "Storages", .response_schema = kStorageSchema},
              .handler = [&db, &service, role_name](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(type, TypeParam(request));
                TALLY_ASSIGN_OR_RETURN(storage_id, request.IdParam("id"));
                TALLY_TRY(db.Read([&](Connection& c) -> Result<void> {
                  TALLY_TRY(AuthorizedStorage(c, request.principal, storage_id, type, role_name, labeling::kManageRole));
                  return Ok();
                }));
                TALLY_TRY(service.ReleaseStaleSync(storage_id));
                TALLY_ASSIGN_OR_RETURN(storage, db.Write([&](Connection& c) -> Result<Storage> {
                  TALLY_ASSIGN_OR_RETURN(storage, AuthorizedStorage(c, request.principal, storage_id, type, role_name,
                                                                    labeling::kManageRole));
                  TALLY_ASSIGN_OR_RETURN(project, labeling::FindProject(c, storage.project_id));
                  TALLY_TRY(StorageService::EnqueueSync(c, storage, project->organization_id,
                                                        request.principal.user_id));
                  return storage;
                }));
                TALLY_LOG_INFO("event=storage_sync_queued storage_id={} job_id={} by_user_id={}", storage.id,
                               storage.last_sync_job.value_or(0), request.principal.user_id);
                return Response::Json(StorageJson(storage));
              }});
}

// Bodies up to this size go out whole with a Content-Length; larger ones
// are streamed, so a long video never sits in memory at once.
constexpr uint64_t kWholeBodyBytes = 1024 * 1024;

// The maximum the proxy requests from a store at once. Chromium's media
// elements first send "bytes=0-", the whole object. They get this much in
// a 206 whose Content-Range gives the size, and request the rest as they play.
constexpr uint64_t kProxyRangeBytes = 8 * 1024 * 1024;

// Headers of every response that carries a user's file.
Response WithFileHeaders(Response response) {
  response.WithHeader("X-Content-Type-Options", "nosniff");
  // Files come from users' buckets and folders: a stored HTML or SVG file
  // must not run as a page of Tally's origin.
  response.WithHeader("Content-Security-Policy", "sandbox");
  response.WithHeader("Cache-Control", "private, max-age=300");
  // Media elements seek only in files served with ranges.
  response.WithHeader("Accept-Ranges", "bytes");
  return response;
}

// Builds the response for one object, or the part of it a ranged read
// returned. The type comes from the store, else from the key's extension.
Response ObjectResponse(storages::ObjectBody body, const std::string& name) {
  std::string type = body.content_type;
  if (type.empty() || type == "application/octet-stream" || type == "binary/octet-stream") {
    type = storages::ContentTypeOf(name);
  }
  Response response = Response::Text(std::move(body.bytes), type, body.status);
  if (!body.content_range.empty()) response.WithHeader("Content-Range", body.content_range);
  return WithFileHeaders(std::move(response));
}

// The object size in a store's Content-Range ("bytes 0-0/24"), or nullopt.
std::optional<uint64_t> SizeOfContentRange(std::string_view content_range) {
  const size_t slash = content_range.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view digits = content_range.substr(slash + 1);
  uint64_t size = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), size);
  if (error != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return size;
}

// The object `uri` names, or the part of it the client's Range header
// requests, read with the project's storage. The proxy requests at most
// kProxyRangeBytes from a range's first byte, so a ranged read never keeps
// a whole long video in memory.
Result<Response> ProxyObject(const StorageService& service, int64_t project_id, const std::string& uri,
                             std::string_view range_header) {
  std::optional<http::RangeRequest> requested = http::ParseRangeRequest(range_header);
  if (!requested) {
    // NOTE: without a Range the object is read whole into memory, up to
    // kMaxObjectBytes. Media elements send one.
    TALLY_ASSIGN_OR_RETURN(body, service.ReadUri(project_id, uri, ""));
    return ObjectResponse(std::move(body), uri);
  }

  if (!requested->first) {
    // Stores differ on suffix ranges: Azure's Get Blob takes none, and
    // s3rver reads "bytes=-4" as "bytes=0-4". A one-byte read returns the
    // size, and the suffix is then requested by position.
    TALLY_ASSIGN_OR_RETURN(probe, service.ReadUri(project_id, uri, "bytes=0-0"));
    // A 200 (the store ignored the range) or a 416 (an empty object) goes
    // to the client as it is.
    if (probe.status != 206) return ObjectResponse(std::move(probe), uri);
    const std::optional<uint64_t> size = SizeOfContentRange(probe.content_range);
    if (size && *requested->last == 0) {
      return WithFileHeaders(
          Response::Text("", "text/plain", 416).WithHeader("Content-Range", fmt::format("bytes */{}", *size)));
    }
    if (size) requested = http::RangeRequest{.first = *size - std::min(*requested->last, *size), .last = *size - 1};
  }

  std::string forwarded;
  if (requested->first) {
    const uint64_t limit = *requested->first + kProxyRangeBytes - 1;
    forwarded = fmt::format("bytes={}-{}", *requested->first,
                            requested->last ? std::min(*requested->last, limit) : limit);
  } else {
    // NOTE: reached only when the store sent no size, and a suffix longer
    // than kMaxObjectBytes then fails as a too-large object.
    forwarded = fmt::format("bytes=-{}", *requested->last);
  }
  TALLY_ASSIGN_OR_RETURN(body, service.ReadUri(project_id, uri, forwarded));
  return ObjectResponse(std::move(body), uri);
}

// A local file as a response: the part the Range header names (206), a 416
// naming the size when that part starts past the end, else the whole file.
Result<Response> FileResponse(std::shared_ptr<const storages::LocalFileReader> file, std::string_view range_header,
                              std::string type) {
  const uint64_t size = file->size();
  const http::ByteRange range = http::ParseByteRange(range_header, size);
  if (range.kind == http::ByteRange::Kind::kUnsatisfiable) {
    return WithFileHeaders(Response::Text("", std::move(type), 416)
                               .WithHeader("Content-Range", fmt::format("bytes */{}", size)));
  }

  const bool partial = range.kind == http::ByteRange::Kind::kRange;
  const uint64_t offset = partial ? range.first : 0;
  const uint64_t length = partial ? range.last - range.first + 1 : size;
  const int status = partial ? 206 : 200;
  Response response;
  if (length <= kWholeBodyBytes) {
    std::string bytes;
    TALLY_TRY(file->Read(offset, length, bytes));
    response = Response::Text(std::move(bytes), std::move(type), status);
  } else {
    response = Response::Stream(storages::StreamFileRange(std::move(file), offset, length), std::move(type), status);
  }
  if (partial) response.WithHeader("Content-Range", fmt::format("bytes {}-{}/{}", range.first, range.last, size));
  return WithFileHeaders(std::move(response));
}

}  // namespace

void AddStorageRoutes(http::Router& router, const IntegrationsContext& context) {
  AddStorageRoleRoutes(router, context, storages::kImportRole);
  AddStorageRoleRoutes(router, context, storages::kExportRole);
  store::Database& db = context.database;
  StorageService& service = *context.storage_service;

  router.Add({.method = "GET", .pattern = "/tasks/{id:int}/resolve", .auth = Auth::kUser,
              .doc = {.summary = "Stream a cloud object a task names (fileuri: URL-safe base64 of its URI) "
                                 "with its storage's credentials",
                      .tag = "Storages", .response_schema = R"({"type":"string","format":"binary"})",
                      .query = {"fileuri"}},
              .handler = [&db, &service](Request& request) -> Result<Response> {
                TALLY_ASSIGN_OR_RETURN(task_id, request.IdParam("id"));
                const std::string encoded = request.Query("fileuri").value_or("");
                std::string trimmed = encoded;
                while (trimmed.ends_with('=')) trimmed.pop_back();
                auto uri = Base64UrlDecode(trimmed);
                if (encoded.empty() || !uri) {
                  return Error::InvalidField("fileuri", "Must be the URL-safe base64 of an s3://, gs:// or "
                                                        "azure-blob:// URI.");
                }
                TALLY_ASSIGN_OR_RETURN(project_id, db.Read([&](Connection& c) -> Result<int64_t> {
                  TALLY_ASSIGN_OR_RETURN(found, labeling::AuthorizedTask(c, request.principal, task_id,
                                                                         labeling::kReadRole));
                  // Only files the task names: a reader of one task may not
                  // fetch any other object of the bucket.
                  if (json::Serialize(found.task.data).find(*uri) == std::string::npos) {
                    return Error::NotFound("This task does not name that file.");
                  }
                  return found.project.id;
                }));
                return ProxyObject(service, project_id, *uri, request.Header("range"));
              }});

  router.Add({.method = "GET", .pattern = "/data/local-files", .auth = Auth::kUser,
              .doc = {.summary = "A file under TALLY_LOCAL_FILES_ROOT (d: path relative to the root) that lies "
                                 "in a local files storage of a project the caller can read",
                      .tag = "Storages", .response_schema = R"({"type":"string","format":"binary"})",
                      .query = {"d"}},
              .handler = [&db, &service](Request& request) -> Result<Response> {
                if (service.local_roots().empty()) {
                  return Error::Forbidden("Serving local files is disabled; an administrator must set "
                                          "TALLY_LOCAL_FILES_ROOT.");
                }
                TALLY_ASSIGN_OR_RETURN(path, storages::ResolveLocalFile(request.Query("d").value_or(""),
                                                                        service.local_roots()));
                TALLY_TRY(db.Read([&](Connection& c) -> Result<void> {
                  TALLY_ASSIGN_OR_RETURN(candidates, storages::ListLocalStorages(c));
                  for (const Storage& storage : candidates) {
                    std::error_code ec;
                    const auto directory = std::filesystem::canonical(storage.settings.String("path"), ec);
                    if (ec || !storages::IsWithin(path, directory)) continue;
                    if (labeling::AuthorizedProject(c, request.principal, storage.project_id, labeling::kReadRole)) {
                      return Ok();
                    }
                  }
                  return Error::NotFound("File not found.");
                }));
                TALLY_ASSIGN_OR_RETURN(file, storages::LocalFileReader::Open(path));
                return FileResponse(std::move(file), request.Header("range"),
                                    storages::ContentTypeOf(path.filename().string()));
              }});
}

}  // namespace tally::integrations
