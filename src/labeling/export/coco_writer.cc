// COCO: one result.json with images, categories, annotations and info, as
// ujson writes it with indent=2 (ASCII-escaped).
//
// Rules (Label Studio's converter): an image entry per record (so a task
// with two annotations has two entries); its size comes from the first
// labeled region's original_width/original_height, and a record without
// results still gets an entry with null size (a negative example). A box is
// replaced by the axis-aligned bounds of its rotated rectangle, then scaled
// by the region's own original size; polygons are scaled by the image
// entry's size, with the shoelace area; only a region's first label counts.
// KeyPointLabels points of a record merge into one annotation in
// model_index order under the "default" category.
//
// With media (WriterOptions::read_media set, Label Studio's
// download_resources) the output is an archive. Each task's image goes in
// as images/<file name> and the image entry's file_name names that path.
// Its size comes from the file's PNG or JPEG header, as the converter takes
// it from the downloaded file. Images that are not found keep their
// reference and the size from the results.
//
// Streaming: annotations go to a temporary file and are copied after the
// categories, because the category list is complete only at the end
// (labels missing from the config are appended as they appear). Image
// entries are written as records arrive. In an archive they are spooled
// too, because the image files come first and archive entries cannot
// interleave with result.json.
#include <cmath>
#include <cstdio>
#include <map>

#include "labeling/export/image_common.h"
#include "labeling/export/media_probe.h"
#include "labeling/export/python_text.h"
#include "labeling/export/writer.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

constexpr double kPi = 3.14159265358979323846;
const UjsonStyle kStyle{2, true};

struct Box {
  double x, y, w, h;
};

// The converter's bounds of a rectangle rotated about its top-left corner,
// in percent units.
std::optional<Box> RotatedRectangle(const bj::object& region) {
  const auto x = Number(region, "x"), y = Number(region, "y");
  const auto w = Number(region, "width"), h = Number(region, "height");
  if (!x || !y || !w || !h) return std::nullopt;
  const double rotation = Number(region, "rotation").value_or(0.0);
  if (std::abs(rotation) == 0) return Box{*x, *y, *w, *h};
  const double alpha = std::atan(*h / *w);
  const double beta = kPi * (rotation / 180);
  const double radius = std::sqrt((*w / 2) * (*w / 2) + (*h / 2) * (*h / 2));
  const double x0 = *x - radius * (std::cos(kPi - alpha - beta) - std::cos(kPi - alpha)) + *w / 2;
  const double y0 = *y + radius * (std::sin(kPi - alpha - beta) - std::sin(kPi - alpha)) + *h / 2;
  const double thetas[4] = {alpha + beta, kPi - alpha + beta, kPi + alpha + beta, 2 * kPi - alpha + beta};
  double min_x = 0, max_x = 0, min_y = 0, max_y = 0;
  for (int i = 0; i < 4; ++i) {
    const double px = x0 + radius * std::cos(thetas[i]);
    const double py = y0 + radius * std::sin(thetas[i]);
    if (i == 0 || px < min_x) min_x = px;
    if (i == 0 || px > max_x) max_x = px;
    if (i == 0 || py < min_y) min_y = py;
    if (i == 0 || py > max_y) max_y = py;
  }
  return Box{min_x, min_y, max_x - min_x, max_y - min_y};
}

class CocoWriter : public FormatWriter {
 public:
  CocoWriter(const ExportSchema& schema, const WriterOptions& options)
      : schema_(schema), options_(options), categories_(schema) {
    const std::vector<std::string> keys = schema.DataKeys();
    data_key_ = keys.empty() ? "image" : keys.front();
    for (const SchemaControl& control : schema.controls) {
      if (control.type != "KeyPointLabels") continue;
      for (const SchemaLabel& label : control.labels) {
        if (!label.model_index) continue;
        try {
          keypoint_order_.emplace_back(std::stoi(*label.model_index), label.name);
        } catch (const std::exception&) {
          // A non-numeric model_index leaves the label out of the order.
        }
      }
    }
    std::sort(keypoint_order_.begin(), keypoint_order_.end());
  }

  ~CocoWriter() override {
    if (spool_) std::fclose(spool_);
    if (image_spool_) std::fclose(image_spool_);
  }

  Result<void> BeginPass(int, ExportSink& sink) override {
    spool_ = std::tmpfile();
    if (!spool_) return Error::Internal("cannot create a temporary file for COCO annotations");
    if (options_.read_media) {
      image_spool_ = std::tmpfile();
      if (!image_spool_) return Error::Internal("cannot create a temporary file for COCO images");
      return Ok();
    }
    TALLY_TRY(sink.BeginFile("result.json"));
    return sink.Write(kOpening);
  }

