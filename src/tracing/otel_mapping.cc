// Mapping of OpenTelemetry spans onto Langfuse traces and observations: the
// attribute keys and their precedence follow the reference system's OTel
// ingestion (langfuse/langfuse, packages/shared/src/server/otel).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/json.h"
#include "tracing/fold.h"
#include "tracing/otel.h"

namespace tally::tracing {

namespace bj = boost::json;

namespace {

// Reads one span's attributes and remembers which keys were used, so the rest
// can be kept in metadata for spans of other instrumentations.
class Attributes {
 public:
  Attributes(const bj::object& span, const bj::object& resource) : span_(span), resource_(resource) {}

  // The span attribute `key` as text: strings as-is, other scalars printed,
  // arrays as JSON. Empty strings count as absent.
  std::optional<std::string> Text(std::string_view key) {
    const bj::value* value = Find(key);
    if (!value) return std::nullopt;
    return ToText(*value);
  }

  std::optional<std::string> ResourceText(std::string_view key) const {
    const bj::value* value = resource_.if_contains(key);
    if (!value) return std::nullopt;
    return ToText(*value);
  }

  const bj::value* Find(std::string_view key) {
    const bj::value* value = span_.if_contains(key);
    if (!value || value->is_null() || (value->is_string() && value->as_string().empty())) return nullptr;
    used_.insert(std::string(key));
    return value;
  }

  bool Has(std::string_view key) const {
    const bj::value* value = span_.if_contains(key);
    return value && !value->is_null() && !(value->is_string() && value->as_string().empty());
  }

  template <class... Keys>
  std::optional<std::string> FirstText(Keys... keys) {
    for (std::string_view key : {std::string_view(keys)...}) {
      if (auto text = Text(key)) return text;
    }
    return std::nullopt;
  }

  // Every attribute under `prefix.` with the prefix removed.
  bj::object WithPrefix(std::string_view prefix) {
    bj::object out;
    const std::string dotted = std::string(prefix) + ".";
    for (const auto& entry : span_) {
      if (!std::string_view(entry.key()).starts_with(dotted)) continue;
      used_.insert(std::string(entry.key()));
      out[std::string_view(entry.key()).substr(dotted.size())] = entry.value();
    }
    return out;
  }

  // Attributes not consumed by the mapping, values as text.
  bj::object Unused() const {
    bj::object out;
    for (const auto& entry : span_) {
      if (used_.count(std::string(entry.key()))) continue;
      out[entry.key()] = ToText(entry.value()).value_or("");
    }
    return out;
  }

  static std::optional<std::string> ToText(const bj::value& value) {
    switch (value.kind()) {
      case bj::kind::null: return std::nullopt;
      case bj::kind::string:
        if (value.as_string().empty()) return std::nullopt;
        return std::string(value.as_string());
      case bj::kind::bool_: return value.as_bool() ? "true" : "false";
      case bj::kind::int64: return std::to_string(value.as_int64());
      case bj::kind::uint64: return std::to_string(value.as_uint64());
      case bj::kind::double_: return json::FormatNumber(value.as_double());
      default: return json::Serialize(value);
    }
  }

 private:
  const bj::object& span_;
  const bj::object& resource_;
  std::set<std::string> used_;
};

std::optional<bj::value> ParseJson(std::string_view text) {
  boost::system::error_code ec;
  bj::value value = bj::parse(text, ec);
  if (ec) return std::nullopt;
  return value;
}

bool IsTrue(const bj::value* value) {
  return value && ((value->is_bool() && value->as_bool()) || (value->is_string() && value->as_string() == "true"));
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::toupper(c); });
  return text;
}

const std::vector<std::string_view> kModelKeys = {
    "langfuse.observation.model.name", "gen_ai.request.model", "gen_ai.response.model", "llm.model_name", "model"};

