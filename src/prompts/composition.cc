#include "prompts/composition.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace tally::prompts {

namespace bj = boost::json;

namespace {

constexpr std::string_view kTagOpen = "@@@langfusePrompt:";
constexpr std::string_view kTagClose = "@@@";

// The state of one walk over a prompt and the prompts it references.
struct Walk {
  Connection& connection;
  int64_t project_id;
  bool strict;               // create checks fail on a broken tag; reads leave it as written
  bj::object dependencies;   // parent id -> [{id, name, version}]
};

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  size_t start = 0;
  while ((start = text.find(from, start)) != std::string::npos) {
    text.replace(start, from.size(), to);
    start += to.size();
  }
}

// Returns `text` with every tag replaced by the referenced prompt's resolved
// text. `chain` lists the names from the root down to the prompt of `text`.
Result<std::string> ResolveText(Walk& walk, std::string text, const std::string& parent_id,
                                std::vector<std::string>& chain) {
  for (const PromptReference& reference : FindPromptReferences(text)) {
    if (std::find(chain.begin(), chain.end(), reference.name) != chain.end()) {
      if (!walk.strict) continue;
      return Error::Invalid(fmt::format("Prompt references form a cycle: '{}' is reached again", reference.name));
    }
    if (static_cast<int>(chain.size()) >= kMaxCompositionDepth) {
      if (!walk.strict) continue;
      return Error::Invalid(fmt::format("Prompt references nest deeper than {} prompts", kMaxCompositionDepth));
    }

    TALLY_ASSIGN_OR_RETURN(child, FindPromptVersion(walk.connection, walk.project_id, reference.name,
                                                    reference.selector));
    if (!child) {
      if (!walk.strict) continue;
      return Error::Invalid(fmt::format("Referenced prompt not found: '{}' with {}", reference.name,
                                        reference.selector.version
                                            ? fmt::format("version {}", *reference.selector.version)
                                            : fmt::format("label '{}'", *reference.selector.label)));
    }
    if (child->type != PromptType::kText || !child->prompt.is_string()) {
      if (!walk.strict) continue;
      return Error::Invalid(fmt::format("Referenced prompt '{}' is a chat prompt; only text prompts can be embedded",
                                        reference.name));
    }

    chain.push_back(reference.name);
    auto resolved = ResolveText(walk, std::string(child->prompt.as_string()), child->id, chain);
    chain.pop_back();
    if (!resolved) return resolved.error();

    bj::value& edges = walk.dependencies[parent_id];
    if (!edges.is_array()) edges = bj::array();
    edges.as_array().push_back(bj::object{{"id", child->id}, {"name", child->name}, {"version", child->version}});
    ReplaceAll(text, reference.tag, *resolved);
  }
  return text;
}

// Resolves the tags of a text prompt or of every chat message's content.
Result<void> ResolvePrompt(Walk& walk, bj::value& prompt, const std::string& id, const std::string& name) {
  std::vector<std::string> chain{name};
  if (prompt.is_string()) {
    TALLY_ASSIGN_OR_RETURN(text, ResolveText(walk, std::string(prompt.as_string()), id, chain));
    prompt = text;
    return Ok();
  }
  if (!prompt.is_array()) return Ok();
  for (bj::value& message : prompt.as_array()) {
    bj::value* content = message.is_object() ? message.as_object().if_contains("content") : nullptr;
    if (!content || !content->is_string()) continue;
    TALLY_ASSIGN_OR_RETURN(text, ResolveText(walk, std::string(content->as_string()), id, chain));
    *content = text;
  }
  return Ok();
}

}  // namespace