  Result<void> AddTask(int, const bj::object& task, ExportSink& sink) override {
    std::string images;
    std::optional<TaskImage> image;
    for (const AnnotationRecord& record : RecordsOfTask(task, schema_)) {
      if (!image) {
        TALLY_ASSIGN_OR_RETURN(found, ArchiveImage(ImageReference(record, data_key_), sink));
        image = std::move(found);
      }
      AddRecord(record, *image, images);
    }
    TALLY_TRY(FlushAnnotations());
    if (image_spool_) {
      if (std::fwrite(images.data(), 1, images.size(), image_spool_) != images.size()) {
        return Error::Internal("cannot write the COCO image spool");
      }
      return Ok();
    }
    return sink.Write(images);
  }

  // Writes one step per call. In an archive the spooled image entries come
  // first, 1 MiB per call. Then come the categories, the spooled
  // annotations (1 MiB per call), and info with the closing brace.
  Result<bool> Finish(ExportSink& sink) override {
    if (image_spool_ && !images_done_) {
      if (!images_started_) {
        images_started_ = true;
        std::rewind(image_spool_);
        TALLY_TRY(sink.BeginFile("result.json"));
        TALLY_TRY(sink.Write(kOpening));
      }
      TALLY_ASSIGN_OR_RETURN(more, CopySpoolPiece(image_spool_, sink));
      if (more) return false;
      images_done_ = true;
    }
    if (!finishing_) {
      finishing_ = true;
      TALLY_TRY(sink.Write(CategoriesJson()));
      std::rewind(spool_);
      return false;
    }
    if (!spool_done_) {
      TALLY_ASSIGN_OR_RETURN(more, CopySpoolPiece(spool_, sink));
      if (more) return false;
      spool_done_ = true;
    }
    std::string out = annotations_written_ > 0 ? "\n  ],\n  \"info\": " : "],\n  \"info\": ";
    bj::object info{{"year", options_.year},      {"version", "1.0"}, {"description", ""},
                    {"contributor", "Label Studio"}, {"url", ""},       {"date_created", options_.date_created}};
    AppendUjsonAt(out, info, kStyle, 1);
    out += "\n}";
    TALLY_TRY(sink.Write(out));
    TALLY_TRY(sink.EndFile());
    return true;
  }

 private:
  static constexpr std::string_view kOpening = "{\n  \"images\": [";

  // The image of a task as its entries name it.
  struct TaskImage {
    std::string file_name;
    std::optional<ImageSize> size;  // from the file, when it was read
  };

  // Copies up to 1 MiB of `spool` to the sink; returns true while more
  // remains.
  static Result<bool> CopySpoolPiece(std::FILE* spool, ExportSink& sink) {
    std::string piece(1 << 20, '\0');
    const size_t read = std::fread(piece.data(), 1, piece.size(), spool);
    if (std::ferror(spool)) return Error::Internal("cannot read a COCO spool file");
    TALLY_TRY(sink.Write({piece.data(), read}));
    return read == piece.size();
  }

  // Writes the task's image as images/<file name> when the media reader
  // has it.
  Result<TaskImage> ArchiveImage(const std::string& reference, ExportSink& sink) {
    TaskImage image{reference, std::nullopt};
    if (!options_.read_media || reference.empty()) return image;
    const std::optional<std::string> content = options_.read_media(reference);
    if (!content) return image;
    image.file_name = "images/" + MediaFileName(reference);
    image.size = ProbeImageSize(*content);
    TALLY_TRY(sink.BeginFile(image.file_name));
    TALLY_TRY(sink.Write(*content));
    TALLY_TRY(sink.EndFile());
    return image;
  }

  // The end of the images array, the categories, and the start of the
  // annotations array.
  std::string CategoriesJson() const {
    std::string out = images_written_ > 0 ? "\n  ],\n  \"categories\": [" : "],\n  \"categories\": [";
    bool first = true;
    for (const Category& category : categories_.list()) {
      out += first ? "\n    " : ",\n    ";
      first = false;
      bj::object entry{{"id", category.id}, {"name", category.name}};
      if (category.name == "default" && !keypoint_order_.empty()) {
        bj::array names;
        for (const auto& [index, name] : keypoint_order_) names.push_back(bj::string(name));
        entry["keypoints"] = std::move(names);
      }
      AppendUjsonAt(out, entry, kStyle, 2);
    }
    out += categories_.list().empty() ? "],\n  \"annotations\": [" : "\n  ],\n  \"annotations\": [";
    return out;
  }