std::string ObservationType(Attributes& attributes, const OtelSpan& span) {
  if (auto type = attributes.Text("langfuse.observation.type")) {
    const std::string upper = Upper(*type);
    if (IsObservationType(upper)) return upper;
  }
  if (auto kind = attributes.Text("openinference.span.kind")) {
    const std::string upper = Upper(*kind);
    if (upper == "LLM") return "GENERATION";
    if (IsObservationType(upper) && upper != "SPAN" && upper != "EVENT" && upper != "GENERATION") return upper;
  }
  if (auto operation = attributes.Text("gen_ai.operation.name")) {
    static const std::set<std::string> kGeneration = {"chat", "completion", "text_completion", "generate_content",
                                                      "generate"};
    if (kGeneration.count(*operation)) return "GENERATION";
    if (*operation == "embeddings") return "EMBEDDING";
    if (*operation == "invoke_agent" || *operation == "create_agent") return "AGENT";
    if (*operation == "execute_tool") return "TOOL";
  }
  if (auto subtype = attributes.Text("genkit:metadata:subtype")) {
    if (*subtype == "model" || *subtype == "background-model") return "GENERATION";
    if (*subtype == "embedder") return "EMBEDDING";
    if (*subtype == "tool" || *subtype == "tool.v2") return "TOOL";
    if (*subtype == "retriever") return "RETRIEVER";
    if (*subtype == "evaluator") return "EVALUATOR";
  }

  // Vercel AI SDK operations.
  const std::string operation = attributes.Text("operation.name").value_or("");
  const std::string operation_id = attributes.Text("ai.operationId").value_or("");
  auto is_operation = [&](std::string_view name) { return operation.starts_with(name) || operation_id == name; };
  const bool has_model = attributes.Has("langfuse.observation.model.name") || attributes.Has("ai.model.id") ||
                         attributes.Has("gen_ai.request.model") || attributes.Has("gen_ai.response.model");
  if (has_model) {
    for (const char* name : {"ai.generateText.doGenerate", "ai.streamText.doStream", "ai.generateObject.doGenerate",
                             "ai.streamObject.doStream"}) {
      if (is_operation(name)) return "GENERATION";
    }
    for (const char* name : {"ai.embed.doEmbed", "ai.embedMany.doEmbed"}) {
      if (is_operation(name)) return "EMBEDDING";
    }
  }
  if (operation.starts_with("ai.toolCall") || operation_id.starts_with("ai.toolCall")) return "TOOL";
  if (attributes.Has("gen_ai.tool.name") || attributes.Has("gen_ai.tool.call.id")) return "TOOL";
  for (std::string_view key : kModelKeys) {
    if (attributes.Has(key)) return "GENERATION";
  }
  (void)span;
  return "SPAN";
}

// Rebuilds `prefix.0.role`, `prefix.0.content`, … into nested JSON, with
// numeric segments as array indices.
std::optional<bj::value> RebuildFlattened(Attributes& attributes, std::string_view prefix) {
  bj::object flat = attributes.WithPrefix(prefix);
  if (flat.empty()) return std::nullopt;
  bj::value root;
  size_t slots = 0;
  for (const auto& entry : flat) {
    bj::value* node = &root;
    std::string_view path = entry.key();
    while (!path.empty()) {
      const size_t dot = path.find('.');
      const std::string_view segment = path.substr(0, dot);
      path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
      const bool numeric = !segment.empty() && segment.find_first_not_of("0123456789") == std::string_view::npos &&
                           segment.size() < 6;
      if (numeric) {
        const size_t index = std::stoul(std::string(segment));
        if (node->is_null()) *node = bj::array();
        if (!node->is_array() || index > 10000 || slots + index > 10001) break;
        bj::array& array = node->as_array();
        if (array.size() <= index) {
          slots += index + 1 - array.size();
          array.resize(index + 1);
        }
        node = &array[index];
      } else {
        if (node->is_null()) *node = bj::object();
        if (!node->is_object()) break;
        node = &node->as_object()[segment];
      }
      if (path.empty()) *node = entry.value();
    }
  }
  return root;
}

std::optional<bj::value> AttributeValue(Attributes& attributes, std::string_view key) {
  const bj::value* value = attributes.Find(key);
  if (!value) return std::nullopt;
  return *value;
}

struct InputOutput {
  std::optional<bj::value> input, output;
};

