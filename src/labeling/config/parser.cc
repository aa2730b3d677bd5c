// XML to model: reads the document with pugixml, records every element with
// its source position, and warns about unknown tags and attributes.
// Typed views are built afterwards by BuildTagViews (tag_views.cc).
#include "labeling/config/parser.h"

#include "labeling/config/text_util.h"

#include <pugixml.hpp>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

namespace tally::labeling {
namespace {

// Maps byte offsets in the config text to 1-based line and column.
class PositionIndex {
 public:
  explicit PositionIndex(std::string_view text) : text_(text) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  SourcePosition At(size_t offset) const {
    offset = std::min(offset, text_.size());
    const auto after = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const size_t line_index = static_cast<size_t>(after - line_starts_.begin()) - 1;
    const size_t line_start = line_starts_[line_index];

    // Columns count code points: skip UTF-8 continuation bytes.
    int column = 1;
    for (size_t i = line_start; i < offset; ++i) {
      if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    }
    return {static_cast<int>(line_index) + 1, column};
  }

 private:
  std::string_view text_;
  std::vector<size_t> line_starts_;
};

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Returns the offsets of the attribute names in the start tag whose name
// begins at `name_offset`, in source order. pugixml keeps no attribute
// offsets, so this re-reads the start tag; pugixml has already checked that
// it is well formed, which keeps this scanner simple.
std::vector<size_t> ScanAttributeOffsets(std::string_view text, size_t name_offset) {
  std::vector<size_t> offsets;
  size_t i = name_offset;
  while (i < text.size() && !IsXmlSpace(text[i]) && text[i] != '>' && text[i] != '/') ++i;

  while (i < text.size()) {
    while (i < text.size() && IsXmlSpace(text[i])) ++i;
    if (i >= text.size() || text[i] == '>' || text[i] == '/') break;
    offsets.push_back(i);

    while (i < text.size() && text[i] != '=' && !IsXmlSpace(text[i])) ++i;
    while (i < text.size() && (IsXmlSpace(text[i]) || text[i] == '=')) ++i;
    if (i >= text.size()) break;
    const char quote = text[i];
    const size_t close = text.find(quote, i + 1);
    if (close == std::string_view::npos) break;
    i = close + 1;
  }
  return offsets;
}

const AttributeSpec* SuggestAttribute(const TagSpec& spec, std::string_view name) {
  const AttributeSpec* best = nullptr;
  size_t best_distance = 3;
  for (const AttributeSpec& candidate : spec.attributes) {
    const size_t distance = EditDistance(candidate.name, name);
    if (distance < best_distance) {
      best = &candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string SyntaxHint(pugi::xml_parse_status status) {
  switch (status) {
    case pugi::status_end_element_mismatch:
      return "close tags in the reverse order they were opened, or self-close them with />";
    case pugi::status_bad_attribute:
      return "write attributes as name=\"value\" with quotes";
    case pugi::status_bad_start_element:
    case pugi::status_bad_end_element:
    case pugi::status_unrecognized_tag:
      return "check the tag's spelling and its < > brackets";
    case pugi::status_bad_pcdata:
    case pugi::status_bad_cdata:
      return "write < as &lt; and & as &amp; inside text";
    case pugi::status_bad_comment:
      return "end comments with -->";
    default:
      return "check the XML near this position";
  }
}

// Attributes Label Studio's backend parser reads, always with exact case.
bool IsReadByServer(std::string_view attribute) {
  for (std::string_view name : {"name", "toName", "value", "valueList", "perRegion", "whenTagName", "whenLabelValue",
                                "whenChoiceValue", "alias", "apiUrl", "indexFlag"}) {
    if (attribute == name) return true;
  }
  return false;
}

// Why an invalid value of this attribute makes the config unusable, or
// empty when the labeling UI falls back to a default. The server checks
// Number answers against min and max, and the editor counts a Chat's
// messages against minMessages and maxMessages.
std::string_view InvalidValueConsequence(std::string_view tag, std::string_view attribute) {
  if (tag == "Number" && (attribute == "min" || attribute == "max")) {
    return "the server checks every answer against it";
  }
  if (tag == "Chat" && (attribute == "minMessages" || attribute == "maxMessages")) {
    return "the labeling editor counts every conversation's messages against it";
  }
  return {};
}

std::string AllowedValuesText(std::string_view allowed) {
  std::string text;
  size_t start = 0;
  while (start <= allowed.size()) {
    const size_t bar = allowed.find('|', start);
    const std::string_view value = allowed.substr(start, bar == std::string_view::npos ? bar : bar - start);
    if (!text.empty()) text += ", ";
    text += "\"" + std::string(value) + "\"";
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return text;
}

class Parser {
 public:
  explicit Parser(std::string_view xml) : xml_(xml), positions_(xml) {}

  LabelConfig Run() {
    LabelConfig config;

    if (xml_.size() > kMaxLabelConfigBytes) {
      return Fail(std::move(config), "config-too-large",
                  "Label config is " + std::to_string(xml_.size()) + " bytes, over the limit of " +
                      std::to_string(kMaxLabelConfigBytes) + " bytes",
                  {}, "split the config or move long option lists into task data with value=\"$options\"");
    }

    // encoding_utf8 stops pugixml from converting the text, so node offsets
    // stay offsets into `xml_`. DOCTYPE nodes are kept only to reject them.
    const unsigned options = pugi::parse_default | pugi::parse_comments | pugi::parse_doctype;
    const pugi::xml_parse_result parsed =
        document_.load_buffer(xml_.data(), xml_.size(), options, pugi::encoding_utf8);
    if (!parsed) {
      const SourcePosition position = positions_.At(static_cast<size_t>(std::max<ptrdiff_t>(parsed.offset, 0)));
      if (parsed.status == pugi::status_no_document_element) {
        return Fail(std::move(config), "empty-config", "Label config is empty", {},
                    "start with <View> and put the object and control tags inside it");
      }
      return Fail(std::move(config), "xml-syntax", std::string("Label config is not valid XML: ") +
                  parsed.description(), position, SyntaxHint(parsed.status));
    }

    const pugi::xml_node root = FindRoot(config);
    if (!config.diagnostics.empty()) return config;

    ReadElements(root, config);
    if (HasErrors(config.diagnostics)) {
      LabelConfig failed;
      failed.diagnostics = std::move(config.diagnostics);
      return failed;
    }

    ReadSampleTask(config);
    BuildTagViews(config);
    return config;
  }

 private:
  // Records a fatal problem: the model keeps no elements, only this error.
  LabelConfig Fail(LabelConfig config, std::string code, std::string message, SourcePosition position,
                   std::string hint) {
    AddFatal(config, std::move(code), std::move(message), position, std::move(hint));
    return config;
  }

  static void AddFatal(LabelConfig& config, std::string code, std::string message, SourcePosition position,
                       std::string hint) {
    config.elements.clear();
    config.diagnostics.push_back(
        {Severity::kError, std::move(code), std::move(message), "", "", position, std::move(hint)});
  }

  SourcePosition PositionOf(const pugi::xml_node& node) const {
    return positions_.At(static_cast<size_t>(std::max<ptrdiff_t>(node.offset_debug(), 0)));
  }

  // Finds the single top-level element. Label Studio's XML parser rejects a
  // DOCTYPE (it forbids DTDs) and a second top-level element; pugixml
  // accepts both, so they are checked here.
  pugi::xml_node FindRoot(LabelConfig& config) {
    pugi::xml_node root;
    for (pugi::xml_node node : document_.children()) {
      if (node.type() == pugi::node_doctype) {
        // pugixml's offset points at the DOCTYPE's body; report its "<!".
        const size_t body = static_cast<size_t>(std::max<ptrdiff_t>(node.offset_debug(), 0));
        const size_t start = xml_.rfind("<!", body);
        AddFatal(config, "doctype", "Label config must not contain a DOCTYPE declaration",
                 positions_.At(start == std::string_view::npos ? body : start),
             "remove the <!DOCTYPE …> line; label configs take no DTD");
        return {};
      }
      if (node.type() != pugi::node_element) continue;
      if (root) {
        AddFatal(config, "xml-syntax", "Label config has more than one top-level element", PositionOf(node),
             "wrap everything in a single <View>");
        return {};
      }
      root = node;
    }
    return root;
  }

  // Records every element in document order (pre-order), iteratively so a
  // deeply nested document cannot overflow the stack.
  void ReadElements(pugi::xml_node root, LabelConfig& config) {
    struct Pending {
      pugi::xml_node node;
      int parent;
      int depth;
    };
    std::vector<Pending> stack = {{root, -1, 1}};

    while (!stack.empty()) {
      const Pending pending = stack.back();
      stack.pop_back();

      if (pending.depth > kMaxLabelConfigDepth) {
        config.diagnostics.push_back({Severity::kError, "too-deep",
                                      "Label config nests tags more than " + std::to_string(kMaxLabelConfigDepth) +
                                          " levels deep",
                                      pending.node.name(), "", PositionOf(pending.node),
                                      "flatten the nested <View> tags"});
        return;
      }

      const int index = static_cast<int>(config.elements.size());
      config.elements.push_back(ReadElement(pending.node, index, pending.parent, config));
      if (pending.parent >= 0) config.elements[static_cast<size_t>(pending.parent)].children.push_back(index);

      // Markup inside HyperText is the user's HTML, not config tags.
      const ConfigElement& element = config.elements.back();
      if (element.spec && element.spec->raw_content) continue;

      // Push children in reverse so they pop in document order.
      std::vector<pugi::xml_node> children;
      for (pugi::xml_node child : pending.node.children()) {
        if (child.type() == pugi::node_element) children.push_back(child);
      }
      for (auto it = children.rbegin(); it != children.rend(); ++it) {
        stack.push_back({*it, index, pending.depth + 1});
      }
    }
  }

  ConfigElement ReadElement(const pugi::xml_node& node, int index, int parent, LabelConfig& config) {
    ConfigElement element;
    element.index = index;
    element.parent = parent;
    element.tag = node.name();
    element.spec = FindTagSpec(element.tag);
    element.position = PositionOf(node);

    const std::vector<size_t> offsets =
        ScanAttributeOffsets(xml_, static_cast<size_t>(std::max<ptrdiff_t>(node.offset_debug(), 0)));
    size_t attribute_index = 0;
    for (pugi::xml_attribute attribute : node.attributes()) {
      XmlAttribute read;
      read.name = attribute.name();
      read.value = attribute.value();
      read.position = attribute_index < offsets.size() ? positions_.At(offsets[attribute_index]) : element.position;
      element.attributes.push_back(std::move(read));
      ++attribute_index;
    }

    // HyperText keeps all text below it (its inline HTML); other tags keep
    // only their own character data (Header titles, Style CSS).
    if (element.spec && element.spec->raw_content) {
      element.text = node.text().get();
      if (node.first_child() && node.first_child().type() == pugi::node_element) element.text = "<inline markup>";
    } else {
      for (pugi::xml_node child : node.children()) {
        if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) element.text += child.value();
      }
    }

    WarnAboutTagAndAttributes(element, config);
    return element;
  }

  void WarnAboutTagAndAttributes(const ConfigElement& element, LabelConfig& config) {
    if (!element.spec) {
      Diagnostic warning{Severity::kWarning, "unknown-tag",
                         "Tag <" + element.tag + "> is not a known label config tag; it is kept but not checked",
                         element.tag, "", element.position, ""};
      if (const TagSpec* near = FindTagSpecIgnoringCase(element.tag)) {
        warning.hint = "tag names are case-sensitive: write <" + std::string(near->name) + ">";
      }
      config.diagnostics.push_back(std::move(warning));
      return;
    }
    if (element.spec->opaque) return;

    for (const XmlAttribute& attribute : element.attributes) {
      const AttributeSpec* spec = element.spec->FindAttribute(attribute.name);
      if (!spec) {
        WarnAboutUnknownAttribute(element, attribute, config);
        continue;
      }
      if (!IsValidAttributeValue(*spec, attribute.value)) {
        std::string hint;
        if (spec->type == AttributeType::kEnum) {
          hint = "use one of " + AllowedValuesText(spec->allowed);
        } else {
          hint = spec->type == AttributeType::kBoolean   ? "write \"true\" or \"false\""
                 : spec->type == AttributeType::kInteger ? "write a whole number"
                                                         : "write a number";
        }
        std::string message = "Attribute " + attribute.name + "=\"" + attribute.value + "\" on <" + element.tag +
                              "> is not a valid " + std::string(AttributeTypeName(spec->type));
        Severity severity = Severity::kWarning;
        if (const std::string_view consequence = InvalidValueConsequence(element.tag, attribute.name);
            !consequence.empty()) {
          severity = Severity::kError;
          message += "; " + std::string(consequence);
        } else if (!spec->default_value.empty()) {
          message += "; the labeling UI falls back to \"" + std::string(spec->default_value) + "\"";
        }
        config.diagnostics.push_back({severity, "invalid-attribute-value", std::move(message), element.tag,
                                      attribute.name, attribute.position, std::move(hint)});
      }
    }
  }

  void WarnAboutUnknownAttribute(const ConfigElement& element, const XmlAttribute& attribute, LabelConfig& config) {
    const AttributeSpec* same_ignoring_case = element.spec->FindAttributeIgnoringCase(attribute.name);
    if (same_ignoring_case) {
      const std::string right(same_ignoring_case->name);
      std::string consequence = "it works because the labeling UI reads attribute names case-insensitively";
      if (IsReadByServer(right)) {
        consequence = "Label Studio's server reads " + right + " case-sensitively and ignores this spelling";
      }
      config.diagnostics.push_back({Severity::kWarning, "attribute-case",
                                    "Attribute " + attribute.name + " on <" + element.tag + "> is spelled " + right +
                                        " in the tag reference; " + consequence,
                                    element.tag, attribute.name, attribute.position, "write " + right});
      return;
    }

    Diagnostic warning{Severity::kWarning, "unknown-attribute",
                       "Attribute " + attribute.name + " is not known on <" + element.tag +
                           ">; it is kept but has no effect Tally knows of",
                       element.tag, attribute.name, attribute.position, ""};
    if (const AttributeSpec* near = SuggestAttribute(*element.spec, attribute.name)) {
      warning.hint = "did you mean " + std::string(near->name) + "?";
    }
    config.diagnostics.push_back(std::move(warning));
  }

  // The first comment whose body is a JSON object is the sample task. When
  // it has none of the keys data, annotations or predictions, the whole
  // object is the task's data.
  void ReadSampleTask(LabelConfig& config) {
    pugi::xml_node node = document_.first_child();
    while (node) {
      if (node.type() == pugi::node_comment && ReadSampleTaskComment(node.value(), config)) return;

      // Pre-order walk without recursion.
      if (node.first_child()) {
        node = node.first_child();
        continue;
      }
      while (node && node != document_ && !node.next_sibling()) node = node.parent();
      if (!node || node == document_) return;
      node = node.next_sibling();
    }
  }

  static bool ReadSampleTaskComment(std::string_view body, LabelConfig& config) {
    const size_t first = body.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || body[first] != '{') return false;

    boost::system::error_code ec;
    boost::json::value value = boost::json::parse(body, ec);
    if (ec || !value.is_object()) return false;

    boost::json::object& object = value.as_object();
    if (object.contains("data") || object.contains("annotations") || object.contains("predictions")) {
      config.sample_task = std::move(object);
    } else {
      config.sample_task = boost::json::object{{"data", std::move(value)}};
    }
    return true;
  }

  std::string_view xml_;
  PositionIndex positions_;
  pugi::xml_document document_;
};

}  // namespace

LabelConfig ParseLabelConfig(std::string_view xml) {
  return Parser(xml).Run();
}

}  // namespace tally::labeling
