// Result item checks that span items: names and types against the config,
// region ids (relations, per-region answers, parentID) and required
// answers. Value payloads are checked in result_checks.cc.
#include "labeling/config/result_validator.h"

#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "labeling/config/result_checks.h"
#include "labeling/config/text_util.h"

namespace tally::labeling {
namespace {

namespace bj = boost::json;

// Facts about one checked item that the cross-item checks read.
struct CheckedItem {
  size_t index = 0;
  std::string id;                      // empty when absent
  const ControlTag* control = nullptr;  // nullptr for relations and items that failed the name checks
  std::string to_name;
  const bj::object* value = nullptr;   // into the normalised copy
};

// Whether a to_name, one object or a comma list of them as a multi-target
// control writes it, names `object`.
bool NamesObject(const std::string& to_name, const std::string& object) {
  if (to_name == object) return true;
  const std::vector<std::string> names = SplitCommaList(to_name);
  return std::find(names.begin(), names.end(), object) != names.end();
}

bool IsRegion(const CheckedItem& item) {
  return item.control && !item.control->per_region && CreatesRegions(item.control->answer);
}

// The bare shape type of a labels control: "rectanglelabels" -> "rectangle".
std::string BaseShapeType(std::string_view result_type) {
  if (result_type.size() > 6 && result_type.substr(result_type.size() - 6) == "labels") {
    return std::string(result_type.substr(0, result_type.size() - 6));
  }
  return {};
}

class ResultChecker {
 public:
  ResultChecker(const LabelConfig& config, const ResultCheckOptions& options) : config_(config), options_(options) {
    // A Chat produces `chatmessage` items even without toName, when Label
    // Studio's parser does not list it as a control.
    for (const ObjectTag& object : config_.objects) {
      if (object.type != "Chat" || config_.FindControl(object.name)) continue;
      ControlTag chat;
      chat.name = object.name;
      chat.type = object.type;
      chat.result_type = "chatmessage";
      chat.answer = AnswerKind::kChatMessage;
      chat.element = object.element;
      chat.to_names = {object.name};
      chat_controls_.push_back(std::move(chat));
    }
  }

  ResultCheck Run(const bj::value& result) {
    ResultCheck check;
    if (!result.is_array()) {
      check.errors.push_back({options_.field_prefix, "must be a list of result items"});
      return check;
    }
    check.result = result.as_array();

    CollectIds(check.result);
    for (size_t i = 0; i < check.result.size(); ++i) CheckItem(i, check.result[i]);
    CheckRegionLinks();
    if (options_.require_answers) CheckRequiredAnswers();

    // Report in item order; checks that run later still name earlier items.
    std::stable_sort(errors_.begin(), errors_.end(), [this](const FieldError& a, const FieldError& b) {
      return ItemIndexOf(a.field) < ItemIndexOf(b.field);
    });
    check.errors = std::move(errors_);
    return check;
  }

 private:
  // The item index in "PREFIX.3.value.x"; -1 for errors about the whole result.
  long ItemIndexOf(const std::string& field) const {
    const size_t start = options_.field_prefix.size() + 1;
    if (field.size() <= start) return -1;
    return std::strtol(field.c_str() + start, nullptr, 10);
  }

  std::string Field(size_t index) const { return options_.field_prefix + "." + std::to_string(index); }

  void Fail(std::string field, std::string message) { errors_.push_back({std::move(field), std::move(message)}); }

  // Ids may arrive as numbers from other tools; they are stored as strings.
  static void NormaliseId(bj::object& item, std::string_view key) {
    bj::value* id = item.if_contains(key);
    if (id && (id->is_int64() || id->is_uint64())) *id = bj::string(bj::serialize(*id));
  }

  void CollectIds(bj::array& items) {
    for (bj::value& item : items) {
      if (!item.is_object()) continue;
      bj::object& object = item.as_object();
      for (std::string_view key : {"id", "parentID", "from_id", "to_id"}) NormaliseId(object, key);
      const bj::value* type = object.if_contains("type");
      const bool relation = type && type->is_string() && type->as_string() == "relation";
      const bj::value* id = object.if_contains("id");
      if (!relation && id && id->is_string()) ids_.insert(std::string(id->as_string()));
    }
  }

