#include "prompts/compile.h"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <vector>

#include "core/json.h"

namespace tally::prompts {

namespace bj = boost::json;

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// ---- JavaScript value semantics ---------------------------------------------

// Number::toString: integers up to 2^53 exactly, others as the nearest double
// with shortest digits and an exponent without padding ("1e-7", "1e+21").
std::string JsNumber(const bj::value& value) {
  constexpr int64_t kMaxSafe = int64_t{1} << 53;
  if (value.is_int64() && value.as_int64() >= -kMaxSafe && value.as_int64() <= kMaxSafe) {
    return std::to_string(value.as_int64());
  }
  if (value.is_uint64() && value.as_uint64() <= static_cast<uint64_t>(kMaxSafe)) {
    return std::to_string(value.as_uint64());
  }
  const double number = value.is_double() ? value.as_double()
                        : value.is_int64() ? static_cast<double>(value.as_int64())
                                           : static_cast<double>(value.as_uint64());
  // JavaScript switches to exponent form below 1e-6, where FormatNumber
  // still prints digits.
  std::string text;
  if (number != 0 && std::abs(number) < 1e-6) {
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::scientific);
    text.assign(buffer, result.ptr);
  } else {
    text = json::FormatNumber(number);
  }
  const size_t e = text.find('e');
  if (e != std::string::npos && e + 2 < text.size()) {
    size_t digits = e + 2;
    while (digits + 1 < text.size() && text[digits] == '0') text.erase(digits, 1);
  }
  return text;
}

// String(value) for the values a JSON document can hold.
std::string JsString(const bj::value& value) {
  switch (value.kind()) {
    case bj::kind::null: return "";
    case bj::kind::bool_: return value.as_bool() ? "true" : "false";
    case bj::kind::int64:
    case bj::kind::uint64:
    case bj::kind::double_: return JsNumber(value);
    case bj::kind::string: return std::string(value.as_string());
    case bj::kind::object: return "[object Object]";
    case bj::kind::array: {
      // Array.prototype.join: null elements become "", others String().
      std::string joined;
      bool first = true;
      for (const bj::value& element : value.as_array()) {
        if (!first) joined += ',';
        first = false;
        joined += JsString(element);
      }
      return joined;
    }
  }
  return "";
}

bool JsTruthy(const std::optional<bj::value>& value) {
  if (!value) return false;
  switch (value->kind()) {
    case bj::kind::null: return false;
    case bj::kind::bool_: return value->as_bool();
    case bj::kind::int64: return value->as_int64() != 0;
    case bj::kind::uint64: return value->as_uint64() != 0;
    case bj::kind::double_: return value->as_double() != 0;
    case bj::kind::string: return !value->as_string().empty();
    default: return true;
  }
}

// A canonical array index: "0" or digits without a leading zero.
std::optional<size_t> ArrayIndex(std::string_view key) {
  if (key.empty() || key.size() > 9 || (key.size() > 1 && key[0] == '0')) return std::nullopt;
  size_t index = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + static_cast<size_t>(c - '0');
  }
  return index;
}

// UTF-16 code units in UTF-8 text: what JavaScript's String length counts.
size_t Utf16Length(std::string_view text) {
  size_t units = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) == 0x80) continue;
    units += c >= 0xF0 ? 2 : 1;
  }
  return units;
}

// `object[key]` for the properties JSON values have in JavaScript: object
// keys, array indices and length, string length. nullopt is undefined.
// NOTE: inherited properties (toString, constructor) and indexing into
// strings are not modelled; mustache.js would print a function or character.
std::optional<bj::value> Property(const bj::value& holder, std::string_view key) {
  if (holder.is_object()) {
    if (const bj::value* found = holder.as_object().if_contains(key)) return *found;
    return std::nullopt;
  }
  if (holder.is_array()) {
    const bj::array& array = holder.as_array();
    if (key == "length") return bj::value(static_cast<int64_t>(array.size()));
    if (auto index = ArrayIndex(key); index && *index < array.size()) return array[*index];
    return std::nullopt;
  }
  if (holder.is_string() && key == "length") return bj::value(static_cast<int64_t>(Utf16Length(holder.as_string())));
  return std::nullopt;
}