InputOutput MapInputOutput(Attributes& attributes, const OtelSpan& span) {
  InputOutput io;
  auto fill = [&](std::optional<bj::value>& target, std::initializer_list<std::string_view> keys) {
    for (std::string_view key : keys) {
      if (target) return;
      target = AttributeValue(attributes, key);
    }
  };

  fill(io.input, {"langfuse.observation.input"});
  fill(io.output, {"langfuse.observation.output"});

  if (span.scope_name == "ai") {
    fill(io.input, {"ai.prompt.messages", "ai.prompt", "ai.toolCall.args"});
    auto text = attributes.Text("ai.response.text");
    const bj::value* calls = attributes.Find("ai.response.toolCalls");
    if (!io.output && text && calls) {
      io.output = bj::object{{"role", "assistant"}, {"content", *text}, {"tool_calls", *calls}};
    }
    fill(io.output, {"ai.response.text", "ai.result.text", "ai.toolCall.result", "ai.response.object",
                     "ai.result.object", "ai.response.toolCalls", "ai.result.toolCalls"});
  }

  // GenAI message events.
  if (!io.input || !io.output) {
    bj::array messages, choices;
    for (const auto& event : span.events) {
      for (const char* role : {"system", "user", "assistant", "tool"}) {
        if (event.name == fmt::format("gen_ai.{}.message", role)) {
          bj::object message{{"role", role}};
          for (const auto& entry : event.attributes) message[entry.key()] = entry.value();
          messages.push_back(std::move(message));
        }
      }
      if (event.name == "gen_ai.choice") choices.push_back(event.attributes);
    }
    if (!io.input && !messages.empty()) io.input = std::move(messages);
    if (!io.output && !choices.empty()) io.output = choices.size() == 1 ? choices.front() : bj::value(std::move(choices));
  }

  fill(io.input, {"mlflow.spanInputs", "traceloop.entity.input", "input.value", "input"});
  fill(io.output, {"mlflow.spanOutputs", "traceloop.entity.output", "output.value", "output"});
  if (!io.input) io.input = RebuildFlattened(attributes, "gen_ai.prompt");
  if (!io.output) io.output = RebuildFlattened(attributes, "gen_ai.completion");
  if (!io.input) io.input = RebuildFlattened(attributes, "llm.input_messages");
  if (!io.output) io.output = RebuildFlattened(attributes, "llm.output_messages");

  if (!io.input) {
    if (auto messages = AttributeValue(attributes, "gen_ai.input.messages")) {
      bj::value parsed = messages->is_string() ? ParseJson(messages->as_string()).value_or(*messages) : *messages;
      auto system = attributes.Text("gen_ai.system_instructions");
      if (system && parsed.is_array()) {
        bool has_system = false;
        for (const auto& message : parsed.as_array()) {
          const bj::object* object = message.if_object();
          has_system = has_system || (object && object->contains("role") && object->at("role") == "system");
        }
        if (!has_system) {
          bj::value instructions = ParseJson(*system).value_or(bj::value(*system));
          parsed.as_array().insert(parsed.as_array().begin(), bj::object{{"role", "system"}, {"content", instructions}});
        }
      }
      io.input = std::move(parsed);
    }
  }
  fill(io.output, {"gen_ai.output.messages"});
  fill(io.input, {"gen_ai.tool.call.arguments"});
  fill(io.output, {"gen_ai.tool.call.result"});
  return io;
}

// Merges a JSON-object attribute and its `.key` attributes.
void MergeMetadata(bj::object& metadata, Attributes& attributes, std::string_view prefix) {
  if (auto text = attributes.Text(prefix)) {
    auto parsed = ParseJson(*text);
    if (parsed && parsed->is_object()) {
      for (const auto& entry : parsed->as_object()) metadata[entry.key()] = entry.value();
    } else {
      metadata["metadata"] = *text;
    }
  }
  for (const auto& entry : attributes.WithPrefix(prefix)) metadata[entry.key()] = entry.value();
}

void MergeResourceTraceMetadata(bj::object& metadata, const bj::object& resource) {
  for (const auto& entry : resource) {
    const std::string_view key = entry.key();
    if (key == "langfuse.trace.metadata") {
      auto parsed = entry.value().is_string() ? ParseJson(entry.value().as_string()) : std::nullopt;
      if (parsed && parsed->is_object()) {
        for (const auto& item : parsed->as_object()) metadata[item.key()] = item.value();
      }
    } else if (key.starts_with("langfuse.trace.metadata.")) {
      metadata[key.substr(std::string_view("langfuse.trace.metadata.").size())] = entry.value();
    }
  }
}