  void AddImage(std::string& images, const bj::value& width, const bj::value& height, int64_t id,
                const std::string& path) {
    images += images_written_ == 0 ? "\n    " : ",\n    ";
    ++images_written_;
    AppendUjsonAt(images, bj::object{{"width", width}, {"height", height}, {"id", id}, {"file_name", path}}, kStyle, 2);
  }

  // Queues an annotation for the spool; AddTask writes the task's queue.
  void AddAnnotation(const bj::object& annotation) {
    pending_annotations_ += annotations_written_ == 0 ? "\n    " : ",\n    ";
    ++annotations_written_;
    AppendUjsonAt(pending_annotations_, annotation, kStyle, 2);
  }

  // The same for a rectangle, written as AppendUjsonAt would write its
  // object but without building one. Building and serialising the object
  // took about a fifth of the CPU time of a 100,000-box export (perf).
  void AddBoxAnnotation(int64_t id, int64_t image_id, int64_t category_id, double x, double y, double w, double h) {
    std::string& out = pending_annotations_;
    out += annotations_written_ == 0 ? "\n    {" : ",\n    {";
    ++annotations_written_;
    const auto key = [&out](std::string_view name) {
      out += "\n      \"";
      out += name;
      out += "\": ";
    };
    key("id");
    out += std::to_string(id);
    out += ',';
    key("image_id");
    out += std::to_string(image_id);
    out += ',';
    key("category_id");
    out += std::to_string(category_id);
    out += ',';
    key("segmentation");
    out += "[],";
    key("bbox");
    out += '[';
    for (double value : {x, y, w, h}) {
      out += "\n        ";
      AppendUjsonDouble(out, value);
      out += ',';
    }
    out.back() = '\n';
    out += "      ],";
    key("ignore");
    out += "0,";
    key("iscrowd");
    out += "0,";
    key("area");
    AppendUjsonDouble(out, w * h);
    out += "\n    }";
  }

  // Appends the task's queued annotations to the spool.
  Result<void> FlushAnnotations() {
    if (pending_annotations_.empty()) return Ok();
    const size_t written = std::fwrite(pending_annotations_.data(), 1, pending_annotations_.size(), spool_);
    const bool complete = written == pending_annotations_.size();
    pending_annotations_.clear();
    if (!complete) return Error::Internal("cannot write the COCO annotation spool");
    return Ok();
  }

  void AddRecord(const AnnotationRecord& record, const TaskImage& image, std::string& images) {
    const std::string& path = image.file_name;
    // The converter takes the image id as the count of image entries so far,
    // so a record that adds no entry shares its id with the next one.
    const int64_t image_id = images_written_;
    std::optional<double> width, height;
    if (image.size) {
      width = static_cast<double>(image.size->width);
      height = static_cast<double>(image.size->height);
      AddImage(images, image.size->width, image.size->height, image_id, path);
    }
    const std::vector<const bj::object*> regions = RecordRegions(record);
    if (record.output.empty() || regions.empty()) {
      if (record.output.empty() && !image.size) AddImage(images, nullptr, nullptr, image_id, path);
      return;
    }
    std::vector<const bj::object*> keypoints;
    for (const bj::object* region : regions) {
      const bj::array* labels = FirstLabels(*region, {"rectanglelabels", "polygonlabels", "keypointlabels", "labels"});
      if (!labels || !labels->front().is_string()) continue;
      if (!width || !height) {
        const bj::value* original_width = region->if_contains("original_width");
        const bj::value* original_height = region->if_contains("original_height");
        if (!original_width || !original_height) continue;
        width = original_width->to_number<double>();
        height = original_height->to_number<double>();
        AddImage(images, *original_width, *original_height, image_id, path);
      }
      const int64_t category_id = categories_.Add(std::string(labels->front().get_string()));
      const int64_t annotation_id = next_annotation_id_;
      if (region->contains("rectanglelabels") || region->contains("labels")) {
        const auto box = RotatedRectangle(*region);
        const auto region_width = Number(*region, "original_width");
        const auto region_height = Number(*region, "original_height");
        if (!box || !region_width || !region_height) continue;
        const double x = box->x * *region_width / 100, y = box->y * *region_height / 100;
        const double w = box->w * *region_width / 100, h = box->h * *region_height / 100;
        ++next_annotation_id_;
        AddBoxAnnotation(annotation_id, image_id, category_id, x, y, w, h);
      } else if (region->contains("polygonlabels")) {
        const bj::value* points = region->if_contains("points");
        if (!points || !points->is_array() || points->get_array().empty()) continue;
        bj::array segmentation;
        std::vector<double> xs, ys;
        for (const bj::value& point : points->get_array()) {
          if (!point.is_array() || point.get_array().size() < 2) continue;
          xs.push_back(point.get_array()[0].to_number<double>() / 100 * *width);
          ys.push_back(point.get_array()[1].to_number<double>() / 100 * *height);
          segmentation.push_back(xs.back());
          segmentation.push_back(ys.back());
        }
        if (xs.empty()) continue;
        const auto [min_x, max_x] = std::minmax_element(xs.begin(), xs.end());
        const auto [min_y, max_y] = std::minmax_element(ys.begin(), ys.end());
        // Shoelace formula, as the converter computes it with numpy.
        double sum = 0;
        for (size_t i = 0; i < xs.size(); ++i) {
          const size_t previous = (i + xs.size() - 1) % xs.size();
          sum += xs[i] * ys[previous] - ys[i] * xs[previous];
        }
        ++next_annotation_id_;
        AddAnnotation(bj::object{{"id", annotation_id},
                                       {"image_id", image_id},
                                       {"category_id", category_id},
                                       {"segmentation", bj::array{std::move(segmentation)}},
                                       {"bbox", bj::array{*min_x, *min_y, *max_x - *min_x, *max_y - *min_y}},
                                       {"ignore", 0},
                                       {"iscrowd", 0},
                                       {"area", 0.5 * std::abs(sum)}});
      } else if (region->contains("keypointlabels")) {
        keypoints.push_back(region);
      }
    }
    if (!keypoints.empty() && !keypoint_order_.empty()) AddKeypoints(keypoints, image_id);
  }