// ---- mustache.js 4.2 ----------------------------------------------------------

struct Token {
  char type = 't';  // 't' text, 'n' escaped name, '&' unescaped, '#', '^', '/', '>', '!', '='
  std::string value;
  bool deleted = false;
  std::vector<Token> children;  // sections only, after nesting
};

Error TemplateError(std::string message) { return Error::InvalidField("template", std::move(message)); }

// A tokenizer that follows mustache.js's parseTemplate step by step, so
// whitespace around standalone tags and custom delimiters behave the same.
class MustacheParser {
 public:
  explicit MustacheParser(std::string_view text) : text_(text) {}

  Result<std::vector<Token>> Parse() {
    if (text_.empty()) return std::vector<Token>();
    std::vector<std::string> sections;

    while (pos_ < text_.size()) {
      // Text up to the next opening delimiter, one token per character so a
      // standalone line's whitespace can be deleted afterwards.
      const std::string_view text = ScanUntil(open_, false);
      for (char c : text) {
        if (IsSpace(c)) {
          spaces_.push_back(tokens_.size());
        } else {
          non_space_ = true;
        }
        tokens_.push_back(Token{'t', std::string(1, c)});
        if (c == '\n') StripSpace();
      }

      if (!Scan(open_)) break;
      SkipSpace();
      has_tag_ = true;

      char type = 'n';
      if (pos_ < text_.size() && std::string_view("#^/>{&=!").find(text_[pos_]) != std::string_view::npos) {
        type = text_[pos_++];
      }
      SkipSpace();

      std::string value;
      if (type == '=') {
        value = std::string(ScanUntil("="));
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == '=') ++pos_;
        ScanUntil(close_);
      } else if (type == '{') {
        value = std::string(ScanUntil("}" + close_));
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == '}') ++pos_;
        ScanUntil(close_);
        type = '&';
      } else {
        value = std::string(ScanUntil(close_));
      }
      SkipSpace();
      if (!Scan(close_)) return TemplateError(fmt::format("Unclosed tag at {}", pos_));
      tokens_.push_back(Token{type, value});

