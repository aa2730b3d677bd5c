#include <fmt/format.h>

#include "labeling/export/writer.h"

namespace tally::labeling::exporting {

const std::vector<FormatInfo>& Formats() {
  static const std::vector<FormatInfo> kFormats = {
      {"JSON", "JSON",
       "List of items in raw JSON format stored in one JSON file. Use to export both the data and the annotations "
       "for a dataset. It's Label Studio Common Format",
       "json", false, {}},
      {"JSON_MIN", "JSON-MIN",
       "List of items where only \"from_name\", \"to_name\" values from the raw JSON format are exported. Use to "
       "export only the annotations for a dataset.",
       "json", false, {}},
      {"CSV", "CSV",
       "Results are stored as comma-separated values with the column names specified by the values of the "
       "\"from_name\" and \"to_name\" fields.",
       "csv", false, {}},
      {"TSV", "TSV",
       "Results are stored in tab-separated tabular file with column names specified by \"from_name\" \"to_name\" "
       "values",
       "tsv", false, {}},
      {"CONLL2003", "CONLL2003", "Popular format used for the CoNLL-2003 named entity recognition challenge.",
       "conll", false, {"sequence labeling", "text tagging", "named entity recognition"}},
      {"COCO", "COCO",
       "Popular machine learning format used by the COCO dataset for object detection and image segmentation tasks "
       "with polygons and rectangles.",
       "json", false, {"image segmentation", "object detection", "keypoints"}},
      {"VOC", "Pascal VOC XML",
       "Popular XML format used for object detection and polygon image segmentation tasks.", "zip", true,
       {"image segmentation", "object detection"}},
      {"BRUSH_TO_NUMPY", "Brush labels to NumPy",
       "Export your brush labels as NumPy 2d arrays. Each label outputs as one image.", "zip", true,
       {"image segmentation"}},
      {"BRUSH_TO_PNG", "Brush labels to PNG",
       "Export your brush labels as PNG images. Each label outputs as one image.", "zip", true,
       {"image segmentation"}},
      {"ASR_MANIFEST", "ASR Manifest",
       "Export audio transcription labels for automatic speech recognition as the JSON manifest format expected by "
       "NVIDIA NeMo models.",
       "zip", true, {"speech recognition"}},
      {"YOLO", "YOLO",
       "Popular TXT format is created for each image file. Each txt file contains annotations for the corresponding "
       "image file, that is object class, object coordinates, height & width.",
       "zip", true, {"image segmentation", "object detection", "keypoints"}},
      {"YOLO_OBB", "YOLOv8 OBB",
       "Popular TXT format is created for each image file. Each txt file contains annotations for the corresponding "
       "image file. The YOLO OBB format designates bounding boxes by their four corner points with coordinates "
       "normalized between 0 and 1, so it is possible to export rotated objects.",
       "zip", true, {"image segmentation", "object detection"}},
      {"YOLO_WITH_IMAGES", "YOLO with Images", "YOLO format with images downloaded.", "zip", true,
       {"image segmentation", "object detection", "keypoints"}},
      {"COCO_WITH_IMAGES", "COCO with Images", "COCO format with images downloaded.", "zip", true,
       {"image segmentation", "object detection", "keypoints"}},
      {"YOLO_OBB_WITH_IMAGES", "YOLOv8 OBB with Images", "YOLOv8 OBB format with images downloaded.", "zip", true,
       {"image segmentation", "object detection"}},
  };
  return kFormats;
}

const FormatInfo* FindFormat(std::string_view name) {
  for (const FormatInfo& format : Formats()) {
    if (format.name == name) return &format;
  }
  return nullptr;
}

std::string_view BaseFormatName(std::string_view format) {
  constexpr std::string_view kSuffix = "_WITH_IMAGES";
  if (format.size() > kSuffix.size() && format.substr(format.size() - kSuffix.size()) == kSuffix) {
    return format.substr(0, format.size() - kSuffix.size());
  }
  return format;
}

bool AlwaysWithMedia(std::string_view format) { return BaseFormatName(format) != format; }

bool ExportIsArchive(const FormatInfo& format, bool download_resources) {
  return format.multi_file || (format.name == "COCO" && download_resources);
}

bool FormatAvailable(const FormatInfo& format, const ExportSchema& schema) {
  const std::string name(BaseFormatName(format.name));
  if (name == "JSON" || name == "JSON_MIN" || name == "CSV" || name == "TSV") return true;
  if (schema.DataKeys().size() > 1) return false;
  bool multi_image = false;
  for (const SchemaControl& control : schema.controls) {
    for (const SchemaInput& input : control.inputs) multi_image = multi_image || input.value_list;
  }
  const bool image = schema.HasInputType("Image");
  if (name == "CONLL2003") return schema.HasInputType("Text") && schema.HasControlType("Labels");
  const auto has = [&schema](std::string_view type) { return schema.HasControlType(type); };
  if (name == "BRUSH_TO_NUMPY" || name == "BRUSH_TO_PNG") {
    return image && (has("BrushLabels") || (has("Brush") && has("Labels")));
  }
  if (name == "ASR_MANIFEST") {
    return (schema.HasInputType("Audio") || schema.HasInputType("AudioPlus")) && has("TextArea");
  }
  if (name == "VOC") {
    return !multi_image && image && (has("RectangleLabels") || (has("Rectangle") && has("Labels")));
  }
  if (name == "COCO" || name == "YOLO" || name == "YOLO_OBB") {
    if (has("KeyPointLabels") && !has("RectangleLabels") && name != "YOLO_OBB") return false;
    const bool shapes = (image && (has("RectangleLabels") || has("PolygonLabels") || has("KeyPointLabels"))) ||
                        (has("Rectangle") && has("Labels")) || (has("PolygonLabels") && has("Labels")) ||
                        (has("KeyPointLabels") && has("Labels"));
    if (multi_image || !shapes) return false;
    if (name == "YOLO_OBB" && schema.HasInputType("Video") && has("TimelineLabels")) return false;
    return true;
  }
  return false;
}

Result<std::unique_ptr<FormatWriter>> MakeFormatWriter(std::string_view format, const ExportSchema& schema,
                                                       const WriterOptions& options) {
  format = BaseFormatName(format);
  if (format == "JSON") return MakeJsonWriter();
  if (format == "JSON_MIN") return MakeJsonMinWriter(schema);
  if (format == "CSV") return MakeCsvWriter(schema, ',');
  if (format == "TSV") return MakeCsvWriter(schema, '\t');
  if (format == "CONLL2003") return MakeConllWriter(schema);
  if (format == "COCO") return MakeCocoWriter(schema, options);
  if (format == "VOC") return MakeVocWriter(schema, options);
  if (format == "BRUSH_TO_NUMPY") return MakeBrushWriter(schema, false);
  if (format == "BRUSH_TO_PNG") return MakeBrushWriter(schema, true);
  if (format == "ASR_MANIFEST") return MakeAsrManifestWriter(schema, options);
  if (format == "YOLO") return MakeYoloWriter(schema, options, false);
  if (format == "YOLO_OBB") return MakeYoloWriter(schema, options, true);
  std::string known;
  for (const FormatInfo& info : Formats()) known += (known.empty() ? "" : ", ") + info.name;
  return Error::InvalidField("exportType", fmt::format("unknown export format \"{}\"; use one of {}", format, known));
}

}  // namespace tally::labeling::exporting