  void AddKeypoints(const std::vector<const bj::object*>& regions, int64_t image_id) {
    bj::array values;
    int64_t placed = 0;
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
    for (const auto& [index, name] : keypoint_order_) {
      const bj::object* found = nullptr;
      for (const bj::object* region : regions) {
        const bj::array* labels = FirstLabels(*region, {"keypointlabels"});
        if (labels && labels->front().is_string() && labels->front().get_string() == name &&
            Number(*region, "x") && Number(*region, "y") && Number(*region, "original_width") &&
            Number(*region, "original_height")) {
          found = region;
          break;
        }
      }
      if (!found) {
        values.insert(values.end(), {0, 0, 0});
        continue;
      }
      const auto x = static_cast<int64_t>(std::lround(*Number(*found, "x") / 100 * *Number(*found, "original_width")));
      const auto y =
          static_cast<int64_t>(std::lround(*Number(*found, "y") / 100 * *Number(*found, "original_height")));
      values.insert(values.end(), {x, y, 2});
      if (placed == 0 || x < min_x) min_x = static_cast<double>(x);
      if (placed == 0 || y < min_y) min_y = static_cast<double>(y);
      if (placed == 0 || x > max_x) max_x = static_cast<double>(x);
      if (placed == 0 || y > max_y) max_y = static_cast<double>(y);
      ++placed;
    }
    if (placed == 0) return;
    const int64_t category_id = categories_.Add("default");
    const double w = max_x - min_x, h = max_y - min_y;
    AddAnnotation(bj::object{{"id", next_annotation_id_++},
                                   {"image_id", image_id},
                                   {"category_id", category_id},
                                   {"keypoints", std::move(values)},
                                   {"num_keypoints", placed},
                                   {"bbox", bj::array{min_x, min_y, w, h}},
                                   {"ignore", 0},
                                   {"iscrowd", 0},
                                   {"area", w * h}});
  }

  const ExportSchema& schema_;
  const WriterOptions options_;
  Categories categories_;
  std::string data_key_;
  std::vector<std::pair<int, std::string>> keypoint_order_;
  std::FILE* spool_ = nullptr;
  std::FILE* image_spool_ = nullptr;  // image entries, in an archive only
  bool images_started_ = false;
  bool images_done_ = false;
  std::string pending_annotations_;  // this task's annotations, not yet spooled
  bool finishing_ = false;
  bool spool_done_ = false;
  int64_t next_annotation_id_ = 0;
  int64_t images_written_ = 0;
  int64_t annotations_written_ = 0;
};

}  // namespace

std::unique_ptr<FormatWriter> MakeCocoWriter(const ExportSchema& schema, const WriterOptions& options) {
  return std::make_unique<CocoWriter>(schema, options);
}

}  // namespace tally::labeling::exporting