  const ControlTag* FindControl(std::string_view from_name) const {
    if (const ControlTag* control = config_.MatchControl(from_name)) return control;
    for (const ControlTag& chat : chat_controls_) {
      if (chat.name == from_name) return &chat;
    }
    return nullptr;
  }

  std::vector<std::string> ControlNames() const {
    std::vector<std::string> names;
    for (const ControlTag& control : config_.controls) names.push_back(control.name);
    return names;
  }

  const std::string& IndexFlag(const ControlTag& control) const {
    static const std::string kNone;
    return control.repeater >= 0 ? config_.repeaters[static_cast<size_t>(control.repeater)].index_flag : kNone;
  }

  static bool AcceptsType(const ControlTag& control, std::string_view type) {
    if (type == control.result_type || type == Lowercase(control.type)) return true;
    return control.answer == AnswerKind::kLabels && type == BaseShapeType(control.result_type);
  }

  // to_name is the control's toName as written ("img1,img2") or one of its
  // targets; Repeater templates match their expansions.
  bool AcceptsTarget(const ControlTag& control, std::string_view to_name) const {
    const std::string& flag = IndexFlag(control);
    const std::string joined(config_.Element(control.element).Attribute("toName", control.name));
    if (MatchesRepeaterName(joined, flag, to_name)) return true;
    return std::any_of(control.to_names.begin(), control.to_names.end(),
                       [&](const std::string& target) { return MatchesRepeaterName(target, flag, to_name); });
  }

  void CheckItem(size_t index, bj::value& item_value) {
    const std::string field = Field(index);
    if (!item_value.is_object()) {
      Fail(field, "must be an object");
      return;
    }
    bj::object& item = item_value.as_object();
    item.erase("source");

    const bj::value* type = item.if_contains("type");
    if (!type || !type->is_string()) {
      Fail(field + ".type", type ? "must be a string" : "is required");
      return;
    }
    const std::string type_name(type->as_string());
    CheckCommonFields(field, item);
    if (type_name == "relation") {
      CheckRelation(field, item);
      return;
    }

    CheckedItem checked;
    checked.index = index;
    if (const bj::value* id = item.if_contains("id"); id && id->is_string()) checked.id = std::string(id->as_string());

    const bj::value* from_name = item.if_contains("from_name");
    const bj::value* to_name = item.if_contains("to_name");
    if (!from_name || !from_name->is_string()) {
      Fail(field + ".from_name", from_name ? "must be a string" : "is required");
      return;
    }
    if (!to_name || !to_name->is_string()) {
      Fail(field + ".to_name", to_name ? "must be a string" : "is required");
      return;
    }

    const ControlTag* control = FindControl(from_name->as_string());
    if (!control) {
      const std::string near = NearestName(ControlNames(), from_name->as_string());
      Fail(field + ".from_name", "\"" + std::string(from_name->as_string()) + "\" is not a control of this label config" +
                                     (near.empty() ? "" : "; did you mean \"" + near + "\"?"));
      return;
    }
    if (!AcceptsType(*control, type_name)) {
      Fail(field + ".type", "\"" + type_name + "\" does not match <" + control->type + " name=\"" + control->name +
                                "\">, whose results have type \"" + control->result_type + "\"");
      return;
    }
    if (!AcceptsTarget(*control, to_name->as_string())) {
      Fail(field + ".to_name", "\"" + std::string(to_name->as_string()) + "\" is not an object labeled by <" +
                                   control->type + " name=\"" + control->name + "\">");
      return;
    }

    bj::value* value = item.if_contains("value");
    if (!value || !value->is_object()) {
      Fail(field + ".value", value ? "must be an object" : "is required");
      return;
    }

    checked.control = control;
    checked.to_name = std::string(to_name->as_string());
    checked.value = &value->as_object();
    ValueContext context{config_, *control, TargetObject(*control, checked.to_name), type_name, item,
                         value->as_object(), field + ".value", errors_};
    CheckResultValue(context);
    items_.push_back(std::move(checked));
  }

