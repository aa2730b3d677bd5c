// Shared state of the config validator, split across validator.cc (names,
// attributes, targets) and validator_options.cc (options, visibility,
// per-region use). Internal to this folder.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "labeling/config/diagnostic.h"
#include "labeling/config/model.h"

namespace tally::labeling {

class ValidatorBase {
 public:
  explicit ValidatorBase(const LabelConfig& config) : config_(config) {}

 protected:
  // Records a finding at `attribute`'s position on `element`, or at the tag
  // when `attribute` is empty or absent.
  void Add(Severity severity, std::string code, std::string message, const ConfigElement& element,
           std::string_view attribute, std::string hint);

  // The first element whose name attribute equals `name`, or nullptr.
  const ConfigElement* FindNamedElement(std::string_view name) const;

  // Names of all object tags, sorted, for hints.
  std::vector<std::string> ObjectNames() const;

  // validator_options.cc
  void CheckOptions();
  void CheckVisibility();

  const LabelConfig& config_;
  std::vector<Diagnostic> diagnostics_;

 private:
  void CheckOptionList(const ConfigElement& owner, const std::vector<LabelOption>& options);
  void CheckOptionCount(const ControlTag& control);
  void CheckOptionPlacement(const ConfigElement& element);
  void CheckVisibilityRule(const ConfigElement& holder, const VisibilityRule& rule);
  void CheckPerRegion(const ControlTag& control);
  bool IsLabelOf(std::string_view label, const ControlTag& control) const;
};

}  // namespace tally::labeling