      if (type == '#' || type == '^') {
        sections.push_back(value);
      } else if (type == '/') {
        if (sections.empty()) return TemplateError(fmt::format("Unopened section \"{}\"", value));
        if (sections.back() != value) return TemplateError(fmt::format("Unclosed section \"{}\"", sections.back()));
        sections.pop_back();
      } else if (type == 'n' || type == '&') {
        non_space_ = true;
      } else if (type == '=') {
        TALLY_TRY(SetDelimiters(value));
      }
    }
    StripSpace();
    if (!sections.empty()) return TemplateError(fmt::format("Unclosed section \"{}\"", sections.back()));

    size_t index = 0;
    return Nest(index);
  }

 private:
  // Text up to where `needle` first matches, or the rest of the input; the
  // position moves to the start of that match. With `leading_space` the
  // match is `\s*<needle>`, as in mustache.js's closing-tag patterns.
  std::string_view ScanUntil(const std::string& needle, bool leading_space = true) {
    const size_t start = pos_;
    size_t found = text_.find(needle, pos_);
    if (found == std::string_view::npos) {
      pos_ = text_.size();
      return text_.substr(start);
    }
    while (leading_space && found > start && IsSpace(text_[found - 1])) --found;
    pos_ = found;
    return text_.substr(start, found - start);
  }

  bool Scan(const std::string& literal) {
    if (text_.substr(pos_, literal.size()) != literal) return false;
    pos_ += literal.size();
    return true;
  }

  void SkipSpace() {
    while (pos_ < text_.size() && IsSpace(text_[pos_])) ++pos_;
  }

  // Deletes the whitespace of a line that holds only non-output tags.
  void StripSpace() {
    if (has_tag_ && !non_space_) {
      for (size_t index : spaces_) tokens_[index].deleted = true;
    }
    spaces_.clear();
    has_tag_ = false;
    non_space_ = false;
  }

  Result<void> SetDelimiters(std::string_view value) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i < value.size() && parts.size() < 2) {
      size_t end = i;
      while (end < value.size() && !IsSpace(value[end])) ++end;
      parts.emplace_back(value.substr(i, end - i));
      i = end;
      while (i < value.size() && IsSpace(value[i])) ++i;
    }
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) {
      return TemplateError(fmt::format("Invalid tags: {}", value));
    }
    open_ = parts[0];
    close_ = parts[1];
    return Ok();
  }

  // Merges adjacent text and builds the section tree from `index` up to the
  // matching closing tag (already checked by Parse).
  std::vector<Token> Nest(size_t& index) {
    std::vector<Token> nested;
    while (index < tokens_.size()) {
      Token& token = tokens_[index++];
      if (token.deleted) continue;
      if (token.type == 't') {
        if (!nested.empty() && nested.back().type == 't') {
          nested.back().value += token.value;
        } else {
          nested.push_back(std::move(token));
        }
      } else if (token.type == '#' || token.type == '^') {
        Token section = std::move(token);
        section.children = Nest(index);
        nested.push_back(std::move(section));
      } else if (token.type == '/') {
        return nested;
      } else {
        nested.push_back(std::move(token));
      }
    }
    return nested;
  }

  std::string_view text_;
  size_t pos_ = 0;
  std::string open_ = "{{";
  std::string close_ = "}}";
  std::vector<Token> tokens_;
  std::vector<size_t> spaces_;  // text tokens of whitespace on the current line
  bool has_tag_ = false;
  bool non_space_ = false;
};

// The view stack of mustache.js's Context, innermost last.
using ContextStack = std::vector<bj::value>;

// Context.prototype.lookup: "." is the innermost view; a dotted name is
// resolved whole in one view before trying the next one out.
std::optional<bj::value> Lookup(const ContextStack& stack, const std::string& name) {
  if (name == ".") return stack.back();

  const size_t dot = name.find('.');
  const bool dotted = dot != std::string::npos && dot > 0;
  for (auto view = stack.rbegin(); view != stack.rend(); ++view) {
    if (!dotted) {
      if (view->is_object() || view->is_array()) {
        if (auto found = Property(*view, name)) return found;
      }
      continue;
    }

    std::optional<bj::value> current = *view;
    bool hit = false;
    size_t start = 0;
    while (current && !current->is_null()) {
      const size_t end = name.find('.', start);
      const std::string_view part = std::string_view(name).substr(start, end == std::string::npos ? end : end - start);
      auto next = Property(*current, part);
      if (end == std::string::npos) {
        hit = next.has_value();
        current = std::move(next);
        break;
      }
      current = std::move(next);
      start = end + 1;
    }
    if (hit) return current;
  }
  return std::nullopt;
}

void Render(const std::vector<Token>& tokens, ContextStack& stack, std::string& out) {
  for (const Token& token : tokens) {
    switch (token.type) {
      case 't': out += token.value; break;
      case 'n':
      case '&': {
        // Escaping is switched off in the SDKs, so both forms print the same.
        auto value = Lookup(stack, token.value);
        if (value && !value->is_null()) out += JsString(*value);
        break;
      }
      case '#': {
        auto value = Lookup(stack, token.value);
        if (!JsTruthy(value)) break;
        if (value->is_array()) {
          for (const bj::value& element : value->as_array()) {
            stack.push_back(element);
            Render(token.children, stack, out);
            stack.pop_back();
          }
        } else if (value->is_bool()) {
          Render(token.children, stack, out);
        } else {
          stack.push_back(std::move(*value));
          Render(token.children, stack, out);
          stack.pop_back();
        }
        break;
      }
      case '^': {
        auto value = Lookup(stack, token.value);
        if (!JsTruthy(value) || (value->is_array() && value->as_array().empty())) Render(token.children, stack, out);
        break;
      }
      default: break;  // comments, partials (none are passed) and delimiter changes print nothing
    }
  }
}