void MergeSdkTelemetryMetadata(bj::object& metadata, Attributes& attributes) {
  MergeMetadata(metadata, attributes, "langfuse.metadata");
  for (const auto& entry : attributes.WithPrefix("ai.telemetry.metadata")) {
    const std::string_view key = entry.key();
    if (key == "userId" || key == "sessionId" || key == "tags" || key == "langfusePrompt") continue;
    metadata[key] = entry.value();
  }
}

std::optional<bj::object> ParseJsonObjectAttribute(Attributes& attributes, std::string_view key, bool& parsable) {
  parsable = false;
  auto text = attributes.Text(key);
  if (!text) return std::nullopt;
  auto parsed = ParseJson(*text);
  if (!parsed) return std::nullopt;
  parsable = true;
  if (!parsed->is_object()) return std::nullopt;
  return parsed->as_object();
}

// GenAI semantic-convention usage keys normalized into Langfuse usage types.
std::optional<bj::object> GenAiUsage(Attributes& attributes) {
  bj::object raw = attributes.WithPrefix("gen_ai.usage");
  raw.erase("cost");
  for (const auto& entry : attributes.WithPrefix("llm.token_count")) raw[entry.key()] = entry.value();
  if (raw.empty()) return std::nullopt;

  auto take = [&](std::initializer_list<std::string_view> keys) -> std::optional<int64_t> {
    std::optional<int64_t> found;
    for (std::string_view key : keys) {
      auto it = raw.find(key);
      if (it == raw.end()) continue;
      auto text = Attributes::ToText(it->value());
      raw.erase(it);
      if (!text) continue;
      char* end = nullptr;
      const long long value = std::strtoll(text->c_str(), &end, 10);
      if (end != text->c_str() && !found) found = value;
    }
    return found;
  };
  const auto cache_read = take({"cache_read.input_tokens", "cache_read_input_tokens", "cache_read_tokens",
                                "details.cache_read_tokens", "prompt_details.cache_read", "cached_tokens"});
  const auto cache_creation = take({"cache_creation.input_tokens", "cache_creation_input_tokens",
                                    "cache_creation_tokens", "details.cache_creation_tokens", "prompt_details.cache_write"});
  const auto reasoning = take({"reasoning.output_tokens", "completion_details.reasoning", "reasoning_tokens"});
  const auto audio = take({"completion_details.audio"});
  const auto input = take({"prompt_tokens", "input_tokens", "prompt"});
  const auto output = take({"completion_tokens", "output_tokens", "completion"});
  const auto total = take({"total_tokens", "total"});

  bj::object usage;
  if (input) usage["input"] = std::max<int64_t>(*input - cache_read.value_or(0) - cache_creation.value_or(0), 0);
  if (output) usage["output"] = std::max<int64_t>(*output - reasoning.value_or(0) - audio.value_or(0), 0);
  if (total) usage["total"] = *total;
  if (cache_read) usage["input_cached_tokens"] = *cache_read;
  if (cache_creation) usage["input_cache_creation"] = *cache_creation;
  if (reasoning) usage["output_reasoning_tokens"] = *reasoning;
  if (audio) usage["output_audio_tokens"] = *audio;
  for (const auto& entry : raw) {
    std::string_view key = entry.key();
    if (key.starts_with("details.")) key.remove_prefix(8);
    usage[key] = entry.value();
  }
  return usage;
}

std::string NormalizeLevel(const std::string& level) {
  const std::string upper = Upper(level);
  if (upper == "DEBUG" || upper == "TRACE" || upper == "VERBOSE") return "DEBUG";
  if (upper == "WARNING" || upper == "WARN") return "WARNING";
  if (upper == "ERROR" || upper == "FATAL" || upper == "CRITICAL") return "ERROR";
  return "DEFAULT";
}

// Tags arrive as a string array, a JSON array text, comma-separated text or
// one string.
std::optional<bj::array> ParseTags(const bj::value& value) {
  bj::array tags;
  if (value.is_array()) {
    for (const auto& tag : value.as_array()) {
      if (auto text = Attributes::ToText(tag)) tags.emplace_back(*text);
    }
    return tags;
  }
  if (!value.is_string()) return std::nullopt;
  const std::string text(value.as_string());
  if (auto parsed = ParseJson(text); parsed && parsed->is_array()) return ParseTags(*parsed);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string tag = text.substr(start, end - start);
    tag.erase(0, tag.find_first_not_of(' '));
    tag.erase(tag.find_last_not_of(' ') + 1);
    if (!tag.empty()) tags.emplace_back(tag);
    start = end + 1;
  }
  return tags;
}

