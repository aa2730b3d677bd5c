// Pieces the image formats (COCO, VOC, YOLO) share: the category list, the
// image reference of a record, and number reading. Internal to export/.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "labeling/export/records.h"
#include "labeling/export/schema.h"

namespace tally::labeling::exporting {

struct Category {
  int64_t id = 0;
  std::string name;
};

// Categories as the converter numbers them: labels with an integer
// `category` attribute keep it (config order first); the other labels of
// every control follow in sorted order with the lowest free ids. Labels
// found only in results are appended later with id = list size (Add).
class Categories {
 public:
  explicit Categories(const ExportSchema& schema);
  // The id of `name`, appending it when unknown.
  int64_t Add(const std::string& name);
  const std::vector<Category>& list() const { return list_; }

 private:
  std::vector<Category> list_;
  std::map<std::string, int64_t> ids_;
};

// The record's image reference: task.data[first data key], the last element
// when it is a list. Empty when absent or not a string.
std::string ImageReference(const AnnotationRecord& record, const std::string& data_key);

// A JSON number as double; nullopt for anything else.
std::optional<double> Number(const boost::json::object& object, std::string_view key);

// The first `max` code points of UTF-8 `text`.
std::string TruncateCodePoints(const std::string& text, size_t max);

// Every value of a record's output, concatenated over from_names.
std::vector<const boost::json::object*> RecordRegions(const AnnotationRecord& record);

// The first non-empty label list of a region among `keys`, or nullptr.
const boost::json::array* FirstLabels(const boost::json::object& region, std::initializer_list<std::string_view> keys);

}  // namespace tally::labeling::exporting
