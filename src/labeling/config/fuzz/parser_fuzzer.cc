// libFuzzer target: label config text in, every reading of it out. Label
// configs come from users through the API and from imported projects, so
// the parser, the validator and the JSON forms must hold up against any
// bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/json.h"
#include "labeling/config/data_keys.h"
#include "labeling/config/json_form.h"
#include "labeling/config/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  const tally::labeling::LabelConfig config = tally::labeling::CheckLabelConfig(xml);

  // Serialising walks every part of the model the UI and the API read.
  const std::string model = tally::json::Serialize(tally::labeling::LabelConfigJson(config));
  (void)model;
  (void)tally::labeling::RequiredDataKeys(config);
  return 0;
}