std::string IsoFromNanos(int64_t nanos) { return FormatIsoMillis(TruncateToMillis(nanos / 1000)); }

const std::vector<std::string_view> kTraceAttributeKeys = {
    "langfuse.trace.name",
    "langfuse.trace.input",
    "langfuse.trace.output",
    "langfuse.trace.metadata",
    "user.id",
    "session.id",
    "langfuse.trace.public",
    "langfuse.trace.tags",
    "langfuse.user.id",
    "langfuse.session.id",
    "langfuse.observation.metadata.langfuse_user_id",
    "langfuse.observation.metadata.langfuse_session_id",
    "langfuse.observation.metadata.langfuse_tags",
    "langfuse.trace.metadata.langfuse_session_id",
    "langfuse.trace.metadata.langfuse_user_id",
    "langfuse.trace.metadata.langfuse_tags",
    "ai.telemetry.metadata.sessionId",
    "ai.telemetry.metadata.userId",
    "ai.telemetry.metadata.tags",
    "tag.tags"};

bool HasTraceAttributes(const bj::object& attributes) {
  for (const auto& entry : attributes) {
    const std::string_view key = entry.key();
    if (key.starts_with("langfuse.trace.metadata")) return true;
    if (std::find(kTraceAttributeKeys.begin(), kTraceAttributeKeys.end(), key) != kTraceAttributeKeys.end()) return true;
  }
  return false;
}