// ---- substitution -------------------------------------------------------------

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; }

// Replaces every match of /{{\s*([\w.]+)\s*}}/ whose name is a key of
// `variables`, scanning left to right as String.prototype.replace does.
std::string Substitute(std::string_view text, const bj::object& variables) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "{{") != 0) {
      out += text[i++];
      continue;
    }
    size_t j = i + 2;
    while (j < text.size() && IsSpace(text[j])) ++j;
    const size_t name_start = j;
    while (j < text.size() && IsWordChar(text[j])) ++j;
    const size_t name_end = j;
    while (j < text.size() && IsSpace(text[j])) ++j;
    if (name_end == name_start || text.compare(j, 2, "}}") != 0) {
      out += text[i++];
      continue;
    }

    const size_t match_end = j + 2;
    const bj::value* value = variables.if_contains(text.substr(name_start, name_end - name_start));
    if (!value) {
      out.append(text.substr(i, match_end - i));
    } else if (value->is_string()) {
      out.append(value->as_string());
    } else if (!value->is_null()) {
      out += json::Serialize(*value);
    }
    i = match_end;
  }
  return out;
}

bool IsChatMessage(const bj::value& value) {
  return value.is_object() && value.as_object().contains("role") && value.as_object().contains("content");
}

}  // namespace

Result<std::string> RenderTemplate(std::string_view text, const bj::object& variables, TemplateEngine engine) {
  if (engine == TemplateEngine::kSubstitution) return Substitute(text, variables);

  TALLY_ASSIGN_OR_RETURN(tokens, MustacheParser(text).Parse());
  ContextStack stack{bj::value(variables)};
  std::string out;
  Render(tokens, stack, out);
  return out;
}

Result<bj::array> CompileChatMessages(const bj::array& messages, const bj::object& variables,
                                      const bj::object& placeholders, TemplateEngine engine) {
  // Step 1: splice placeholder values in; keep only placeholders and messages.
  bj::array spliced;
  for (const bj::value& item : messages) {
    if (!item.is_object()) continue;
    const bj::object& message = item.as_object();
    const bj::value* type = message.if_contains("type");
    if (type && type->is_string() && type->as_string() == "placeholder") {
      const bj::value* name = message.if_contains("name");
      const bj::value* value = name && name->is_string() ? placeholders.if_contains(name->as_string()) : nullptr;
      if (!value) {
        spliced.push_back(item);
      } else if (value->is_array() && value->as_array().empty()) {
        // An empty list removes the placeholder.
      } else if (value->is_array() &&
                 std::all_of(value->as_array().begin(), value->as_array().end(), IsChatMessage)) {
        for (const bj::value& inserted : value->as_array()) spliced.push_back(inserted);
      } else {
        spliced.push_back(bj::value(json::Serialize(*value)));
      }
    } else if (IsChatMessage(item)) {
      spliced.push_back(bj::object{{"role", message.at("role")}, {"content", message.at("content")}});
    }
  }

  // Step 2: render the content of every message, spliced ones included.
  for (size_t i = 0; i < spliced.size(); ++i) {
    if (!IsChatMessage(spliced[i])) continue;
    bj::object& message = spliced[i].as_object();
    if (!message.at("content").is_string()) {
      return Error::InvalidField(fmt::format("messages.{}.content", i), "Message content must be a string");
    }
    TALLY_ASSIGN_OR_RETURN(content, RenderTemplate(message.at("content").as_string(), variables, engine));
    message["content"] = content;
  }
  return spliced;
}

}  // namespace tally::prompts
