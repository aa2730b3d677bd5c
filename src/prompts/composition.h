// Prompt composition: a prompt's text may embed another text prompt with a
// tag `@@@langfusePrompt:name=<name>|label=<label>@@@` or
// `@@@langfusePrompt:name=<name>|version=<n>@@@`, as in Langfuse.
//
// Creating a version checks every tag: the referenced prompt must exist and
// be a text prompt, the chain may be at most kMaxCompositionDepth prompts
// deep counting the root, and a prompt may not reach itself. Reading a
// version replaces each tag with the referenced prompt's resolved text and
// reports the graph of prompts used.
//
// Thread-safety: stateless functions on a borrowed connection.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

#include "prompts/prompt_store.h"

namespace tally::prompts {

inline constexpr int kMaxCompositionDepth = 5;

struct PromptReference {
  std::string tag;  // the whole tag as written, replaced on resolution
  std::string name;
  VersionSelector selector;
};

// The distinct well-formed tags in `text`, in order of first appearance.
// A tag without a name, or with neither a label nor an integer version, is
// not a reference and stays text.
std::vector<PromptReference> FindPromptReferences(std::string_view text);

// Checks the tags of a prompt about to be created as a version of `name`.
// kInvalidArgument naming the broken rule.
[[nodiscard]] Result<void> CheckPromptReferences(Connection& connection, int64_t project_id, const std::string& name,
                                                 const boost::json::value& prompt);

// Checks that deleting `versions` of `name`, or every version when `all`,
// leaves the tags of the project's other prompts resolvable: no tag may pin
// a deleted version or name a label that only a deleted version carries.
// kInvalidArgument naming the prompt whose tag would break.
// NOTE: only tags that start with `name=` are found, which is how Langfuse
// and Tally write them.
[[nodiscard]] Result<void> CheckDeleteKeepsReferences(Connection& connection, int64_t project_id,
                                                      const std::string& name, const std::vector<int64_t>& versions,
                                                      bool all);

// Replaces the tags in `version.prompt` with the referenced prompts' text
// and returns the resolution graph {root: {id, name, version}, dependencies:
// {<parent id>: [{id, name, version}]}}, or null when the prompt has no
// tags. A tag whose prompt no longer exists stays as written.
[[nodiscard]] Result<boost::json::value> ResolvePromptReferences(Connection& connection, PromptVersion& version);

}  // namespace tally::prompts
