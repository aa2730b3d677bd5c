// The tag catalogue's contents: one entry per known tag, built from shared
// attribute groups. Lookups live in tag_catalog.cc.
#include <initializer_list>

#include "labeling/config/tag_catalog.h"

namespace tally::labeling {
namespace {

using Type = AttributeType;
using Attributes = std::vector<AttributeSpec>;

Attributes Join(std::initializer_list<Attributes> groups) {
  Attributes joined;
  for (const Attributes& group : groups) joined.insert(joined.end(), group.begin(), group.end());
  return joined;
}

// ---- attribute groups shared by several tags ------------------------------

const Attributes& Layout() {
  static const Attributes attributes = {
      {"style", Type::kString, "", ""},
      {"className", Type::kString, "", ""},
  };
  return attributes;
}

const Attributes& Visibility() {
  static const Attributes attributes = {
      {"visibleWhen", Type::kEnum, "", "region-selected|choice-selected|no-region-selected|choice-unselected"},
      {"whenTagName", Type::kString, "", ""},
      {"whenLabelValue", Type::kString, "", ""},
      {"whenChoiceValue", Type::kString, "", ""},
  };
  return attributes;
}

// Attributes every classification-style control takes.
const Attributes& ControlBasics() {
  static const Attributes attributes = Join({
      {
          {"name", Type::kString, "", ""},
          {"toName", Type::kNameList, "", ""},
          {"required", Type::kBoolean, "false", ""},
          {"requiredMessage", Type::kString, "", ""},
          {"perRegion", Type::kBoolean, "false", ""},
          {"perItem", Type::kBoolean, "false", ""},
      },
      Visibility(),
      Layout(),
  });
  return attributes;
}

// Attributes of Labels and of every tag that draws labeled regions.
const Attributes& LabelsBasics() {
  static const Attributes attributes = Join({
      {
          {"name", Type::kString, "", ""},
          {"toName", Type::kNameList, "", ""},
          {"choice", Type::kEnum, "single", "single|multiple"},
          {"maxUsages", Type::kInteger, "", ""},
          {"showInline", Type::kBoolean, "true", ""},
          {"opacity", Type::kNumber, "0.6", ""},
          {"fillColor", Type::kColor, "", ""},
          {"strokeColor", Type::kColor, "#f48a42", ""},
          {"strokeWidth", Type::kNumber, "1", ""},
          {"value", Type::kData, "", ""},
          {"allowEmpty", Type::kBoolean, "false", ""},
          {"smart", Type::kBoolean, "false", ""},
          {"smartOnly", Type::kBoolean, "false", ""},
          {"hotkey", Type::kString, "", ""},
          {"required", Type::kBoolean, "false", ""},
          {"requiredMessage", Type::kString, "", ""},
      },
      Visibility(),
      Layout(),
  });
  return attributes;
}

// Attributes of the unlabeled shape tools.
const Attributes& ShapeBasics() {
  static const Attributes attributes = Join({
      {
          {"name", Type::kString, "", ""},
          {"toName", Type::kNameList, "", ""},
          {"opacity", Type::kNumber, "0.6", ""},
          {"fillColor", Type::kColor, "", ""},
          {"strokeColor", Type::kColor, "#f48a42", ""},
          {"strokeWidth", Type::kNumber, "1", ""},
          {"smart", Type::kBoolean, "false", ""},
          {"smartOnly", Type::kBoolean, "false", ""},
          {"hotkey", Type::kString, "", ""},
      },
      Visibility(),
  });
  return attributes;
}

const Attributes& PointStyle() {
  static const Attributes attributes = {
      {"pointSize", Type::kEnum, "medium", "small|medium|large"},
      {"pointStyle", Type::kEnum, "circle", "rectangle|circle"},
  };
  return attributes;
}

const Attributes& AudioAttributes() {
  static const Attributes attributes = Join({
      {
          {"name", Type::kString, "", ""},
          {"value", Type::kData, "", ""},
          {"hotkey", Type::kString, "", ""},
          {"sync", Type::kString, "", ""},
          {"cursorwidth", Type::kInteger, "1", ""},
          {"cursorcolor", Type::kColor, "#333", ""},
          {"zoom", Type::kBoolean, "true", ""},
          {"volume", Type::kBoolean, "true", ""},
          {"speed", Type::kBoolean, "true", ""},
          {"defaultspeed", Type::kNumber, "1", ""},
          {"defaultscale", Type::kNumber, "1", ""},
          {"defaultzoom", Type::kNumber, "1", ""},
          {"defaultvolume", Type::kNumber, "1", ""},
          {"height", Type::kInteger, "96", ""},
          {"waveheight", Type::kInteger, "32", ""},
          {"splitchannels", Type::kBoolean, "false", ""},
          {"decoder", Type::kEnum, "webaudio", "webaudio|ffmpeg"},
          {"player", Type::kEnum, "html5", "html5|webaudio"},
          {"spectrogram", Type::kBoolean, "false", ""},
      },
  });
  return attributes;
}

const Attributes& TextObjectAttributes() {
  static const Attributes attributes = {
      {"name", Type::kString, "", ""},
      {"value", Type::kData, "", ""},
      {"valueType", Type::kEnum, "text", "url|text"},
      {"saveTextResult", Type::kEnum, "", "yes|no"},
      {"selectionEnabled", Type::kBoolean, "true", ""},
      {"highlightColor", Type::kColor, "", ""},
      {"showLabels", Type::kBoolean, "", ""},
      {"encoding", Type::kEnum, "none", "none|base64|base64unicode"},
  };
  return attributes;
}

// ---- the catalogue --------------------------------------------------------

TagSpec Object(std::string_view name, Attributes attributes) {
  TagSpec spec;
  spec.name = name;
  spec.kind = TagKind::kObject;
  spec.attributes = std::move(attributes);
  return spec;
}

TagSpec Control(std::string_view name, AnswerKind answer, std::string_view result_type,
                std::string_view targets, Attributes attributes,
                TargetRequirement to_name = TargetRequirement::kRequired, std::string_view option_tag = "") {
  TagSpec spec;
  spec.name = name;
  spec.kind = TagKind::kControl;
  spec.answer = answer;
  spec.result_type = result_type;
  spec.targets = targets;
  spec.option_tag = option_tag;
  spec.to_name = to_name;
  spec.attributes = std::move(attributes);
  return spec;
}

TagSpec Visual(std::string_view name, Attributes attributes, std::string_view option_tag = "") {
  TagSpec spec;
  spec.name = name;
  spec.kind = TagKind::kVisual;
  spec.option_tag = option_tag;
  spec.attributes = std::move(attributes);
  return spec;
}

TagSpec Option(std::string_view name, Attributes attributes) {
  TagSpec spec;
  spec.name = name;
  spec.kind = TagKind::kOption;
  spec.attributes = std::move(attributes);
  return spec;
}

// Objects that Label Studio's newer or Enterprise builds render and Tally
// only passes through.
TagSpec OpaqueObject(std::string_view name) {
  TagSpec spec = Object(name, {});
  spec.opaque = true;
  return spec;
}

}  // namespace

std::vector<TagSpec> BuildTagCatalog() {
  std::vector<TagSpec> specs;

  // Object tags.
  specs.push_back(Object("Image", Join({{
      {"name", Type::kString, "", ""},
      {"value", Type::kData, "", ""},
      {"valueList", Type::kData, "", ""},
      {"smoothing", Type::kBoolean, "", ""},
      {"width", Type::kString, "100%", ""},
      {"height", Type::kString, "", ""},
      {"maxWidth", Type::kString, "750px", ""},
      {"maxHeight", Type::kString, "", ""},
      {"zoom", Type::kBoolean, "false", ""},
      {"negativeZoom", Type::kBoolean, "false", ""},
      {"zoomBy", Type::kNumber, "1.1", ""},
      {"grid", Type::kBoolean, "false", ""},
      {"gridSize", Type::kInteger, "30", ""},
      {"gridColor", Type::kColor, "#EEEEF4", ""},
      {"zoomControl", Type::kBoolean, "false", ""},
      {"brightnessControl", Type::kBoolean, "false", ""},
      {"contrastControl", Type::kBoolean, "false", ""},
      {"rotateControl", Type::kBoolean, "false", ""},
      {"crosshair", Type::kBoolean, "false", ""},
      {"horizontalAlignment", Type::kEnum, "left", "left|center|right"},
      {"verticalAlignment", Type::kEnum, "top", "top|center|bottom"},
      {"defaultZoom", Type::kEnum, "fit", "auto|original|fit"},
      {"crossOrigin", Type::kEnum, "none", "none|anonymous|use-credentials"},
  }, Layout()})));

  specs.push_back(Object("Text", Join({TextObjectAttributes(), {
      {"granularity", Type::kEnum, "symbol", "symbol|word"},
      {"inline", Type::kBoolean, "false", ""},
  }, Layout()})));

  TagSpec hypertext = Object("HyperText", Join({TextObjectAttributes(), {
      {"inline", Type::kBoolean, "false", ""},
      {"sanitizeHtml", Type::kBoolean, "true", ""},
      {"clickableLinks", Type::kBoolean, "false", ""},
      {"granularity", Type::kEnum, "symbol", "symbol|word|sentence|paragraph"},
  }, Layout()}));
  hypertext.raw_content = true;
  specs.push_back(std::move(hypertext));

  specs.push_back(Object("Audio", AudioAttributes()));
  specs.push_back(Object("AudioPlus", AudioAttributes()));

  specs.push_back(Object("Video", {
      {"name", Type::kString, "", ""},
      {"value", Type::kData, "", ""},
      {"frameRate", Type::kNumber, "24", ""},
      {"sync", Type::kString, "", ""},
      {"muted", Type::kBoolean, "false", ""},
      {"height", Type::kInteger, "600", ""},
      {"timelineHeight", Type::kInteger, "64", ""},
  }));

  TagSpec time_series = Object("TimeSeries", {
      {"name", Type::kString, "", ""},
      {"value", Type::kData, "", ""},
      {"valueType", Type::kEnum, "url", "url|json"},
      {"timeColumn", Type::kString, "", ""},
      {"timeFormat", Type::kString, "", ""},
      {"timeDisplayFormat", Type::kString, "", ""},
      {"sep", Type::kString, ",", ""},
      {"overviewChannels", Type::kString, "", ""},
      {"overviewWidth", Type::kString, "25%", ""},
      {"fixedScale", Type::kBoolean, "false", ""},
      {"sync", Type::kString, "", ""},
      {"cursorColor", Type::kColor, "", ""},
  });
  time_series.option_tag = "Channel";
  specs.push_back(std::move(time_series));

  specs.push_back(Object("Paragraphs", Join({{
      {"name", Type::kString, "", ""},
      {"value", Type::kData, "", ""},
      {"valueType", Type::kEnum, "json", "json|url"},
      {"audioUrl", Type::kData, "", ""},
      {"sync", Type::kString, "", ""},
      {"showPlayer", Type::kBoolean, "false", ""},
      {"saveTextResult", Type::kEnum, "yes", "no|yes"},
      {"layout", Type::kEnum, "none", "none|dialogue"},
      {"nameKey", Type::kString, "author", ""},
      {"textKey", Type::kString, "text", ""},
      {"contextScroll", Type::kBoolean, "false", ""},
      {"granularity", Type::kEnum, "symbol", "symbol|word|sentence|paragraph"},
  }, Layout()})));

  specs.push_back(Object("Table", {
      {"name", Type::kString, "", ""},
      {"value", Type::kData, "", ""},
      {"valueType", Type::kString, "", ""},
  }));
  specs.push_back(Object("Pdf", {
      {"name", Type::kString, "", ""},
      {"value", Type::kData, "", ""},
  }));
  specs.push_back(Object("List", {
      {"name", Type::kString, "", ""},
      {"value", Type::kData, "", ""},
      {"title", Type::kString, "", ""},
  }));

  // Chat is an object that also produces results: the messages an annotator
  // adds are `chatmessage` items whose from_name and to_name are its own name.
  TagSpec chat = Object("Chat", Join({{
      {"name", Type::kString, "", ""},
      {"value", Type::kData, "", ""},
      {"toName", Type::kNameList, "", ""},
      {"llm", Type::kString, "", ""},
      {"minMessages", Type::kInteger, "", ""},
      {"maxMessages", Type::kInteger, "", ""},
      {"editable", Type::kString, "false", ""},
      {"messageroles", Type::kString, "", ""},
  }, Layout()}));
  chat.answer = AnswerKind::kChatMessage;
  chat.result_type = "chatmessage";
  specs.push_back(std::move(chat));

  specs.push_back(OpaqueObject("Markdown"));
  specs.push_back(OpaqueObject("ReactCode"));
  specs.push_back(OpaqueObject("Object3D"));
  specs.push_back(OpaqueObject("Cube"));

  // Classification controls.
  specs.push_back(Control("Choices", AnswerKind::kChoices, "choices", "*", Join({ControlBasics(), {
      {"choice", Type::kEnum, "single", "single|single-radio|multiple"},
      {"showInline", Type::kBoolean, "false", ""},
      {"value", Type::kData, "", ""},
      {"allowNested", Type::kBoolean, "false", ""},
      {"layout", Type::kEnum, "", "select|inline|vertical"},
      {"selection", Type::kString, "", ""},
      {"hotkey", Type::kString, "", ""},
  }}), TargetRequirement::kRequired, "Choice"));

  specs.push_back(Control("TextArea", AnswerKind::kTextArea, "textarea", "*", Join({ControlBasics(), {
      {"value", Type::kString, "", ""},
      {"label", Type::kString, "", ""},
      {"placeholder", Type::kString, "", ""},
      {"maxSubmissions", Type::kInteger, "", ""},
      {"editable", Type::kBoolean, "false", ""},
      {"skipDuplicates", Type::kBoolean, "false", ""},
      {"transcription", Type::kBoolean, "false", ""},
      {"displayMode", Type::kEnum, "tag", "tag|region-list"},
      {"rows", Type::kInteger, "", ""},
      {"showSubmitButton", Type::kBoolean, "", ""},
  }}), TargetRequirement::kRequired, "Shortcut"));

  specs.push_back(Control("Rating", AnswerKind::kRating, "rating", "*", Join({ControlBasics(), {
      {"maxRating", Type::kInteger, "5", ""},
      {"defaultValue", Type::kInteger, "0", ""},
      {"size", Type::kEnum, "medium", "small|medium|large"},
      {"icon", Type::kEnum, "star", "star|heart|fire|smile"},
      {"hotkey", Type::kString, "", ""},
  }}), TargetRequirement::kExpected));

  specs.push_back(Control("Number", AnswerKind::kNumber, "number", "*", Join({ControlBasics(), {
      {"min", Type::kNumber, "", ""},
      {"max", Type::kNumber, "", ""},
      {"step", Type::kNumber, "1", ""},
      {"defaultValue", Type::kNumber, "", ""},
      {"hotkey", Type::kString, "", ""},
      {"slider", Type::kBoolean, "false", ""},
  }})));

  specs.push_back(Control("DateTime", AnswerKind::kDateTime, "datetime", "*", Join({ControlBasics(), {
      {"only", Type::kString, "", ""},
      {"format", Type::kString, "", ""},
      {"min", Type::kString, "", ""},
      {"max", Type::kString, "", ""},
  }}), TargetRequirement::kExpected));

  specs.push_back(Control("Taxonomy", AnswerKind::kTaxonomy, "taxonomy", "*", Join({ControlBasics(), {
      {"apiUrl", Type::kString, "", ""},
      {"leafsOnly", Type::kBoolean, "false", ""},
      {"showFullPath", Type::kBoolean, "false", ""},
      {"pathSeparator", Type::kString, "/", ""},
      {"maxUsages", Type::kInteger, "", ""},
      {"maxWidth", Type::kString, "", ""},
      {"minWidth", Type::kString, "", ""},
      {"placeholder", Type::kString, "", ""},
      {"legacy", Type::kBoolean, "false", ""},
  }}), TargetRequirement::kExpected, "Choice"));

  specs.push_back(Control("Ranker", AnswerKind::kRanker, "ranker", "List", Join({{
      {"name", Type::kString, "", ""},
      {"toName", Type::kNameList, "", ""},
  }, Layout()}), TargetRequirement::kRequired, "Bucket"));

  specs.push_back(Control("Pairwise", AnswerKind::kPairwise, "pairwise", "*", Join({ControlBasics(), {
      {"selectionStyle", Type::kString, "", ""},
      {"leftClass", Type::kString, "left", ""},
      {"rightClass", Type::kString, "right", ""},
  }})));

  specs.push_back(Control("Relations", AnswerKind::kRelation, "relation", "", {
      {"choice", Type::kEnum, "single", "single|multiple"},
  }, TargetRequirement::kNone, "Relation"));

  // Region controls with labels. Label Studio's result type is the
  // lower-cased tag name.
  const std::string_view kTextLike = "Text,HyperText,Audio,AudioPlus,Paragraphs,Image,Video,TimeSeries,Pdf";
  specs.push_back(Control("Labels", AnswerKind::kLabels, "labels", kTextLike, LabelsBasics(),
                          TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("RectangleLabels", AnswerKind::kLabels, "rectanglelabels", "Image",
                          Join({LabelsBasics(), {{"canRotate", Type::kBoolean, "true", ""}}}),
                          TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("PolygonLabels", AnswerKind::kLabels, "polygonlabels", "Image",
                          Join({LabelsBasics(), PointStyle()}), TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("KeyPointLabels", AnswerKind::kLabels, "keypointlabels", "Image", LabelsBasics(),
                          TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("EllipseLabels", AnswerKind::kLabels, "ellipselabels", "Image",
                          Join({LabelsBasics(), {{"canRotate", Type::kBoolean, "true", ""}}}),
                          TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("BrushLabels", AnswerKind::kLabels, "brushlabels", "Image", LabelsBasics(),
                          TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("BitmaskLabels", AnswerKind::kLabels, "bitmasklabels", "Image", LabelsBasics(),
                          TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("VectorLabels", AnswerKind::kLabels, "vectorlabels", "Image",
                          Join({LabelsBasics(), PointStyle(), {{"closable", Type::kBoolean, "false", ""}}}),
                          TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("OcrLabels", AnswerKind::kLabels, "ocrlabels", "Pdf,Image", LabelsBasics(),
                          TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("TimeSeriesLabels", AnswerKind::kLabels, "timeserieslabels", "TimeSeries",
                          LabelsBasics(), TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("ParagraphLabels", AnswerKind::kLabels, "paragraphlabels", "Paragraphs",
                          LabelsBasics(), TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("HyperTextLabels", AnswerKind::kLabels, "hypertextlabels", "HyperText",
                          LabelsBasics(), TargetRequirement::kRequired, "Label"));
  specs.push_back(Control("TimelineLabels", AnswerKind::kTimelineLabels, "timelinelabels", "Video",
                          LabelsBasics(), TargetRequirement::kRequired, "Label"));

  // Unlabeled shape tools; combine with Labels to label what they draw.
  specs.push_back(Control("Rectangle", AnswerKind::kShape, "rectangle", "Image",
                          Join({ShapeBasics(), {{"canRotate", Type::kBoolean, "true", ""}}})));
  specs.push_back(Control("Polygon", AnswerKind::kShape, "polygon", "Image", Join({ShapeBasics(), PointStyle()})));
  specs.push_back(Control("KeyPoint", AnswerKind::kShape, "keypoint", "Image", ShapeBasics()));
  specs.push_back(Control("Ellipse", AnswerKind::kShape, "ellipse", "Image",
                          Join({ShapeBasics(), {{"canRotate", Type::kBoolean, "true", ""}}})));
  specs.push_back(Control("Brush", AnswerKind::kShape, "brush", "Image", ShapeBasics()));
  specs.push_back(Control("Bitmask", AnswerKind::kShape, "bitmask", "Image", ShapeBasics()));
  specs.push_back(Control("Vector", AnswerKind::kShape, "vector", "Image", Join({ShapeBasics(), PointStyle()})));
  // MagicWand fills a mask like a brush stroke, and its regions are saved as
  // brush results.
  specs.push_back(Control("MagicWand", AnswerKind::kShape, "brush", "Image", Join({ShapeBasics(), {
      {"blurradius", Type::kInteger, "5", ""},
      {"defaultthreshold", Type::kInteger, "15", ""},
  }})));
  specs.push_back(Control("VideoRectangle", AnswerKind::kVideoRectangle, "videorectangle", "Video", ShapeBasics()));

  // Visual tags.
  specs.push_back(Visual("View", Join({{
      {"display", Type::kEnum, "block", "block|inline"},
      {"idAttr", Type::kString, "", ""},
      {"whenRole", Type::kString, "", ""},
  }, Visibility(), Layout()})));
  specs.push_back(Visual("Header", Join({{
      {"value", Type::kData, "", ""},
      {"size", Type::kInteger, "4", ""},
      {"underline", Type::kBoolean, "false", ""},
  }, Layout()})));
  specs.push_back(Visual("Style", {}));
  specs.push_back(Visual("Collapse", {
      {"accordion", Type::kBoolean, "true", ""},
      {"bordered", Type::kBoolean, "false", ""},
  }, "Panel"));
  specs.push_back(Visual("Filter", {
      {"name", Type::kString, "", ""},
      {"toName", Type::kNameList, "", ""},
      {"minlength", Type::kInteger, "3", ""},
      {"placeholder", Type::kString, "", ""},
      {"hotkey", Type::kString, "", ""},
      {"caseSensitive", Type::kBoolean, "false", ""},
  }));
  specs.push_back(Visual("Repeater", {
      {"on", Type::kData, "", ""},
      {"indexFlag", Type::kString, "{{idx}}", ""},
      {"mode", Type::kEnum, "", "pagination|scroll"},
  }));

  // Option tags.
  specs.push_back(Option("Label", {
      {"value", Type::kString, "", ""},
      {"alias", Type::kString, "", ""},
      {"selected", Type::kBoolean, "false", ""},
      {"maxUsages", Type::kInteger, "", ""},
      {"hint", Type::kString, "", ""},
      {"hotkey", Type::kString, "", ""},
      {"showAlias", Type::kBoolean, "false", ""},
      {"aliasStyle", Type::kString, "opacity:0.6", ""},
      {"size", Type::kEnum, "medium", "small|medium|large"},
      {"background", Type::kColor, "#36B37E", ""},
      {"selectedColor", Type::kColor, "#ffffff", ""},
      {"granularity", Type::kEnum, "", "symbol|word"},
      {"html", Type::kString, "", ""},
      {"category", Type::kInteger, "", ""},
      {"model_index", Type::kInteger, "", ""},
  }));
  specs.push_back(Option("Choice", {
      {"value", Type::kString, "", ""},
      {"alias", Type::kString, "", ""},
      {"selected", Type::kBoolean, "false", ""},
      {"style", Type::kString, "", ""},
      {"hotkey", Type::kString, "", ""},
      {"html", Type::kString, "", ""},
      {"hint", Type::kString, "", ""},
      {"background", Type::kColor, "", ""},
  }));
  specs.push_back(Option("Relation", {
      {"value", Type::kString, "", ""},
      {"background", Type::kColor, "", ""},
  }));
  specs.push_back(Option("Bucket", {
      {"name", Type::kString, "", ""},
      {"title", Type::kString, "", ""},
      {"default", Type::kBoolean, "false", ""},
      {"style", Type::kString, "", ""},
  }));
  specs.push_back(Option("Channel", {
      {"column", Type::kString, "", ""},
      {"legend", Type::kString, "", ""},
      {"units", Type::kString, "", ""},
      {"displayFormat", Type::kString, "", ""},
      {"height", Type::kInteger, "", ""},
      {"strokeColor", Type::kColor, "#f48a42", ""},
      {"strokeWidth", Type::kNumber, "1", ""},
      {"markerColor", Type::kColor, "", ""},
      {"markerSize", Type::kNumber, "", ""},
      {"markerSymbol", Type::kString, "", ""},
      {"showAxis", Type::kBoolean, "true", ""},
      {"fixedScale", Type::kBoolean, "false", ""},
      {"dataRange", Type::kString, "", ""},
  }));
  specs.push_back(Option("Panel", {
      {"value", Type::kString, "", ""},
  }));
  specs.push_back(Option("Shortcut", {
      {"value", Type::kString, "", ""},
      {"alias", Type::kString, "", ""},
      {"hotkey", Type::kString, "", ""},
      {"background", Type::kColor, "", ""},
  }));

  return specs;
}

}  // namespace tally::labeling