std::vector<PromptReference> FindPromptReferences(std::string_view text) {
  std::vector<PromptReference> references;
  size_t start = 0;
  while ((start = text.find(kTagOpen, start)) != std::string_view::npos) {
    const size_t end = text.find(kTagClose, start + kTagOpen.size());
    if (end == std::string_view::npos) break;
    const std::string_view body = text.substr(start + kTagOpen.size(), end - start - kTagOpen.size());
    const std::string_view tag = text.substr(start, end + kTagClose.size() - start);
    start = end + kTagClose.size();

    PromptReference reference;
    reference.tag = std::string(tag);
    std::optional<std::string> version_text;
    size_t field_start = 0;
    while (field_start <= body.size()) {
      size_t field_end = body.find('|', field_start);
      if (field_end == std::string_view::npos) field_end = body.size();
      const std::string_view field = body.substr(field_start, field_end - field_start);
      const size_t equals = field.find('=');
      if (equals != std::string_view::npos) {
        const std::string_view key = field.substr(0, equals);
        const std::string value(field.substr(equals + 1));
        if (key == "name") reference.name = value;
        if (key == "label") reference.selector.label = value;
        if (key == "version") version_text = value;
      }
      field_start = field_end + 1;
    }

    if (version_text) {
      int64_t version = 0;
      const char* last = version_text->data() + version_text->size();
      auto [ptr, ec] = std::from_chars(version_text->data(), last, version);
      if (ec != std::errc() || ptr != last) continue;
      reference.selector = VersionSelector{.version = version};
    }
    if (reference.name.empty() || (!reference.selector.version && !reference.selector.label)) continue;
    const bool seen = std::any_of(references.begin(), references.end(),
                                  [&](const PromptReference& other) { return other.tag == reference.tag; });
    if (!seen) references.push_back(std::move(reference));
  }
  return references;
}

Result<void> CheckPromptReferences(Connection& connection, int64_t project_id, const std::string& name,
                                   const bj::value& prompt) {
  if (bj::serialize(prompt).find(kTagOpen) == std::string::npos) return Ok();
  Walk walk{connection, project_id, true, {}};
  bj::value copy = prompt;
  return ResolvePrompt(walk, copy, "", name);
}

Result<void> CheckDeleteKeepsReferences(Connection& connection, int64_t project_id, const std::string& name,
                                        const std::vector<int64_t>& versions, bool all) {
  // Candidates by substring, then confirmed by parsing their tags.
  const std::string needle = std::string(kTagOpen) + "name=" + name + "|";
  const char* contains = connection.dialect() == store::Dialect::kPostgres ? "strpos(prompt, ?) > 0"
                                                                            : "instr(prompt, ?) > 0";
  TALLY_ASSIGN_OR_RETURN(rows, connection.Query(fmt::format("SELECT name, version, prompt FROM prompts WHERE "
                                                            "project_id = ? AND name <> ? AND {}",
                                                            contains),
                                                {project_id, name, needle}));
  if (rows.empty()) return Ok();

  std::vector<std::string> doomed_labels;
  for (int64_t version : versions) {
    TALLY_ASSIGN_OR_RETURN(labels, connection.Query("SELECT label FROM prompt_labels WHERE project_id = ? AND "
                                                    "name = ? AND version = ?",
                                                    {project_id, name, version}));
    for (const store::Row& row : labels) doomed_labels.push_back(row.Text(0));
  }

  for (const store::Row& row : rows) {
    boost::system::error_code ec;
    const bj::value prompt = bj::parse(row.Text(2), ec);
    if (ec) continue;
    std::vector<std::string> texts;
    if (prompt.is_string()) texts.emplace_back(prompt.as_string());
    if (prompt.is_array()) {
      for (const bj::value& message : prompt.as_array()) {
        const bj::value* content = message.is_object() ? message.as_object().if_contains("content") : nullptr;
        if (content && content->is_string()) texts.emplace_back(content->as_string());
      }
    }

    for (const std::string& text : texts) {
      for (const PromptReference& reference : FindPromptReferences(text)) {
        if (reference.name != name) continue;
        bool breaks = all;
        if (reference.selector.version) {
          breaks = breaks || std::find(versions.begin(), versions.end(), *reference.selector.version) != versions.end();
        } else if (*reference.selector.label != kLatestLabel) {
          breaks = breaks || std::find(doomed_labels.begin(), doomed_labels.end(), *reference.selector.label) !=
                                 doomed_labels.end();
        }
        if (breaks) {
          return Error::Invalid(fmt::format("Prompt '{}' version {} embeds the prompt being deleted; remove that "
                                            "reference first",
                                            row.Text(0), row.Int(1)));
        }
      }
    }
  }
  return Ok();
}

Result<bj::value> ResolvePromptReferences(Connection& connection, PromptVersion& version) {
  if (bj::serialize(version.prompt).find(kTagOpen) == std::string::npos) return bj::value(nullptr);
  Walk walk{connection, version.project_id, false, {}};
  TALLY_TRY(ResolvePrompt(walk, version.prompt, version.id, version.name));
  if (walk.dependencies.empty()) return bj::value(nullptr);
  return bj::value(bj::object{
      {"root", bj::object{{"id", version.id}, {"name", version.name}, {"version", version.version}}},
      {"dependencies", std::move(walk.dependencies)}});
}

}  // namespace tally::prompts
