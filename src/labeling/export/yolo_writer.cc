// YOLO and YOLO OBB: labels/<image name>.txt per image with one line per
// labeled region, classes.txt and notes.json at the end.
//
// Rules (Label Studio's converter): boxes are "<class> x_c y_c w h"
// normalised to 0…1 with rotation ignored; OBB lines carry the four corners
// of the box rotated about its top-left corner, in pixels of
// original_width × original_height, normalised back; polygons list their
// points / 100; a region with several labels gives one line per label.
// A record without results leaves an empty file (only when none exists
// yet); later records of the same image replace earlier ones, so of several
// annotations the oldest wins (records come newest first).
// With KeyPointLabels in the config, each box line is followed by "x y 2"
// per keypoint whose parentID is that box, and lines have no final newline.
#include <cmath>
#include <map>

#include "labeling/export/image_common.h"
#include "labeling/export/python_text.h"
#include "labeling/export/writer.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

constexpr double kPi = 3.14159265358979323846;

void AppendNumbers(std::string& line, const std::vector<double>& numbers) {
  for (double number : numbers) {
    line.push_back(' ');
    AppendPythonFloat(line, number);
  }
}

std::optional<std::vector<double>> YoloBox(const bj::object& region) {
  const auto x = Number(region, "x"), y = Number(region, "y");
  const auto w = Number(region, "width"), h = Number(region, "height");
  if (!x || !y || !w || !h) return std::nullopt;
  return std::vector<double>{(*x + *w / 2) / 100, (*y + *h / 2) / 100, *w / 100, *h / 100};
}

std::optional<std::vector<double>> YoloObb(const bj::object& region) {
  const auto width = Number(region, "original_width"), height = Number(region, "original_height");
  const auto x_percent = Number(region, "x"), y_percent = Number(region, "y");
  const auto w_percent = Number(region, "width"), h_percent = Number(region, "height");
  const auto rotation = Number(region, "rotation");
  if (!width || !height || !x_percent || !y_percent || !w_percent || !h_percent || !rotation) return std::nullopt;
  const double x = *x_percent / 100 * *width, y = *y_percent / 100 * *height;
  const double w = *w_percent / 100 * *width, h = *h_percent / 100 * *height;
  const double radians = *rotation * (kPi / 180);
  const double cos = std::cos(radians), sin = std::sin(radians);
  const double corners[4][2] = {
      {x, y}, {x + w * cos, y + w * sin}, {x + w * cos - h * sin, y + w * sin + h * cos}, {x - h * sin, y + h * cos}};
  std::vector<double> out;
  for (const auto& corner : corners) {
    out.push_back(corner[0] / *width);
    out.push_back(corner[1] / *height);
  }
  return out;
}

class YoloWriter : public FormatWriter {
 public:
  YoloWriter(const ExportSchema& schema, const WriterOptions& options, bool oriented)
      : schema_(schema), options_(options), oriented_(oriented), categories_(schema) {
    const std::vector<std::string> keys = schema.DataKeys();
    data_key_ = keys.empty() ? "image" : keys.front();
    keypoints_ = schema.HasControlType("KeyPointLabels");
    if (keypoints_) BuildKeypointCategories();
  }

  Result<void> BeginPass(int, ExportSink&) override { return Ok(); }

  Result<void> AddTask(int, const bj::object& task, ExportSink& sink) override {
    // Path → final content after every record of this task wrote it.
    std::vector<std::pair<std::string, std::string>> files;
    std::string media;
    const auto slot = [&files](const std::string& path) -> std::pair<std::string, std::string>* {
      for (auto& file : files) {
        if (file.first == path) return &file;
      }
      return nullptr;
    };
    for (const AnnotationRecord& record : RecordsOfTask(task, schema_, RecordOptions{keypoints_})) {
      const std::string image = ImageReference(record, data_key_);
      if (image.empty()) continue;
      media = image;
      std::string folder = "labels/";
      if (options_.split_labelers) {
        folder += record.completed_by.is_string() ? std::string(record.completed_by.get_string())
                                                  : bj::serialize(record.completed_by);
        folder += "/";
      }
      const std::string path = folder + TruncateCodePoints(StripExtension(MediaFileName(image)), 251) + ".txt";
      auto* existing = slot(path);
      const std::vector<const bj::object*> regions = RecordRegions(record);
      if (regions.empty()) {
        // The converter creates the file only when it does not exist yet.
        if (!existing) files.emplace_back(path, "");
        continue;
      }
      std::string content = keypoints_ ? KeypointLines(regions) : Lines(regions);
      if (existing) {
        existing->second = std::move(content);
      } else {
        files.emplace_back(path, std::move(content));
      }
    }
    for (const auto& [path, content] : files) {
      TALLY_TRY(sink.BeginFile(path));
      TALLY_TRY(sink.Write(content));
      TALLY_TRY(sink.EndFile());
    }
    return WriteTaskMedia(options_, media, sink);
  }

  Result<bool> Finish(ExportSink& sink) override {
    std::string classes;
    bj::array categories;
    for (const Category& category : categories_.list()) {
      classes += category.name + "\n";
      categories.push_back(bj::object{{"id", category.id}, {"name", category.name}});
    }
    TALLY_TRY(sink.BeginFile("classes.txt"));
    TALLY_TRY(sink.Write(classes));
    TALLY_TRY(sink.EndFile());
    bj::object notes{{"categories", std::move(categories)},
                     {"info", bj::object{{"year", options_.year}, {"version", "1.0"}, {"contributor", "Label Studio"}}}};
    TALLY_TRY(sink.BeginFile("notes.json"));
    TALLY_TRY(sink.Write(Ujson(notes, UjsonStyle{2, true})));
    TALLY_TRY(sink.EndFile());
    return true;
  }

