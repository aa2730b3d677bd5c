#include "labeling/export/image_common.h"

#include "labeling/export/writer.h"

#include <algorithm>
#include <charconv>
#include <set>

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

// Python's int() of an attribute: optional spaces and sign, decimal digits.
std::optional<int64_t> ParseInteger(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(0, 1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  if (!text.empty() && text.front() == '+') text.erase(0, 1);
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

}  // namespace

Categories::Categories(const ExportSchema& schema) {
  std::set<std::string> labels;
  for (const SchemaControl& control : schema.controls) {
    for (const SchemaLabel& label : control.labels) {
      labels.insert(label.name);
      if (!label.category) continue;
      const std::optional<int64_t> id = ParseInteger(*label.category);
      if (!id) continue;  // a non-integer category is ignored, as the converter does
      list_.push_back(Category{*id, label.name});
      ids_[label.name] = *id;
    }
  }
  std::set<int64_t> used;
  for (const auto& [name, id] : ids_) used.insert(id);
  int64_t next = 0;
  for (const std::string& label : labels) {
    if (ids_.count(label) > 0) continue;
    while (used.count(next) > 0) ++next;
    list_.push_back(Category{next, label});
    ids_[label] = next;
    ++next;
  }
}

int64_t Categories::Add(const std::string& name) {
  auto it = ids_.find(name);
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<int64_t>(list_.size());
  list_.push_back(Category{id, name});
  ids_[name] = id;
  return id;
}

std::string ImageReference(const AnnotationRecord& record, const std::string& data_key) {
  const bj::value* value = record.input->if_contains(data_key);
  if (!value) return {};
  if (value->is_string()) return std::string(value->get_string());
  if (value->is_array() && !value->get_array().empty() && value->get_array().back().is_string()) {
    return std::string(value->get_array().back().get_string());
  }
  return {};
}

std::optional<double> Number(const bj::object& object, std::string_view key) {
  const bj::value* value = object.if_contains(key);
  if (!value) return std::nullopt;
  if (value->is_double()) return value->get_double();
  if (value->is_int64()) return static_cast<double>(value->get_int64());
  if (value->is_uint64()) return static_cast<double>(value->get_uint64());
  return std::nullopt;
}

std::string TruncateCodePoints(const std::string& text, size_t max) {
  size_t count = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (count == max) return text.substr(0, i);
    ++count;
  }
  return text;
}

std::vector<const bj::object*> RecordRegions(const AnnotationRecord& record) {
  std::vector<const bj::object*> regions;
  for (const auto& member : record.output) {
    for (const bj::value& value : member.value().get_array()) regions.push_back(&value.get_object());
  }
  return regions;
}

const bj::array* FirstLabels(const bj::object& region, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    const bj::value* labels = region.if_contains(key);
    if (labels && labels->is_array() && !labels->get_array().empty()) return &labels->get_array();
  }
  return nullptr;
}

Result<void> WriteTaskMedia(const WriterOptions& options, const std::string& reference, ExportSink& sink) {
  if (!options.read_media || reference.empty()) return Ok();
  const std::optional<std::string> content = options.read_media(reference);
  if (!content) return Ok();
  TALLY_TRY(sink.BeginFile("images/" + MediaFileName(reference)));
  TALLY_TRY(sink.Write(*content));
  return sink.EndFile();
}

}  // namespace tally::labeling::exporting
