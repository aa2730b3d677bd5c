#include "tracing/event.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "tracing/usage.h"

namespace tally::tracing {

namespace bj = boost::json;

std::string_view EntityKindName(EntityKind kind) {
  switch (kind) {
    case EntityKind::kTrace: return "trace";
    case EntityKind::kObservation: return "observation";
    case EntityKind::kScore: return "score";
  }
  return "trace";
}

namespace {

constexpr std::array<std::string_view, 10> kObservationTypes = {
    "SPAN", "GENERATION", "EVENT", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR", "EMBEDDING", "GUARDRAIL"};
constexpr size_t kMaxIdLength = 800;

// PostgreSQL rejects a btree index entry over 2704 bytes, and these fields
// sit in indexes together with a trace id of up to 800 UTF-16 code units
// (2400 bytes of UTF-8). Limits in bytes keep every entry under that size
// on both backends, so a value that one backend stores the other stores too.
constexpr size_t kMaxIndexedTextBytes = 1000;
constexpr size_t kMaxTagBytes = 200;

const char* KindName(const bj::value& value) {
  switch (value.kind()) {
    case bj::kind::null: return "null";
    case bj::kind::bool_: return "boolean";
    case bj::kind::int64:
    case bj::kind::uint64:
    case bj::kind::double_: return "number";
    case bj::kind::string: return "string";
    case bj::kind::array: return "array";
    case bj::kind::object: return "object";
  }
  return "value";
}

Error Expected(std::string_view field, std::string_view expected, const bj::value& got) {
  return Error::InvalidField(std::string(field), fmt::format("Expected {}, received {}", expected, KindName(got)));
}

// A present, non-null member, or nullptr.
const bj::value* Present(const bj::object& body, std::string_view key) {
  const bj::value* value = body.if_contains(key);
  return value && !value->is_null() ? value : nullptr;
}

// Column values go to PostgreSQL text, which cannot hold NUL characters.
Result<void> CheckText(std::string_view field, std::string_view text) {
  if (text.find('\0') != std::string_view::npos) {
    return Error::InvalidField(std::string(field), "must not contain NUL characters");
  }
  return Ok();
}

Result<void> CheckString(const bj::object& body, std::string_view key, size_t max_length = 0) {
  const bj::value* value = Present(body, key);
  if (!value) return Ok();
  const std::string field = "body." + std::string(key);
  if (!value->is_string()) return Expected(field, "string", *value);
  if (max_length && value->as_string().size() > max_length) {
    return Error::InvalidField(field, fmt::format("must be at most {} bytes of UTF-8 text", max_length));
  }
  return CheckText(field, value->as_string());
}

// Replaces a datetime member by its normalized ISO form.
Result<void> NormalizeDatetime(bj::object& body, std::string_view key) {
  bj::value* value = body.if_contains(key);
  if (!value || value->is_null()) return Ok();
  const std::string field = "body." + std::string(key);
  if (!value->is_string()) return Expected(field, "ISO 8601 datetime string", *value);
  auto parsed = ParseIsoTimestamp(value->as_string());
  if (!parsed) {
    return Error::InvalidField(field, "Invalid datetime: send ISO 8601 with a zone, e.g. 2024-01-01T00:00:00.000Z");
  }
  *value = FormatIsoMillis(TruncateToMillis(*parsed));
  return Ok();
}

Result<void> CheckBool(const bj::object& body, std::string_view key) {
  const bj::value* value = Present(body, key);
  if (value && !value->is_bool()) return Expected("body." + std::string(key), "boolean", *value);
  return Ok();
}

Result<void> CheckEnum(const bj::object& body, std::string_view key, std::initializer_list<std::string_view> allowed) {
  const bj::value* value = Present(body, key);
  if (!value) return Ok();
  const std::string field = "body." + std::string(key);
  if (value->is_string()) {
    for (std::string_view option : allowed) {
      if (value->as_string() == option) return Ok();
    }
  }
  std::string options;
  for (std::string_view option : allowed) options += (options.empty() ? "" : ", ") + std::string(option);
  return Error::InvalidField(field, fmt::format("Invalid enum value. Expected one of {}", options));
}

void NormalizeEnvironmentField(bj::object& body) {
  const bj::value* value = Present(body, "environment");
  body["environment"] = NormalizeEnvironment(value && value->is_string() ? std::string_view(value->as_string()) : "");
}

// Non-object metadata is kept under the single key "metadata", which is how
// the reference system reads it back.
void NormalizeMetadata(bj::object& body) {
  bj::value* value = body.if_contains("metadata");
  if (!value || value->is_null() || value->is_object()) return;
  bj::object wrapped;
  wrapped["metadata"] = std::move(*value);
  *value = std::move(wrapped);
}

// Length as JavaScript counts it (UTF-16 code units), which is how the
// Langfuse API's 800-character id limit is measured.
size_t Utf16Length(std::string_view text) {
  size_t units = 0;
  for (unsigned char byte : text) {
    if ((byte & 0xC0) != 0x80) ++units;  // the first byte of a code point
    if (byte >= 0xF0) ++units;           // four-byte sequences need a surrogate pair
  }
  return units;
}

Result<std::string> RequireId(const bj::object& body) {
  const bj::value* id = Present(body, "id");
  if (!id) return Error::InvalidField("body.id", "Required");
  if (!id->is_string()) return Expected("body.id", "string", *id);
  const std::string_view text = id->as_string();
  if (text.empty() || Utf16Length(text) > kMaxIdLength) {
    return Error::InvalidField("body.id", "must be between 1 and 800 characters");
  }
  TALLY_TRY(CheckText("body.id", text));
  return std::string(text);
}

Result<void> ValidateTraceBody(bj::object& body) {
  TALLY_TRY(NormalizeDatetime(body, "timestamp"));
  TALLY_TRY(CheckString(body, "name", 1000));
  for (const char* key : {"userId", "sessionId", "release", "version", "externalId"}) {
    TALLY_TRY(CheckString(body, key, kMaxIndexedTextBytes));
  }
  if (const bj::value* tags = Present(body, "tags")) {
    if (!tags->is_array()) return Expected("body.tags", "array", *tags);
    for (size_t i = 0; i < tags->as_array().size(); ++i) {
      const bj::value& tag = tags->as_array()[i];
      const std::string field = fmt::format("body.tags.{}", i);
      if (!tag.is_string()) return Expected(field, "string", tag);
      if (tag.as_string().size() > kMaxTagBytes) {
        return Error::InvalidField(field, fmt::format("must be at most {} bytes of UTF-8 text", kMaxTagBytes));
      }
      TALLY_TRY(CheckText(field, tag.as_string()));
    }
  }
  TALLY_TRY(CheckBool(body, "public"));
  TALLY_TRY(CheckBool(body, "bookmarked"));
  TALLY_TRY(CheckString(body, "environment"));
  NormalizeEnvironmentField(body);
  NormalizeMetadata(body);
  return Ok();
}

Result<void> ValidateObservationBody(bj::object& body, bool generation_fields) {
  if (const bj::value* trace_id = Present(body, "traceId")) {
    if (!trace_id->is_string()) return Expected("body.traceId", "string", *trace_id);
    if (trace_id->as_string().empty() || Utf16Length(trace_id->as_string()) > kMaxIdLength) {
      return Error::InvalidField("body.traceId", "must be between 1 and 800 characters");
    }
    TALLY_TRY(CheckText("body.traceId", trace_id->as_string()));
  }
  for (const char* key : {"name", "statusMessage", "environment"}) TALLY_TRY(CheckString(body, key));
  for (const char* key : {"parentObservationId", "version"}) TALLY_TRY(CheckString(body, key, kMaxIndexedTextBytes));
  for (const char* key : {"startTime", "endTime", "completionStartTime"}) TALLY_TRY(NormalizeDatetime(body, key));
  TALLY_TRY(CheckEnum(body, "level", {"DEBUG", "DEFAULT", "WARNING", "ERROR"}));
  NormalizeEnvironmentField(body);
  NormalizeMetadata(body);
  if (!generation_fields) return Ok();

  TALLY_TRY(CheckString(body, "model"));
  if (const bj::value* parameters = Present(body, "modelParameters"); parameters && !parameters->is_object()) {
    return Expected("body.modelParameters", "object", *parameters);
  }
  TALLY_TRY(CheckString(body, "promptName"));
  if (const bj::value* version = Present(body, "promptVersion")) {
    if (!version->is_int64() && !version->is_uint64()) return Expected("body.promptVersion", "integer", *version);
  }
  // The reference checks the pair on truthiness, so promptVersion 0 counts as missing.
  const bj::value* prompt_name = Present(body, "promptName");
  const bj::value* prompt_version = Present(body, "promptVersion");
  const bool has_name = prompt_name && !prompt_name->as_string().empty();
  const bool has_version = prompt_version && prompt_version->to_number<int64_t>() != 0;
  if (has_name != has_version) {
    return Error::InvalidField("body.promptName", "promptName and promptVersion must be given together");
  }

  TALLY_ASSIGN_OR_RETURN(usage, ParseUsage(body));
  body.erase("usage");
  if (usage.usage.empty()) {
    body.erase("usageDetails");
  } else {
    body["usageDetails"] = std::move(usage.usage);
  }
  if (usage.cost.empty()) {
    body.erase("costDetails");
  } else {
    body["costDetails"] = std::move(usage.cost);
  }
  return Ok();
}

Result<void> ValidateScoreBody(bj::object& body) {
  TALLY_TRY(CheckString(body, "name"));
  const bj::value* name = Present(body, "name");
  if (!name || name->as_string().empty()) return Error::InvalidField("body.name", "Required: a non-empty string");
  const bj::value* value = Present(body, "value");
  if (!value) return Error::InvalidField("body.value", "Required: a number or a string");
  if (!value->is_number() && !value->is_string()) return Expected("body.value", "number or string", *value);
  for (const char* key : {"comment", "environment"}) TALLY_TRY(CheckString(body, key));
  for (const char* key : {"traceId", "observationId", "sessionId", "datasetRunId", "configId", "queueId"}) {
    TALLY_TRY(CheckString(body, key, kMaxIndexedTextBytes));
  }
  TALLY_TRY(CheckEnum(body, "dataType", {"NUMERIC", "CATEGORICAL", "BOOLEAN", "TEXT", "CORRECTION"}));
  TALLY_TRY(CheckEnum(body, "source", {"API", "ANNOTATION", "EVAL"}));
  NormalizeEnvironmentField(body);
  NormalizeMetadata(body);
  return Ok();
}

struct TypeInfo {
  EntityKind kind;
  std::string_view observation_type;  // empty for traces and scores, "*" when the body names it
  bool generation_fields;
};

std::optional<TypeInfo> LookUpType(std::string_view type) {
  if (type == "trace-create") return TypeInfo{EntityKind::kTrace, "", false};
  if (type == "score-create") return TypeInfo{EntityKind::kScore, "", false};
  if (type == "span-create" || type == "span-update") return TypeInfo{EntityKind::kObservation, "SPAN", false};
  if (type == "generation-create" || type == "generation-update") {
    return TypeInfo{EntityKind::kObservation, "GENERATION", true};
  }
  if (type == "event-create") return TypeInfo{EntityKind::kObservation, "EVENT", false};
  if (type == "observation-create" || type == "observation-update") {
    return TypeInfo{EntityKind::kObservation, "*", true};
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kNewer = {{
      {"agent-create", "AGENT"}, {"tool-create", "TOOL"}, {"chain-create", "CHAIN"}, {"retriever-create", "RETRIEVER"},
      {"evaluator-create", "EVALUATOR"}, {"embedding-create", "EMBEDDING"}, {"guardrail-create", "GUARDRAIL"}}};
  for (const auto& [name, observation_type] : kNewer) {
    if (type == name) return TypeInfo{EntityKind::kObservation, observation_type, true};
  }
  return std::nullopt;
}

}  // namespace

bool IsObservationType(std::string_view type) {
  return std::find(kObservationTypes.begin(), kObservationTypes.end(), type) != kObservationTypes.end();
}

std::string NormalizeEnvironment(std::string_view environment) {
  std::string text(environment);
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  bool stripped = true;
  while (stripped) {
    stripped = false;
    for (std::string_view prefix : {"langfuse-", "langfuse_", "langfuse"}) {
      if (text.starts_with(prefix)) {
        text.erase(0, prefix.size());
        stripped = true;
        break;
      }
    }
  }
  if (text.size() > 40) text.resize(40);
  const bool valid = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return valid ? text : "default";
}

std::string EnvelopeId(const bj::value& raw) {
  if (raw.is_object()) {
    if (const bj::value* id = raw.as_object().if_contains("id"); id && id->is_string()) return std::string(id->as_string());
  }
  return "unknown";
}

Result<ValidatedEvent> ValidateEvent(const bj::value& raw, bool scores_only) {
  if (!raw.is_object()) return Error::Invalid("Expected object, received " + std::string(KindName(raw)));
  const bj::object& envelope = raw.as_object();

  // Envelope: id, type, timestamp, body.
  const bj::value* id = Present(envelope, "id");
  if (!id || !id->is_string() || id->as_string().empty() || Utf16Length(id->as_string()) > kMaxIdLength ||
      id->as_string().find('\r') != bj::string::npos) {
    return Error::InvalidField("id", "Required: a string of 1 to 800 characters without carriage returns");
  }
  TALLY_TRY(CheckText("id", id->as_string()));
  const bj::value* type = Present(envelope, "type");
  if (!type || !type->is_string()) return Error::InvalidField("type", "Required: the event type string");
  const std::string type_name(type->as_string());
  if (type_name == "sdk-log") return ValidatedEvent{ValidatedEvent::Outcome::kSilent, {}};
  if (scores_only && type_name != "score-create") {
    return Error::Unauthorized(
        fmt::format("Access Scope Denied: a public key alone, or a project member below manager, may only send "
                    "score-create events, not {}",
                    type_name));
  }
  if (type_name == "dataset-run-item-create") {
    return Error::Invalid("Dataset run item creation is only allowed for internal usage");
  }
  auto info = LookUpType(type_name);
  if (!info) return Error::InvalidField("type", fmt::format("Unknown event type \"{}\"", type_name));

  const bj::value* timestamp = Present(envelope, "timestamp");
  if (!timestamp || !timestamp->is_string()) return Error::InvalidField("timestamp", "Required: an ISO 8601 datetime");
  auto envelope_time = ParseIsoTimestamp(timestamp->as_string());
  if (!envelope_time) {
    return Error::InvalidField("timestamp", "Invalid datetime: send ISO 8601 with a zone, e.g. 2024-01-01T00:00:00.000Z");
  }
  const bj::value* body_value = Present(envelope, "body");
  if (!body_value || !body_value->is_object()) return Error::InvalidField("body", "Required: an object");

  ValidatedEvent out;
  Event& event = out.event;
  event.id = std::string(id->as_string());
  event.type = type_name;
  event.timestamp = TruncateToMillis(*envelope_time);
  event.kind = info->kind;
  event.body = body_value->as_object();
  bj::object& body = event.body;

  // Body by entity kind. Traces and scores without an id are acknowledged
  // and dropped, as in the reference system; observations need one.
  switch (info->kind) {
    case EntityKind::kTrace:
      TALLY_TRY(ValidateTraceBody(body));
      break;
    case EntityKind::kScore:
      TALLY_TRY(ValidateScoreBody(body));
      break;
    case EntityKind::kObservation: {
      std::string observation_type(info->observation_type);
      if (observation_type == "*") {
        TALLY_TRY(CheckEnum(body, "type", {"GENERATION", "SPAN", "EVENT"}));
        const bj::value* named = Present(body, "type");
        if (!named) return Error::InvalidField("body.type", "Required: GENERATION, SPAN or EVENT");
        observation_type = std::string(named->as_string());
      }
      TALLY_TRY(ValidateObservationBody(body, info->generation_fields));
      body["type"] = observation_type;
      break;
    }
  }

  const bj::value* entity_id = Present(body, "id");
  if (info->kind != EntityKind::kObservation && !entity_id) {
    out.outcome = ValidatedEvent::Outcome::kDrop;
    return out;
  }
  TALLY_ASSIGN_OR_RETURN(checked_id, RequireId(body));
  event.entity_id = std::move(checked_id);
  return out;
}

}  // namespace tally::tracing
