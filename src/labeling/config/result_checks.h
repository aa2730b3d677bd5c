// Checks of one result item's `value` payload, by control and object type.
// Internal to this folder: result_validator.cc calls it for every item.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "labeling/config/model.h"

namespace tally::labeling {

struct ValueContext {
  const LabelConfig& config;
  const ControlTag& control;
  const ObjectTag* object;          // the object the item labels; nullptr when unknown
  std::string_view type;            // the item's `type`
  const boost::json::object& item;  // the whole item (original_width, …)
  boost::json::object& value;       // the payload, normalised in place
  std::string field;                // "result.3.value"
  std::vector<FieldError>& errors;

  void Fail(std::string_view key, std::string message) const;
};

// Checks and normalises `context.value` for the control's answer kind.
void CheckResultValue(ValueContext& context);

// The roles of messages an annotation may add to a Chat: its messageroles
// list (comma or bar separated), or Label Studio's default of "user" when
// an llm replies and "user" and "assistant" otherwise. With an llm the
// model's replies are stored too, so "assistant" is always included then.
std::vector<std::string> ChatMessageRoles(const ConfigElement& chat);

// True when `id` is the id the labeling editor gives the task's own
// message number N of this Chat: "<chat>-task-N".
bool IsTaskChatMessageId(std::string_view chat, std::string_view id);

// A JSON number as a double; nullopt for any other kind.
std::optional<double> AsNumber(const boost::json::value& value);

// A JSON number with an integral value; nullopt otherwise.
std::optional<int64_t> AsInteger(const boost::json::value& value);

// The labels a region item carries under any "*labels" key, for visibility
// conditions (whenLabelValue).
std::vector<std::string> RegionLabels(const boost::json::object& value);

}  // namespace tally::labeling
