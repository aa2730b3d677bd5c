// Compiling prompts: filling a prompt version's {{variables}} and chat
// placeholders, for previews that must show what the SDKs will send.
//
// Two template engines exist because the reference clients differ.
//   kMustache      The JS SDKs (langfuse 3.x, @langfuse/client 5.x) render
//                  with mustache.js 4.2 and HTML escaping switched off:
//                  `{{ name }}` with inner whitespace, `{{{name}}}` and
//                  `{{&name}}`, dotted names, sections `{{#x}}…{{/x}}`,
//                  inverted sections, comments, `{{=<% %>=}}`, standalone
//                  tag lines removed. A missing variable renders as "".
//                  Values print as JavaScript's String() would: 0, false,
//                  "[object Object]" for objects, arrays joined with ",".
//   kSubstitution  Langfuse's own server templating and its Python SDK:
//                  each `{{ name }}` whose name is word characters and dots
//                  is replaced by that top-level key's value (strings as is,
//                  null as "", anything else as JSON text); a missing
//                  variable is left in the output as written.
// Neither engine escapes HTML.
//
// Chat prompts: each placeholder message {type: "placeholder", name} is
// replaced by the list of messages given for its name (an empty list removes
// it; a value that is not a list of {role, content} objects is inserted as
// its JSON text; no value keeps the placeholder), then every message's
// content is rendered with the variables.
//
// Thread-safety: pure functions.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>

#include "core/result.h"

namespace tally::prompts {

enum class TemplateEngine { kMustache, kSubstitution };

// The rendered text. kInvalidArgument for a template mustache.js rejects: an
// unclosed tag or section, or a section closed under another name. The
// substitution engine accepts every template.
[[nodiscard]] Result<std::string> RenderTemplate(std::string_view text, const boost::json::object& variables,
                                                 TemplateEngine engine);

// The compiled chat messages, as the JS SDKs return them. kInvalidArgument
// when a message's template is rejected or a message spliced in from a
// placeholder has content that is not a string.
[[nodiscard]] Result<boost::json::array> CompileChatMessages(const boost::json::array& messages,
                                                             const boost::json::object& variables,
                                                             const boost::json::object& placeholders,
                                                             TemplateEngine engine);

}  // namespace tally::prompts
