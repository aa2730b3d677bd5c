// Region geometry and date checks used by result_checks.cc. Internal to
// this folder.
#pragma once

#include <string_view>

#include "labeling/config/result_checks.h"

namespace tally::labeling {

// Checks the region part of a region item's value by the object it labels:
// image shapes in percent (0–100), text and paragraph spans, HyperText
// XPath spans, audio and time-series ranges, video keyframes and frame
// ranges. Objects without known geometry are not checked.
void CheckRegionGeometry(ValueContext& context);

// The shape of a DateTime answer, from the control's `only` attribute.
enum class DateTimeForm { kDateTime, kDate, kTime, kMonth, kYear };

DateTimeForm DateTimeFormFor(std::string_view only);
bool MatchesDateTimeForm(std::string_view text, DateTimeForm form);
// "date and time (YYYY-MM-DDTHH:MM)", "date (YYYY-MM-DD)", …
std::string_view DateTimeFormText(DateTimeForm form);

}  // namespace tally::labeling