  // The object a to_name denotes when it is a single target.
  const ObjectTag* TargetObject(const ControlTag& control, const std::string& to_name) const {
    for (const std::string& target : control.to_names) {
      if (MatchesRepeaterName(target, IndexFlag(control), to_name)) return config_.FindObject(target);
    }
    return nullptr;
  }

  // A brush mask must fit the size that export can decode.
  void CheckBrushMaskSize(const std::string& field, const bj::object& item) {
    const bj::value* type = item.if_contains("type");
    if (!type || !type->is_string() || (type->as_string() != "brushlabels" && type->as_string() != "brush")) return;
    const bj::value* width = item.if_contains("original_width");
    const bj::value* height = item.if_contains("original_height");
    const std::optional<double> w = width ? AsNumber(*width) : std::nullopt;
    const std::optional<double> h = height ? AsNumber(*height) : std::nullopt;
    if (!w || !h || *w <= 0 || *h <= 0) return;
    if (*w * *h > static_cast<double>(kMaxBrushMaskPixels)) {
      Fail(field + ".original_width",
           fmt::format("a brush mask may cover at most {} pixels (16384 × 16384); this one is {} × {}",
                       kMaxBrushMaskPixels, *w, *h));
    }
  }

  void CheckCommonFields(const std::string& field, const bj::object& item) {
    if (const bj::value* id = item.if_contains("id"); id && !id->is_string()) Fail(field + ".id", "must be a string");

    if (const bj::value* origin = item.if_contains("origin")) {
      const bool known = origin->is_string() && (origin->as_string() == "manual" || origin->as_string() == "prediction" ||
                                                 origin->as_string() == "prediction-changed");
      if (!known) Fail(field + ".origin", "must be \"manual\", \"prediction\" or \"prediction-changed\"");
    }
    for (std::string_view key : {"original_width", "original_height"}) {
      const bj::value* size = item.if_contains(key);
      if (!size) continue;
      const std::optional<double> number = AsNumber(*size);
      if (!number || *number <= 0) Fail(field + "." + std::string(key), "must be a number of pixels above 0");
    }
    CheckBrushMaskSize(field, item);
    for (std::string_view key : {"image_rotation", "score", "original_length"}) {
      const bj::value* number = item.if_contains(key);
      if (number && !number->is_null() && !AsNumber(*number)) Fail(field + "." + std::string(key), "must be a number");
    }
    if (const bj::value* parent = item.if_contains("parentID"); parent && !parent->is_null()) {
      if (!parent->is_string()) {
        Fail(field + ".parentID", "must be a string");
      } else if (!ids_.count(std::string(parent->as_string()))) {
        Fail(field + ".parentID", "names region \"" + std::string(parent->as_string()) + "\", which is not in this result");
      }
    }
    if (const bj::value* item_index = item.if_contains("item_index"); item_index && !item_index->is_null()) {
      const std::optional<int64_t> number = AsInteger(*item_index);
      if (!number || *number < 0) Fail(field + ".item_index", "must be a whole number of at least 0");
    }
    for (std::string_view key : {"readonly", "hidden"}) {
      const bj::value* flag = item.if_contains(key);
      if (flag && !flag->is_bool()) Fail(field + "." + std::string(key), "must be true or false");
    }
    if (const bj::value* meta = item.if_contains("meta"); meta && !meta->is_object() && !meta->is_null()) {
      Fail(field + ".meta", "must be an object");
    }
  }

