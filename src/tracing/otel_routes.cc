// POST /api/public/otel/v1/traces: OTLP/HTTP trace export.
#include <fmt/format.h>

#include "core/log.h"
#include "tracing/ingestion.h"
#include "tracing/otel.h"
#include "tracing/routes.h"

namespace tally::tracing {

namespace bj = boost::json;

namespace {

// The reference system has no hard limit (it logs exports above 16 MB);
// 16 MiB on the wire and 64 MiB after gunzip keep one export from exhausting
// memory while leaving room for large prompts.
constexpr size_t kOtelBodyLimit = 16 << 20;
constexpr size_t kOtelDecompressedLimit = 64 << 20;

http::Response OtelError(const std::string& message, int status = 400) {
  return http::Response::Json(bj::object{{"error", message}}, status);
}

Result<http::Response> HandleOtelTraces(store::Database& database, http::Hub* hub, http::Request& request) {
  // Optional protocol version header: an integer up to 4.
  if (std::string_view version = request.Header("x-langfuse-ingestion-version"); !version.empty()) {
    char* end = nullptr;
    const std::string text(version);
    const long number = std::strtol(text.c_str(), &end, 10);
    if (*end != '\0' || number > 4) return OtelError("Unsupported x-langfuse-ingestion-version");
  }

  const std::string_view content_type = request.Header("content-type");
  const bool protobuf = content_type.find("application/x-protobuf") != std::string_view::npos;
  const bool json = content_type.find("application/json") != std::string_view::npos;
  if (!protobuf && !json) return OtelError("Invalid content type");

  std::string body = std::move(request.body);
  const std::string_view encoding = request.Header("content-encoding");
  if (encoding == "gzip") {
    auto inflated = Gunzip(body, kOtelDecompressedLimit);
    if (!inflated) {
      if (inflated.error().code == Errc::kPayloadTooLarge) return inflated.error();
      return OtelError("Failed to decompress request body");
    }
    body = std::move(*inflated);
  } else if (!encoding.empty() && encoding != "identity") {
    return OtelError("Unsupported content encoding");
  }

  auto spans = protobuf ? DecodeOtlpProtobuf(body) : DecodeOtlpJson(body);
  if (!spans) return OtelError(spans.error().message);
  if (spans->empty()) return http::Response::Json(bj::object{});

  // Spans whose mapped fields fail validation (a NUL in an id, say) are
  // skipped and logged; the rest of the export is stored.
  const Micros now = NowMicros();
  std::vector<Event> events;
  size_t skipped = 0;
  for (const bj::value& raw : MapSpansToEvents(*spans, now)) {
    auto validated = ValidateEvent(raw, false);
    if (!validated || validated->outcome != ValidatedEvent::Outcome::kStore) {
      ++skipped;
      continue;
    }
    events.push_back(std::move(validated->event));
  }
  TALLY_ASSIGN_OR_RETURN(changes, StoreEvents(database, request.principal.project_id, std::move(events)));
  PublishChanges(hub, request.principal.project_id, changes);
  if (skipped > 0) {
    TALLY_LOG_WARN("event=otel_spans_skipped request_id={} project_id={} spans={} skipped_events={}",
                   request.request_id, request.principal.project_id, spans->size(), skipped);
  }
  return http::Response::Json(bj::object{});
}

}  // namespace

void AddOtelRoutes(http::Router& router, store::Database& database, http::Hub* hub) {
  router.Add({.method = "POST",
              .pattern = "/api/public/otel/v1/traces",
              .auth = http::Auth::kProjectKey,
              .body_limit = kOtelBodyLimit,
              .doc = {.summary = "Ingest OpenTelemetry spans (OTLP/HTTP, protobuf or JSON, optionally gzip)",
                      .tag = "Tracing",
                      .request_schema = R"({"type": "object", "description": "ExportTraceServiceRequest in OTLP/JSON; protobuf with Content-Type application/x-protobuf."})",
                      .response_schema = R"({"type": "object", "description": "Empty object on success."})"},
              .handler = [&database, hub](http::Request& request) { return HandleOtelTraces(database, hub, request); }});
}

}  // namespace tally::tracing
