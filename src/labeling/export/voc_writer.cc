// Pascal VOC: Annotations/<image name>.xml per image, laid out as Python's
// xml.dom.minidom writes it (newline after each element, no indent).
//
// Rules (Label Studio's converter): the size is the first region's
// original_width × original_height (a record without it is skipped); depth 3;
// xmin = int(x·W/100), xmax = xmin + int(w·W/100) (each term truncated),
// rotation ignored, first label only, polygons not exported. Of several
// annotations of a task the oldest is written last and wins.
#include "labeling/export/image_common.h"
#include "labeling/export/python_text.h"
#include "labeling/export/writer.h"

namespace tally::labeling::exporting {

namespace bj = boost::json;

namespace {

// minidom escapes &, <, > and " in text nodes.
std::string XmlText(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

void Element(std::string& out, std::string_view tag, std::string_view text) {
  out += "<";
  out += tag;
  out += ">";
  out += XmlText(text);
  out += "</";
  out += tag;
  out += ">\n";
}

// Python's str() of a JSON number as the converter prints sizes.
std::string NumberText(const bj::value& value) {
  if (value.is_double()) return PythonFloat(value.get_double());
  return bj::serialize(value);
}

class VocWriter : public FormatWriter {
 public:
  VocWriter(const ExportSchema& schema, const WriterOptions& options) : schema_(schema), options_(options) {
    const std::vector<std::string> keys = schema.DataKeys();
    data_key_ = keys.empty() ? "image" : keys.front();
  }

  Result<void> BeginPass(int, ExportSink&) override { return Ok(); }

  Result<void> AddTask(int, const bj::object& task, ExportSink& sink) override {
    std::vector<std::pair<std::string, std::string>> files;
    std::string media;
    for (const AnnotationRecord& record : RecordsOfTask(task, schema_)) {
      const std::string image = ImageReference(record, data_key_);
      if (image.empty()) continue;
      media = image;
      const std::vector<const bj::object*> regions = RecordRegions(record);
      if (regions.empty()) continue;
      const bj::value* width = regions.front()->if_contains("original_width");
      const bj::value* height = regions.front()->if_contains("original_height");
      if (!width || !height || !width->is_number() || !height->is_number()) continue;

      const std::string image_name = MediaFileName(image);
      std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotation>\n";
      Element(xml, "folder", "images");
      Element(xml, "filename", image_name);
      xml += "<source>\n";
      Element(xml, "database", "MyDatabase");
      Element(xml, "annotation", "COCO2017");
      Element(xml, "image", "flickr");
      Element(xml, "flickrid", "NULL");
      const bj::value annotator = Annotator(record, bj::string(""));
      Element(xml, "annotator", annotator.is_string() ? std::string_view(annotator.get_string()) : "None");
      xml += "</source>\n<owner>\n";
      Element(xml, "flickrid", "NULL");
      Element(xml, "name", "Label Studio");
      xml += "</owner>\n<size>\n";
      Element(xml, "width", NumberText(*width));
      Element(xml, "height", NumberText(*height));
      Element(xml, "depth", "3");
      xml += "</size>\n";
      Element(xml, "segmented", "0");
      const double image_width = width->to_number<double>(), image_height = height->to_number<double>();
      for (const bj::object* region : regions) {
        const bj::array* labels = FirstLabels(*region, {"rectanglelabels"});
        if (!labels && !region->contains("rectanglelabels")) labels = FirstLabels(*region, {"labels"});
        if (!labels || !labels->front().is_string()) continue;
        const auto x = Number(*region, "x"), y = Number(*region, "y");
        const auto w = Number(*region, "width"), h = Number(*region, "height");
        if (!x || !y || !w || !h) continue;
        const auto xmin = static_cast<int64_t>(*x / 100 * image_width);
        const auto ymin = static_cast<int64_t>(*y / 100 * image_height);
        const auto box_width = static_cast<int64_t>(*w / 100 * image_width);
        const auto box_height = static_cast<int64_t>(*h / 100 * image_height);
        xml += "<object>\n";
        Element(xml, "name", labels->front().get_string());
        Element(xml, "pose", "Unspecified");
        Element(xml, "truncated", "0");
        Element(xml, "difficult", "0");
        xml += "<bndbox>\n";
        Element(xml, "xmin", std::to_string(xmin));
        Element(xml, "ymin", std::to_string(ymin));
        Element(xml, "xmax", std::to_string(xmin + box_width));
        Element(xml, "ymax", std::to_string(ymin + box_height));
        xml += "</bndbox>\n</object>\n";
      }
      xml += "</annotation>\n";

      const std::string path = "Annotations/" + StripExtension(image_name) + ".xml";
      bool replaced = false;
      for (auto& file : files) {
        if (file.first == path) {
          file.second = std::move(xml);
          replaced = true;
          break;
        }
      }
      if (!replaced) files.emplace_back(path, std::move(xml));
    }
    for (const auto& [path, content] : files) {
      TALLY_TRY(sink.BeginFile(path));
      TALLY_TRY(sink.Write(content));
      TALLY_TRY(sink.EndFile());
    }
    return WriteTaskMedia(options_, media, sink);
  }

  Result<bool> Finish(ExportSink&) override { return true; }

 private:
  const ExportSchema& schema_;
  const WriterOptions options_;
  std::string data_key_;
};

}  // namespace

std::unique_ptr<FormatWriter> MakeVocWriter(const ExportSchema& schema, const WriterOptions& options) {
  return std::make_unique<VocWriter>(schema, options);
}

}  // namespace tally::labeling::exporting
