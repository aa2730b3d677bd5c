// Checks that tie stored labeling data to a project's label config: task
// data against the keys the config reads, and stored annotations against a
// new config.
//
// Thread-safety: the functions are reentrant; those taking a Connection run
// inside the caller's transaction.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <vector>

#include "core/result.h"
#include "labeling/config/config_change.h"
#include "labeling/config/data_keys.h"
#include "labeling/config/model.h"
#include "labeling/project_store.h"

namespace tally::labeling {

// Appends one error per problem in `data` to `errors`. A problem is a key the
// config needs that is missing, or a value whose JSON type the reading object
// tag cannot show, or a key or string anywhere in the data that contains the
// NUL character (PostgreSQL cannot query it). Allowed types follow Label Studio's table: an Image needs
// a string or a list, Paragraphs a list or a string, and so on. Fields are
// `<field_prefix>.<key>`; messages start with `message_prefix` ("Error at
// item 3: ") so a list of them reads on its own.
void CheckTaskData(const LabelConfig& config, const boost::json::object& data, const std::string& field_prefix,
                   const std::string& message_prefix, std::vector<FieldError>& errors);

// The same check with the config's data key uses (ListDataKeyUses) listed
// once by the caller, for imports that check many tasks against one config.
void CheckTaskData(const std::vector<DataKeyUse>& uses, const boost::json::object& data,
                   const std::string& field_prefix, const std::string& message_prefix,
                   std::vector<FieldError>& errors);

// Counts the controls and labels used by the project's annotations and
// drafts, the input CheckConfigChange needs. Reads every annotation and draft
// result of the project once, streaming.
[[nodiscard]] Result<AnnotationUsage> CollectAnnotationUsage(Connection& connection, int64_t project_id);

// Parses and validates `xml` for the project and, when the project has
// annotations or drafts, rejects a config that would orphan them (removed
// controls, incompatible results, removed labels in use). Errors are
// invalid_argument under "label_config".
[[nodiscard]] Result<LabelConfig> CheckNewLabelConfig(Connection& connection, const Project& project,
                                                      std::string_view xml);

}  // namespace tally::labeling
