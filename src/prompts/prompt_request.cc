#include "prompts/prompt_request.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "core/json.h"

namespace tally::prompts {

namespace bj = boost::json;

namespace {

constexpr size_t kMaxCommitMessage = 500;
constexpr size_t kMaxLabelLength = 36;
constexpr int64_t kMaxPageLimit = 100;
constexpr int64_t kMaxPage = 1'000'000'000;

bool IsLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
}

// Placeholder names are identifiers: a letter, then letters, digits or '_'.
bool IsPlaceholderName(std::string_view name) {
  if (name.empty() || !std::isalpha(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// Names inside {{ }} in `text`, with surrounding whitespace removed.
void CollectVariableNames(std::string_view text, std::set<std::string>& names) {
  size_t start = 0;
  while ((start = text.find("{{", start)) != std::string_view::npos) {
    const size_t end = text.find("}}", start + 2);
    if (end == std::string_view::npos) return;
    names.insert(std::string(Trim(text.substr(start + 2, end - start - 2))));
    start = end + 2;
  }
}

Result<std::vector<std::string>> ParseStringArray(const bj::object& body, std::string_view key, bool labels) {
  std::vector<std::string> values;
  auto it = body.find(key);
  if (it == body.end() || it->value().is_null()) return values;
  if (!it->value().is_array()) return Error::InvalidField(std::string(key), "Expected an array of strings");

  const bj::array& items = it->value().as_array();
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string field = fmt::format("{}.{}", key, i);
    if (!items[i].is_string()) return Error::InvalidField(field, "Expected a string");
    const std::string_view value = items[i].as_string();
    if (labels && (value.empty() || value.size() > kMaxLabelLength || !std::all_of(value.begin(), value.end(), IsLabelChar))) {
      return Error::InvalidField(field, "Labels are 1 to 36 characters of lowercase letters, digits, '_', '-' and '.'");
    }
    values.emplace_back(value);
  }
  return values;
}

// Checks chat messages and returns them as stored: {role, content} or
// {type: "placeholder", name}.
Result<bj::array> ParseChatMessages(const bj::value& prompt) {
  if (!prompt.is_array()) return Error::InvalidField("prompt", "A chat prompt needs an array of messages");

  bj::array messages;
  std::set<std::string> placeholders;
  std::set<std::string> variables;
  const bj::array& items = prompt.as_array();
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string field = fmt::format("prompt.{}", i);
    if (!items[i].is_object()) return Error::InvalidField(field, "Expected a chat message object");
    const bj::object& item = items[i].as_object();

    const bj::value* type = item.if_contains("type");
    if (type && type->is_string() && type->as_string() == "placeholder") {
      const bj::value* name = item.if_contains("name");
      if (!name || !name->is_string() || !IsPlaceholderName(name->as_string())) {
        return Error::InvalidField(field + ".name",
                                   "Placeholder names start with a letter and contain only letters, digits and '_'");
      }
      placeholders.insert(std::string(name->as_string()));
      messages.push_back(bj::object{{"type", "placeholder"}, {"name", *name}});
      continue;
    }

    const bj::value* role = item.if_contains("role");
    if (!role || !role->is_string()) return Error::InvalidField(field + ".role", "Expected a string");
    const bj::value* content = item.if_contains("content");
    if (!content || !content->is_string()) return Error::InvalidField(field + ".content", "Expected a string");
    CollectVariableNames(content->as_string(), variables);
    messages.push_back(bj::object{{"role", *role}, {"content", *content}});
  }

  for (const std::string& name : placeholders) {
    if (variables.count(name)) {
      return Error::InvalidField("prompt", fmt::format("The variable {{{{{}}}}} has the name of a placeholder; "
                                                       "rename one of them",
                                                       name));
    }
  }
  return messages;
}

Result<std::optional<Micros>> TimeParam(const http::Request& request, std::string_view key) {
  auto text = request.Query(key);
  if (!text) return std::optional<Micros>();
  auto parsed = ParseIsoTimestamp(*text);
  if (!parsed) {
    return Error::InvalidField(std::string(key), "Expected an ISO 8601 datetime with a zone, e.g. 2026-01-05T10:00:00Z");
  }
  return std::optional<Micros>(*parsed);
}

}  // namespace

Result<std::optional<int64_t>> IntParam(const http::Request& request, std::string_view key) {
  auto text = request.Query(key);
  if (!text) return std::optional<int64_t>();
  int64_t value = 0;
  const char* end = text->data() + text->size();
  auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (ec != std::errc() || ptr != end || text->empty()) {
    return Error::InvalidField(std::string(key), "Expected an integer");
  }
  return std::optional<int64_t>(value);
}

Result<void> CheckPromptName(std::string_view name) {
  if (Trim(name).empty()) return Error::InvalidField("name", "Enter a name");
  const size_t open = name.find('<');
  if (open != std::string_view::npos && name.find('>', open) != std::string_view::npos) {
    return Error::InvalidField("name", "Name cannot contain HTML tags");
  }
  if (name.find('|') != std::string_view::npos) return Error::InvalidField("name", "Name cannot contain '|'");
  if (name.front() == '/' || name.back() == '/' || name.find("//") != std::string_view::npos) {
    return Error::InvalidField("name", "Name cannot start or end with '/' or contain '//'");
  }
  if (name == "new" || name == "metrics" || name == "prompt-detail") {
    return Error::InvalidField("name", fmt::format("'{}' is a reserved name", name));
  }
  return Ok();
}

Result<NewPromptVersion> ParseNewPromptVersion(std::string_view body) {
  TALLY_ASSIGN_OR_RETURN(object, json::ParseObject(body));
  NewPromptVersion draft;

  TALLY_ASSIGN_OR_RETURN(name, json::RequireString(object, "name"));
  TALLY_TRY(CheckPromptName(name));
  draft.name = std::move(name);

  TALLY_ASSIGN_OR_RETURN(type, json::OptionalString(object, "type"));
  if (type && *type != "text" && *type != "chat") {
    return Error::InvalidField("type", "Invalid enum value. Expected 'text' | 'chat'");
  }
  draft.type = type == "chat" ? PromptType::kChat : PromptType::kText;

  const bj::value* prompt = object.if_contains("prompt");
  if (!prompt || prompt->is_null()) return Error::InvalidField("prompt", "This field is required.");
  if (draft.type == PromptType::kText) {
    if (!prompt->is_string()) return Error::InvalidField("prompt", "A text prompt must be a string");
    draft.prompt = *prompt;
  } else {
    TALLY_ASSIGN_OR_RETURN(messages, ParseChatMessages(*prompt));
    draft.prompt = std::move(messages);
  }

  if (const bj::value* config = object.if_contains("config"); config && !config->is_null()) draft.config = *config;

  TALLY_ASSIGN_OR_RETURN(labels, ParseStringArray(object, "labels", true));
  draft.labels = std::move(labels);

  if (const bj::value* tags = object.if_contains("tags"); tags && !tags->is_null()) {
    TALLY_ASSIGN_OR_RETURN(parsed, ParseStringArray(object, "tags", false));
    draft.tags = std::move(parsed);
  }

  TALLY_ASSIGN_OR_RETURN(commit_message, json::OptionalString(object, "commitMessage"));
  if (commit_message && commit_message->size() > kMaxCommitMessage) {
    return Error::InvalidField("commitMessage", "Keep the commit message to 500 characters or fewer");
  }
  draft.commit_message = std::move(commit_message);
  return draft;
}

Result<std::vector<std::string>> ParseNewLabels(std::string_view body) {
  TALLY_ASSIGN_OR_RETURN(object, json::ParseObject(body));
  const bj::value* labels = object.if_contains("newLabels");
  if (!labels || !labels->is_array()) return Error::InvalidField("newLabels", "Expected an array of strings");
  TALLY_ASSIGN_OR_RETURN(parsed, ParseStringArray(object, "newLabels", false));
  if (std::find(parsed.begin(), parsed.end(), kLatestLabel) != parsed.end()) {
    return Error::Invalid("Label 'latest' is always assigned to the latest prompt version");
  }
  return parsed;
}

Result<VersionSelector> ParseVersionSelector(const http::Request& request) {
  VersionSelector selector;
  TALLY_ASSIGN_OR_RETURN(version, IntParam(request, "version"));
  selector.version = version;
  selector.label = request.Query("label");
  if (selector.version && selector.label) {
    return Error::InvalidField("label", "Send either version or label, not both");
  }
  return selector;
}

Result<std::pair<int64_t, int64_t>> ParsePage(const http::Request& request, int64_t default_limit) {
  TALLY_ASSIGN_OR_RETURN(page, IntParam(request, "page"));
  TALLY_ASSIGN_OR_RETURN(limit, IntParam(request, "limit"));
  if (page && *page < 1) return Error::InvalidField("page", "Expected an integer of 1 or more");
  // Bounded so that (page - 1) * limit, the SQL offset, fits in 64 bits.
  if (page && *page > kMaxPage) {
    return Error::InvalidField("page", fmt::format("Expected an integer of at most {}", kMaxPage));
  }
  if (limit && (*limit < 1 || *limit > kMaxPageLimit)) {
    return Error::InvalidField("limit", "Expected an integer from 1 to 100");
  }
  return std::make_pair(page.value_or(1), limit.value_or(default_limit));
}

Result<PromptListFilter> ParseListFilter(const http::Request& request) {
  PromptListFilter filter;
  filter.name = request.Query("name");
  TALLY_ASSIGN_OR_RETURN(version, IntParam(request, "version"));
  filter.version = version;
  filter.label = request.Query("label");
  filter.tag = request.Query("tag");
  TALLY_ASSIGN_OR_RETURN(from, TimeParam(request, "fromUpdatedAt"));
  filter.from_updated_at = from;
  TALLY_ASSIGN_OR_RETURN(to, TimeParam(request, "toUpdatedAt"));
  filter.to_updated_at = to;
  TALLY_ASSIGN_OR_RETURN(page, ParsePage(request, 10));
  filter.page = page.first;
  filter.limit = page.second;
  return filter;
}

}  // namespace tally::prompts
