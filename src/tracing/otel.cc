#include "tracing/otel.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>

#include "core/json.h"
#include "otlp_trace.pb.h"

namespace tally::tracing {

namespace bj = boost::json;

namespace {

// ===================== Decoding =====================

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bj::value ProtoValue(const otlp::AnyValue& value);

bj::object ProtoAttributes(const google::protobuf::RepeatedPtrField<otlp::KeyValue>& attributes) {
  bj::object out;
  for (const auto& attribute : attributes) out[attribute.key()] = ProtoValue(attribute.value());
  return out;
}

bj::value ProtoValue(const otlp::AnyValue& value) {
  switch (value.value_case()) {
    case otlp::AnyValue::kStringValue: return bj::value(value.string_value());
    case otlp::AnyValue::kBoolValue: return bj::value(value.bool_value());
    case otlp::AnyValue::kIntValue: return bj::value(value.int_value());
    case otlp::AnyValue::kDoubleValue: return bj::value(value.double_value());
    case otlp::AnyValue::kArrayValue: {
      bj::array out;
      for (const auto& item : value.array_value().values()) out.push_back(ProtoValue(item));
      return out;
    }
    // Like the reference system, key-value lists and bytes are kept as the
    // JSON text of the value object rather than decoded.
    case otlp::AnyValue::kKvlistValue:
      return bj::value(json::Serialize(bj::object{{"kvlistValue", ProtoAttributes(value.kvlist_value().values())}}));
    case otlp::AnyValue::kBytesValue: return bj::value(json::Serialize(bj::object{{"bytesValue", Hex(value.bytes_value())}}));
    case otlp::AnyValue::VALUE_NOT_SET: return nullptr;
  }
  return nullptr;
}

const bj::value* Member(const bj::object& object, std::string_view camel, std::string_view snake) {
  if (const bj::value* value = object.if_contains(camel)) return value;
  return object.if_contains(snake);
}

std::optional<int64_t> JsonInt(const bj::value* value) {
  if (!value) return std::nullopt;
  if (value->is_int64()) return value->as_int64();
  if (value->is_uint64()) return static_cast<int64_t>(value->as_uint64());
  if (value->is_double()) return static_cast<int64_t>(value->as_double());
  if (value->is_string()) {
    const std::string text(value->as_string());
    char* end = nullptr;
    const long long parsed = std::strtoll(text.c_str(), &end, 10);
    if (end != text.c_str() && *end == '\0') return parsed;
  }
  return std::nullopt;
}

bj::value JsonAnyValue(const bj::value& value);

bj::object JsonAttributes(const bj::value* attributes) {
  bj::object out;
  if (!attributes || !attributes->is_array()) return out;
  for (const auto& entry : attributes->as_array()) {
    const bj::object* attribute = entry.if_object();
    if (!attribute) continue;
    const bj::value* key = attribute->if_contains("key");
    if (!key || !key->is_string()) continue;
    const bj::value* value = attribute->if_contains("value");
    out[key->as_string()] = value ? JsonAnyValue(*value) : bj::value(nullptr);
  }
  return out;
}

bj::value JsonAnyValue(const bj::value& value) {
  const bj::object* object = value.if_object();
  if (!object) return nullptr;
  if (const bj::value* text = Member(*object, "stringValue", "string_value")) return *text;
  if (const bj::value* flag = Member(*object, "boolValue", "bool_value")) return *flag;
  if (const bj::value* integer = Member(*object, "intValue", "int_value")) {
    if (auto parsed = JsonInt(integer)) return bj::value(*parsed);
    return *integer;
  }
  if (const bj::value* number = Member(*object, "doubleValue", "double_value")) return *number;
  if (const bj::value* array = Member(*object, "arrayValue", "array_value")) {
    bj::array out;
    const bj::value* values = array->is_object() ? array->as_object().if_contains("values") : nullptr;
    if (values && values->is_array()) {
      for (const auto& item : values->as_array()) out.push_back(JsonAnyValue(item));
    }
    return out;
  }
  return bj::value(json::Serialize(value));
}

Error InvalidExport(const std::string& what) {
  return Error::Invalid(fmt::format(
      "Invalid OTLP trace export: {}. The entire export was rejected and no spans were ingested. Send OTLP trace "
      "exports (resourceSpans) to this endpoint.",
      what));
}

// Checks that `value`, when present, is an array.
Result<const bj::array*> OptionalArray(const bj::object& object, std::string_view camel, std::string_view snake,
                                       const std::string& where) {
  const bj::value* value = Member(object, camel, snake);
  if (!value || value->is_null()) return static_cast<const bj::array*>(nullptr);
  if (!value->is_array()) return InvalidExport(fmt::format("{}.{} must be an array", where, camel));
  return &value->as_array();
}

}  // namespace

Result<std::vector<OtelSpan>> DecodeOtlpProtobuf(std::string_view bytes) {
  otlp::ExportTraceServiceRequest request;
  if (!request.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Error::Invalid("Failed to parse OTel Protobuf Trace");
  }
  std::vector<OtelSpan> spans;
  for (const auto& resource_spans : request.resource_spans()) {
    const bj::object resource = ProtoAttributes(resource_spans.resource().attributes());
    for (const auto& scope_spans : resource_spans.scope_spans()) {
      for (const auto& span : scope_spans.spans()) {
        if (span.trace_id().empty() || span.span_id().empty()) {
          return InvalidExport("every span needs traceId and spanId");
        }
        OtelSpan out;
        out.trace_id = Hex(span.trace_id());
        out.span_id = Hex(span.span_id());
        out.parent_span_id = Hex(span.parent_span_id());
        out.name = span.name();
        if (span.start_time_unix_nano()) out.start_unix_nano = static_cast<int64_t>(span.start_time_unix_nano());
        if (span.end_time_unix_nano()) out.end_unix_nano = static_cast<int64_t>(span.end_time_unix_nano());
        out.attributes = ProtoAttributes(span.attributes());
        out.resource_attributes = resource;
        out.scope_name = scope_spans.scope().name();
        out.scope_version = scope_spans.scope().version();
        out.scope_attributes = ProtoAttributes(scope_spans.scope().attributes());
        out.status_code = span.status().code();
        out.status_message = span.status().message();
        for (const auto& event : span.events()) out.events.push_back({event.name(), ProtoAttributes(event.attributes())});
        spans.push_back(std::move(out));
      }
    }
  }
  return spans;
}

Result<std::vector<OtelSpan>> DecodeOtlpJson(std::string_view text) {
  boost::system::error_code ec;
  bj::parse_options options;
  options.max_depth = 1000;
  bj::value root = bj::parse(text, ec, {}, options);
  if (ec || !root.is_object()) return Error::Invalid("Failed to parse OTel JSON Trace");

  std::vector<OtelSpan> spans;
  TALLY_ASSIGN_OR_RETURN(resource_list, OptionalArray(root.as_object(), "resourceSpans", "resource_spans", "body"));
  if (!resource_list) return spans;
  for (const auto& resource_entry : *resource_list) {
    const bj::object* resource_spans = resource_entry.if_object();
    if (!resource_spans) return InvalidExport("resourceSpans entries must be objects");
    bj::object resource;
    if (const bj::value* r = resource_spans->if_contains("resource"); r && r->is_object()) {
      TALLY_TRY(OptionalArray(r->as_object(), "attributes", "attributes", "resource"));
      resource = JsonAttributes(r->as_object().if_contains("attributes"));
    }
    TALLY_ASSIGN_OR_RETURN(scope_list, OptionalArray(*resource_spans, "scopeSpans", "scope_spans", "resourceSpans"));
    if (!scope_list) continue;
    for (const auto& scope_entry : *scope_list) {
      const bj::object* scope_spans = scope_entry.if_object();
      if (!scope_spans) return InvalidExport("scopeSpans entries must be objects");
      std::string scope_name, scope_version;
      bj::object scope_attributes;
      if (const bj::value* scope = scope_spans->if_contains("scope"); scope && scope->is_object()) {
        if (const bj::value* name = scope->as_object().if_contains("name"); name && name->is_string()) {
          scope_name = std::string(name->as_string());
        }
        if (const bj::value* version = scope->as_object().if_contains("version"); version && version->is_string()) {
          scope_version = std::string(version->as_string());
        }
        scope_attributes = JsonAttributes(scope->as_object().if_contains("attributes"));
      }
      TALLY_ASSIGN_OR_RETURN(span_list, OptionalArray(*scope_spans, "spans", "spans", "scopeSpans"));
      if (!span_list) continue;
      for (const auto& span_entry : *span_list) {
        const bj::object* span = span_entry.if_object();
        if (!span) return InvalidExport("spans entries must be objects");
        const bj::value* trace_id = Member(*span, "traceId", "trace_id");
        const bj::value* span_id = Member(*span, "spanId", "span_id");
        if (!trace_id || !trace_id->is_string() || trace_id->as_string().empty() || !span_id || !span_id->is_string() ||
            span_id->as_string().empty()) {
          return InvalidExport("every span needs traceId and spanId");
        }
        TALLY_TRY(OptionalArray(*span, "attributes", "attributes", "spans"));
        TALLY_ASSIGN_OR_RETURN(events, OptionalArray(*span, "events", "events", "spans"));

        OtelSpan out;
        out.trace_id = std::string(trace_id->as_string());
        out.span_id = std::string(span_id->as_string());
        if (const bj::value* parent = Member(*span, "parentSpanId", "parent_span_id"); parent && parent->is_string()) {
          out.parent_span_id = std::string(parent->as_string());
        }
        if (const bj::value* name = span->if_contains("name"); name && name->is_string()) {
          out.name = std::string(name->as_string());
        }
        out.start_unix_nano = JsonInt(Member(*span, "startTimeUnixNano", "start_time_unix_nano"));
        out.end_unix_nano = JsonInt(Member(*span, "endTimeUnixNano", "end_time_unix_nano"));
        if (out.start_unix_nano == 0) out.start_unix_nano.reset();
        if (out.end_unix_nano == 0) out.end_unix_nano.reset();
        out.attributes = JsonAttributes(span->if_contains("attributes"));
        out.resource_attributes = resource;
        out.scope_name = scope_name;
        out.scope_version = scope_version;
        out.scope_attributes = scope_attributes;
        if (const bj::value* status = span->if_contains("status"); status && status->is_object()) {
          out.status_code = static_cast<int>(JsonInt(status->as_object().if_contains("code")).value_or(0));
          if (const bj::value* message = status->as_object().if_contains("message"); message && message->is_string()) {
            out.status_message = std::string(message->as_string());
          }
        }
        if (events) {
          for (const auto& event : *events) {
            const bj::object* object = event.if_object();
            if (!object) continue;
            OtelSpan::SpanEvent span_event;
            if (const bj::value* name = object->if_contains("name"); name && name->is_string()) {
              span_event.name = std::string(name->as_string());
            }
            span_event.attributes = JsonAttributes(object->if_contains("attributes"));
            out.events.push_back(std::move(span_event));
          }
        }
        spans.push_back(std::move(out));
      }
    }
  }
  return spans;
}

Result<std::string> Gunzip(std::string_view compressed, size_t max_bytes) {
  z_stream stream{};
  // 16 + MAX_WBITS: expect a gzip header and trailer.
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return Error::Internal("inflateInit2 failed");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[64 * 1024];
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) break;
    out.append(buffer, sizeof(buffer) - stream.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return Error::TooLarge("Decompressed request body is too large");
    }
    if (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // truncated input
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) return Error::Invalid("Failed to decompress request body");
  return out;
}

}  // namespace tally::tracing
