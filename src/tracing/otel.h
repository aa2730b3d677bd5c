// OpenTelemetry trace ingestion: decoding OTLP exports (protobuf or JSON) and
// mapping each span onto Langfuse's model.
//
// Each span becomes one observation event (`<type>-create`, id = span id in
// hex, traceId = trace id in hex) and one trace event for its trace: a full
// trace record for a root span (no parent, or langfuse.internal.as_root), a
// partial update for a span carrying trace-level attributes (user.id,
// session.id, langfuse.trace.*), otherwise a shallow record (id, timestamp,
// environment) so the trace exists even if its root never arrives.
//
// Event ids derive from the span id, so a re-sent export replaces its events
// instead of adding more. Envelope times are the span start, so the root,
// which starts first, fixes the trace's timestamp and environment.
//
// The events then go through ValidateEvent and the normal fold (fold.h).
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "tracing/event.h"

namespace tally::tracing {

// One span with everything the mapping reads, independent of the encoding.
struct OtelSpan {
  std::string trace_id, span_id, parent_span_id;  // hex
  std::string name;
  std::optional<int64_t> start_unix_nano, end_unix_nano;
  boost::json::object attributes;           // key -> converted value
  boost::json::object resource_attributes;
  std::string scope_name, scope_version;
  boost::json::object scope_attributes;
  int status_code = 0;
  std::string status_message;
  struct SpanEvent {
    std::string name;
    boost::json::object attributes;
  };
  std::vector<SpanEvent> events;
};

// Decodes a binary ExportTraceServiceRequest. Fails with
// "Failed to parse OTel Protobuf Trace" for undecodable bytes.
[[nodiscard]] Result<std::vector<OtelSpan>> DecodeOtlpProtobuf(std::string_view bytes);

// Decodes OTLP/JSON. Fails with "Failed to parse OTel JSON Trace" for invalid
// JSON, and with an "Invalid OTLP trace export" message when a span lacks
// traceId or spanId or a list field is not an array.
[[nodiscard]] Result<std::vector<OtelSpan>> DecodeOtlpJson(std::string_view text);

// Maps spans to ingestion events, in the raw ingestion format (to be checked
// with ValidateEvent). `received_at` is used as the time of spans without times.
std::vector<boost::json::value> MapSpansToEvents(const std::vector<OtelSpan>& spans, Micros received_at);

// Gunzips `compressed`, failing for corrupt input or output over `max_bytes`.
[[nodiscard]] Result<std::string> Gunzip(std::string_view compressed, size_t max_bytes);

}  // namespace tally::tracing