// Maps one span; appends its observation event and its trace event.
void MapSpan(const OtelSpan& span, Micros received_at, std::vector<bj::value>& out) {
  Attributes attributes(span.attributes, span.resource_attributes);

  // Times: nanoseconds truncated to milliseconds; one missing copies the other.
  std::optional<int64_t> start = span.start_unix_nano, end = span.end_unix_nano;
  if (!start) start = end;
  if (!end) end = start;
  const std::string start_time = start ? IsoFromNanos(*start) : FormatIsoMillis(TruncateToMillis(received_at));
  const std::string end_time = end ? IsoFromNanos(*end) : start_time;

  const std::string type = ObservationType(attributes, span);
  const bool is_root = span.parent_span_id.empty() || IsTrue(span.attributes.if_contains("langfuse.internal.as_root"));
  attributes.Find("langfuse.internal.as_root");
  const bool is_app_root = IsTrue(attributes.Find("langfuse.internal.is_app_root"));

  // Shared fields.
  std::optional<std::string> environment;
  for (const char* key : {"langfuse.environment", "deployment.environment.name", "deployment.environment"}) {
    if (!environment) environment = attributes.Text(key);
    if (!environment) environment = attributes.ResourceText(key);
  }
  std::optional<std::string> version = attributes.Text("langfuse.version");
  if (!version) version = attributes.ResourceText("service.version");
  std::optional<std::string> release = attributes.Text("langfuse.release");
  if (!release) release = attributes.ResourceText("langfuse.release");

  // Observation body.
  bj::object body;
  body["id"] = span.span_id;
  body["traceId"] = span.trace_id;
  body["parentObservationId"] = span.parent_span_id.empty() ? bj::value(nullptr) : bj::value(span.parent_span_id);
  body["startTime"] = start_time;
  body["endTime"] = end_time;
  if (auto name = attributes.FirstText("gen_ai.tool.name", "genkit:name", "logfire.msg", "ai.toolCall.name")) {
    body["name"] = *name;
  } else if (auto operation = attributes.Text("ai.operationId")) {
    auto function_id = attributes.Text("ai.telemetry.functionId");
    body["name"] = function_id ? *function_id + ":" + *operation : *operation;
  } else {
    body["name"] = span.name;
  }
  if (environment) body["environment"] = *environment;
  if (version) body["version"] = *version;
  if (is_app_root) body["isAppRoot"] = true;

  InputOutput io = MapInputOutput(attributes, span);
  if (io.input) body["input"] = *io.input;
  if (io.output) body["output"] = *io.output;

  if (auto level = attributes.Text("langfuse.observation.level")) {
    body["level"] = NormalizeLevel(*level);
  } else if (span.status_code == 2) {
    body["level"] = "ERROR";
  }
  if (auto message = attributes.Text("langfuse.observation.status_message")) {
    body["statusMessage"] = *message;
  } else if (!span.status_message.empty()) {
    body["statusMessage"] = span.status_message;
  }

  // Model, parameters, usage and cost; agent spans repeat their children's
  // totals, so they get none.
  const std::string operation = attributes.Text("gen_ai.operation.name").value_or("");
  if (operation != "invoke_agent" && operation != "agent_step") {
    if (auto model = attributes.FirstText("langfuse.observation.model.name", "gen_ai.response.model", "ai.model.id",
                                          "gen_ai.request.model", "llm.response.model", "llm.model_name", "model")) {
      body["model"] = *model;
    }
    bool parsable = false;
    std::optional<bj::object> parameters =
        ParseJsonObjectAttribute(attributes, "langfuse.observation.model.parameters", parsable);
    if (!parameters) parameters = ParseJsonObjectAttribute(attributes, "llm.invocation_parameters", parsable);
    if (!parameters) parameters = ParseJsonObjectAttribute(attributes, "model_config", parsable);
    if (!parameters) {
      bj::object request = attributes.WithPrefix("gen_ai.request");
      request.erase("model");
      if (!request.empty()) parameters = std::move(request);
    }
    if (parameters) {
      for (auto& entry : *parameters) {
        if (entry.value().is_object() || entry.value().is_array()) entry.value() = json::Serialize(entry.value());
      }
      body["modelParameters"] = std::move(*parameters);
    }

    std::optional<bj::object> usage =
        ParseJsonObjectAttribute(attributes, "langfuse.observation.usage_details", parsable);
    if (!usage && !parsable) usage = GenAiUsage(attributes);
    if (usage) body["usageDetails"] = std::move(*usage);

    std::optional<bj::object> cost = ParseJsonObjectAttribute(attributes, "langfuse.observation.cost_details", parsable);
    if (!cost) {
      if (const bj::value* total = attributes.Find("gen_ai.usage.cost")) cost = bj::object{{"total", *total}};
    }
    if (!cost) {
      if (const bj::value* total = attributes.Find("llm.cost.total")) cost = bj::object{{"total", *total}};
    }
    if (cost) {
      for (auto& entry : *cost) {
        if (entry.value().is_string()) entry.value() = std::strtod(std::string(entry.value().as_string()).c_str(), nullptr);
      }
      body["costDetails"] = std::move(*cost);
    }
  }

  // completion_start_time arrives JSON-encoded from the v5 SDK ("\"…Z\"").
  if (auto completion = attributes.Text("langfuse.observation.completion_start_time")) {
    std::string text = *completion;
    if (auto parsed = ParseJson(text); parsed && parsed->is_string()) text = std::string(parsed->as_string());
    if (auto time = ParseIsoTimestamp(text)) body["completionStartTime"] = FormatIsoMillis(TruncateToMillis(*time));
  }

  if (type == "GENERATION") {
    std::optional<std::string> prompt_name = attributes.FirstText("langfuse.observation.prompt.name", "langfuse.prompt.name");
    std::optional<std::string> prompt_version =
        attributes.FirstText("langfuse.observation.prompt.version", "langfuse.prompt.version");
    if (!prompt_name) {
      if (auto linked = attributes.Text("ai.telemetry.metadata.langfusePrompt")) {
        auto parsed = ParseJson(*linked);
        if (parsed && parsed->is_object()) {
          const bj::value* name = parsed->as_object().if_contains("name");
          const bj::value* number = parsed->as_object().if_contains("version");
          if (name) prompt_name = Attributes::ToText(*name);
          if (number) prompt_version = Attributes::ToText(*number);
        }
      }
    }
    if (prompt_name && prompt_version) {
      char* end_ptr = nullptr;
      const long long number = std::strtoll(prompt_version->c_str(), &end_ptr, 10);
      if (*end_ptr == '\0' && number > 0) {
        body["promptName"] = *prompt_name;
        body["promptVersion"] = number;
      }
    }
  }

  // Trace-level fields, read before the metadata so their keys count as used.
  std::optional<std::string> user_id =
      attributes.FirstText("langfuse.user.id", "user.id", "langfuse.observation.metadata.langfuse_user_id",
                           "langfuse.trace.metadata.langfuse_user_id", "ai.telemetry.metadata.userId");
  std::optional<std::string> session_id = attributes.FirstText(
      "langfuse.session.id", "session.id", "gen_ai.conversation.id", "langfuse.observation.metadata.langfuse_session_id",
      "langfuse.trace.metadata.langfuse_session_id", "ai.telemetry.metadata.sessionId");
  std::optional<bj::array> tags;
  for (const char* key : {"langfuse.trace.tags", "langfuse.tags", "langfuse.observation.metadata.langfuse_tags",
                          "langfuse.trace.metadata.langfuse_tags", "ai.telemetry.metadata.tags", "tag.tags"}) {
    if (tags) break;
    if (const bj::value* value = attributes.Find(key)) tags = ParseTags(*value);
  }
  const bj::value* public_value = attributes.Find("langfuse.trace.public");
  if (!public_value) public_value = attributes.Find("langfuse.public");
  std::optional<std::string> trace_name = attributes.Text("langfuse.trace.name");
  std::optional<bj::value> trace_input = AttributeValue(attributes, "langfuse.trace.input");
  std::optional<bj::value> trace_output = AttributeValue(attributes, "langfuse.trace.output");

  // Metadata.
  bj::object user_metadata;
  MergeMetadata(user_metadata, attributes, "langfuse.observation.metadata");
  bj::object trace_metadata;
  MergeMetadata(trace_metadata, attributes, "langfuse.trace.metadata");
  bj::object shared;
  MergeSdkTelemetryMetadata(shared, attributes);
  MergeResourceTraceMetadata(shared, span.resource_attributes);
  DeepMerge(trace_metadata, shared);

  bj::object metadata = user_metadata;
  DeepMerge(metadata, shared);
  metadata["resourceAttributes"] = span.resource_attributes;
  metadata["scope"] = bj::object{{"name", span.scope_name}, {"version", span.scope_version}, {"attributes", span.scope_attributes}};
  if (!span.scope_name.starts_with("langfuse-sdk")) {
    bj::object rest = attributes.Unused();
    if (!rest.empty()) metadata["attributes"] = std::move(rest);
  }
  body["metadata"] = std::move(metadata);

  const std::string observation_type = Lower(type);
  out.push_back(bj::object{{"id", "otel-observation-" + span.span_id},
                           {"type", observation_type + "-create"},
                           {"timestamp", start_time},
                           {"body", std::move(body)}});

  // Trace event: full for roots, partial for spans with trace attributes,
  // otherwise shallow.
  bj::object trace{{"id", span.trace_id}, {"timestamp", start_time}};
  if (environment) trace["environment"] = *environment;
  const bool partial = HasTraceAttributes(span.attributes);
  if (is_root || partial) {
    if (trace_name) {
      trace["name"] = *trace_name;
    } else if (is_root) {
      trace["name"] = out.back().as_object().at("body").as_object().at("name");
    }
    if (trace_input) {
      trace["input"] = *trace_input;
    } else if (is_root && io.input) {
      trace["input"] = *io.input;
    }
    if (trace_output) {
      trace["output"] = *trace_output;
    } else if (is_root && io.output) {
      trace["output"] = *io.output;
    }
    if (is_root) DeepMerge(trace_metadata, user_metadata);
    if (!trace_metadata.empty()) trace["metadata"] = std::move(trace_metadata);
    if (user_id) trace["userId"] = *user_id;
    if (session_id) trace["sessionId"] = *session_id;
    if (tags) trace["tags"] = std::move(*tags);
    if (public_value) trace["public"] = IsTrue(public_value);
    if (version) trace["version"] = *version;
    if (release) trace["release"] = *release;
  }
  out.push_back(bj::object{{"id", "otel-trace-" + span.span_id},
                           {"type", "trace-create"},
                           {"timestamp", start_time},
                           {"body", std::move(trace)}});
}

}  // namespace

std::vector<bj::value> MapSpansToEvents(const std::vector<OtelSpan>& spans, Micros received_at) {
  std::vector<bj::value> events;
  events.reserve(spans.size() * 2);
  for (const OtelSpan& span : spans) MapSpan(span, received_at, events);
  return events;
}

}  // namespace tally::tracing