  void CheckRelation(const std::string& field, bj::object& item) {
    std::string endpoints[2];
    const char* keys[2] = {"from_id", "to_id"};
    for (int i = 0; i < 2; ++i) {
      const bj::value* id = item.if_contains(keys[i]);
      if (!id || !id->is_string()) {
        Fail(field + "." + keys[i], id ? "must be a string region id" : "is required");
        continue;
      }
      endpoints[i] = std::string(id->as_string());
      if (!ids_.count(endpoints[i])) {
        Fail(field + "." + keys[i], "names region \"" + endpoints[i] + "\", which is not in this result");
      }
    }
    if (!endpoints[0].empty() && endpoints[0] == endpoints[1]) {
      Fail(field + ".to_id", "must name another region than from_id");
    }

    bj::value* direction = item.if_contains("direction");
    if (!direction) {
      item["direction"] = "right";
    } else if (!direction->is_string() || (direction->as_string() != "right" && direction->as_string() != "left" &&
                                           direction->as_string() != "bi")) {
      Fail(field + ".direction", "must be \"right\", \"left\" or \"bi\"");
    }

    bj::value* labels = item.if_contains("labels");
    if (!labels || labels->is_null()) return;
    if (labels->is_string()) *labels = bj::array{labels->as_string()};
    if (!labels->is_array()) {
      Fail(field + ".labels", "must be a list of strings");
      return;
    }
    std::set<std::string> allowed;
    for (const RelationsTag& relations : config_.relations) {
      for (const LabelOption& option : relations.relations) allowed.insert(option.Key());
    }
    const bj::array& list = labels->as_array();
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string label_field = field + ".labels." + std::to_string(i);
      if (!list[i].is_string()) {
        Fail(label_field, "must be a string");
      } else if (!allowed.count(std::string(list[i].as_string()))) {
        Fail(label_field, "\"" + std::string(list[i].as_string()) + "\" is not a <Relation> value of this label config");
      }
    }
  }

  // Per-region answers need their region, on the same object; no control
  // answers one region twice.
  void CheckRegionLinks() {
    std::map<std::string, std::string> region_objects;  // region id -> to_name of its first item
    for (const CheckedItem& item : items_) {
      if (IsRegion(item) && !item.id.empty()) region_objects.emplace(item.id, item.to_name);
    }

    std::map<std::pair<std::string, std::string>, size_t> first_answer;
    for (const CheckedItem& item : items_) {
      const std::string field = Field(item.index);
      if (item.control->per_region) {
        if (item.id.empty()) {
          Fail(field + ".id", "is required: a per-region answer carries the id of its region");
          continue;
        }
        const auto region = region_objects.find(item.id);
        if (region == region_objects.end()) {
          Fail(field + ".id", "names region \"" + item.id + "\", but no region item in this result has that id");
        } else if (!NamesObject(item.to_name, region->second)) {
          Fail(field + ".to_name", "is \"" + item.to_name + "\", but region \"" + item.id + "\" is on \"" +
                                       region->second + "\"; a per-region answer goes to its region's object");
        }
      }
      if (item.id.empty()) continue;
      const auto [it, inserted] = first_answer.emplace(std::pair(item.id, item.control->name), item.index);
      if (!inserted) {
        Fail(field + ".id", "region \"" + item.id + "\" already has an item from \"" + item.control->name + "\" (" +
                                Field(it->second) + ")");
      }
    }
  }

  // ---- required answers ---------------------------------------------------

  std::vector<std::string> SelectedChoices(std::string_view control_name) const {
    std::vector<std::string> selected;
    for (const CheckedItem& item : items_) {
      const AnswerKind answer = item.control->answer;
      if (answer != AnswerKind::kChoices && answer != AnswerKind::kTaxonomy) continue;
      if (!control_name.empty() && item.control->name != control_name) continue;
      const bj::value* values = item.value->if_contains(answer == AnswerKind::kChoices ? "choices" : "taxonomy");
      if (!values || !values->is_array()) continue;
      for (const bj::value& value : values->as_array()) {
        if (value.is_string()) selected.emplace_back(value.as_string());
        if (!value.is_array()) continue;
        for (const bj::value& step : value.as_array()) {
          if (step.is_string()) selected.emplace_back(step.as_string());
        }
      }
    }
    return selected;
  }