 private:
  std::string Lines(const std::vector<const bj::object*>& regions) {
    std::string out;
    for (const bj::object* region : regions) {
      const bj::array* labels = FirstLabels(*region, {"rectanglelabels", "polygonlabels", "labels"});
      if (!labels) continue;
      // Every non-empty label list of the region contributes its labels.
      std::vector<std::string> names;
      for (std::string_view key : {"rectanglelabels", "polygonlabels", "labels"}) {
        const bj::value* list = region->if_contains(key);
        if (!list || !list->is_array()) continue;
        for (const bj::value& name : list->get_array()) {
          if (name.is_string()) names.emplace_back(name.get_string());
        }
      }
      for (const std::string& name : names) {
        const int64_t id = categories_.Add(name);
        std::optional<std::vector<double>> numbers;
        if (region->contains("rectanglelabels") || region->contains("rectangle") || region->contains("labels")) {
          numbers = oriented_ ? YoloObb(*region) : YoloBox(*region);
        } else if (region->contains("polygonlabels") || region->contains("polygon")) {
          numbers = PolygonPoints(*region);
        }
        if (!numbers) continue;
        out += std::to_string(id);
        AppendNumbers(out, *numbers);
        out += "\n";
      }
    }
    return out;
  }

  static std::optional<std::vector<double>> PolygonPoints(const bj::object& region) {
    const bj::value* points = region.if_contains("points");
    if (!points || !points->is_array()) return std::nullopt;
    std::vector<double> out;
    for (const bj::value& point : points->get_array()) {
      if (!point.is_array() || point.get_array().size() < 2) return std::nullopt;
      for (size_t i = 0; i < 2; ++i) {
        const bj::value& coordinate = point.get_array()[i];
        if (!coordinate.is_number()) return std::nullopt;
        out.push_back(coordinate.to_number<double>() / 100);
      }
    }
    return out;
  }

  // Categories of a keypoint project are the RectangleLabels labels only.
  void BuildKeypointCategories() {
    ExportSchema boxes;
    for (const SchemaControl& control : schema_.controls) {
      if (control.type == "RectangleLabels") boxes.controls.push_back(control);
    }
    categories_ = Categories(boxes);
    for (const SchemaControl& control : schema_.controls) {
      if (control.type != "KeyPointLabels") continue;
      for (const SchemaLabel& label : control.labels) {
        if (!label.model_index) continue;
        try {
          keypoint_order_[label.name] = std::stoi(*label.model_index);
        } catch (const std::exception&) {
          // A non-numeric model_index leaves the label out of the order.
        }
      }
    }
    for (const auto& [name, index] : keypoint_order_) keypoint_count_ = std::max(keypoint_count_, index + 1);
  }

  std::string KeypointLines(const std::vector<const bj::object*>& regions) {
    struct Box {
      std::string id;
      int64_t class_id = 0;
      std::vector<double> numbers;
      std::vector<double> points;  // x, y, visibility per model_index
    };
    std::vector<Box> boxes;
    for (const bj::object* region : regions) {
      const bj::value* type = region->if_contains("type");
      if (!type || !type->is_string() || type->get_string() != "RectangleLabels") continue;
      const bj::array* labels = FirstLabels(*region, {"rectanglelabels"});
      if (!labels || !labels->front().is_string()) continue;
      auto numbers = YoloBox(*region);
      if (!numbers) continue;
      const bj::value* id = region->if_contains("id");
      Box box{id && id->is_string() ? std::string(id->get_string()) : std::string(),
              categories_.Add(std::string(labels->front().get_string())), *numbers,
              std::vector<double>(static_cast<size_t>(keypoint_count_) * 3, 0.0)};
      boxes.push_back(std::move(box));
    }
    for (const bj::object* region : regions) {
      const bj::value* type = region->if_contains("type");
      if (!type || !type->is_string() || type->get_string() != "KeyPointLabels") continue;
      const bj::array* labels = FirstLabels(*region, {"keypointlabels"});
      const bj::value* parent = region->if_contains("parentID");
      const auto x = Number(*region, "x"), y = Number(*region, "y");
      if (!labels || !labels->front().is_string() || !parent || !parent->is_string() || !x || !y) continue;
      auto order = keypoint_order_.find(std::string(labels->front().get_string()));
      if (order == keypoint_order_.end()) continue;
      for (Box& box : boxes) {
        if (box.id != parent->get_string()) continue;
        const size_t at = static_cast<size_t>(order->second) * 3;
        box.points[at] = *x / 100;
        box.points[at + 1] = *y / 100;
        box.points[at + 2] = 2;
      }
    }
    std::string out;
    for (size_t b = 0; b < boxes.size(); ++b) {
      if (b > 0) out += "\n";
      out += std::to_string(boxes[b].class_id);
      AppendNumbers(out, boxes[b].numbers);
      for (size_t i = 0; i < boxes[b].points.size(); ++i) {
        out.push_back(' ');
        // Visibility is an integer; absent points print as "0.0 0.0 0".
        if (i % 3 == 2) {
          out += std::to_string(static_cast<int>(boxes[b].points[i]));
        } else {
          AppendPythonFloat(out, boxes[b].points[i]);
        }
      }
    }
    return out;
  }

  const ExportSchema& schema_;
  const WriterOptions options_;
  const bool oriented_;
  Categories categories_;
  std::string data_key_;
  bool keypoints_ = false;
  std::map<std::string, int> keypoint_order_;
  int keypoint_count_ = 0;
};

}  // namespace

std::unique_ptr<FormatWriter> MakeYoloWriter(const ExportSchema& schema, const WriterOptions& options,
                                            bool oriented) {
  return std::make_unique<YoloWriter>(schema, options, oriented);
}

}  // namespace tally::labeling::exporting