  // Whether the control shows when the annotation is submitted, as far as
  // the result can tell. Region-selected rules only hold while a region is
  // selected, so a whole-task control under them is never required.
  bool IsVisibleAtSubmit(const ControlTag& control) const {
    for (const VisibilityRule& rule : control.visibility) {
      if (rule.visible_when == "region-selected" && !control.per_region) return false;
      if (rule.visible_when == "no-region-selected" && control.per_region) return false;
      if (rule.visible_when != "choice-selected" && rule.visible_when != "choice-unselected") continue;

      const std::vector<std::string> selected = SelectedChoices(rule.when_tag_name);
      bool holds = rule.when_choice_values.empty() ? !selected.empty() : false;
      for (const std::string& value : rule.when_choice_values) {
        if (std::find(selected.begin(), selected.end(), value) != selected.end()) holds = true;
      }
      if (rule.visible_when == "choice-unselected") holds = !holds;
      if (!holds) return false;
    }
    return true;
  }

  // Whether a required per-region control applies to the region whose
  // items share `region.id`: it must label one of the control's objects
  // and meet its whenTagName, whenLabelValue and whenRole conditions.
  bool AppliesToRegion(const ControlTag& control, const CheckedItem& region) const {
    if (!AcceptsTarget(control, region.to_name)) return false;

    std::vector<std::string> labels;
    std::vector<std::string> controls;
    std::string role;
    for (const CheckedItem& item : items_) {
      if (item.id != region.id) continue;
      const std::vector<std::string> item_labels = RegionLabels(*item.value);
      labels.insert(labels.end(), item_labels.begin(), item_labels.end());
      controls.push_back(item.control->name);
      if (const bj::value* message = item.value->if_contains("chatmessage"); message && message->is_object()) {
        if (const bj::value* r = message->as_object().if_contains("role"); r && r->is_string()) role = r->as_string();
      }
    }

    for (const VisibilityRule& rule : control.visibility) {
      const bool tag_matches = rule.when_tag_name.empty() || rule.when_tag_name == region.to_name ||
                               std::find(controls.begin(), controls.end(), rule.when_tag_name) != controls.end();
      const bool label_matches = rule.when_label_value.empty() ||
                                 std::find(labels.begin(), labels.end(), rule.when_label_value) != labels.end();
      const bool role_matches = rule.when_role.empty() || rule.when_role == role;
      if (!tag_matches || !label_matches || !role_matches) return false;
    }
    return true;
  }

  void CheckRequiredAnswers() {
    std::vector<const ControlTag*> controls;
    for (const ControlTag& control : config_.controls) controls.push_back(&control);

    for (const ControlTag* control : controls) {
      if (!control->required || control->repeater >= 0 || !IsVisibleAtSubmit(*control)) continue;
      auto answers = [&](const std::string& region_id) {
        return std::any_of(items_.begin(), items_.end(), [&](const CheckedItem& item) {
          return item.control == control && (region_id.empty() || item.id == region_id);
        });
      };

      if (!control->per_region) {
        if (!answers({})) {
          Fail(options_.field_prefix, "required <" + control->type + " name=\"" + control->name + "\"> has no answer");
        }
        continue;
      }

      std::set<std::string> seen_regions;
      for (const CheckedItem& region : items_) {
        if (!IsRegion(region) || region.id.empty() || !seen_regions.insert(region.id).second) continue;
        if (!AppliesToRegion(*control, region) || answers(region.id)) continue;
        Fail(Field(region.index), "region \"" + region.id + "\" has no answer from required per-region <" +
                                      control->type + " name=\"" + control->name + "\">");
      }
    }
  }

  const LabelConfig& config_;
  const ResultCheckOptions& options_;
  std::deque<ControlTag> chat_controls_;
  std::set<std::string> ids_;  // ids of all non-relation items
  std::vector<CheckedItem> items_;
  std::vector<FieldError> errors_;
};

}  // namespace

ResultCheck CheckAnnotationResult(const LabelConfig& config, const boost::json::value& result,
                                  const ResultCheckOptions& options) {
  return ResultChecker(config, options).Run(result);
}

Result<boost::json::array> ValidateAnnotationResult(const LabelConfig& config, const boost::json::value& result,
                                                     const ResultCheckOptions& options) {
  ResultCheck check = CheckAnnotationResult(config, result, options);
  if (check.ok()) return std::move(check.result);

  Error error = Error::Invalid("Annotation result is invalid: " + check.errors.front().field + " " +
                               check.errors.front().message);
  error.fields = std::move(check.errors);
  return error;
}

}  // namespace tally::labeling
