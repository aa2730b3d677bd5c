// The template gallery: label configs from a folder, for the create-project
// dialog. The folder contains one Label Studio template per file, named
// `<group>__<name>.xml`, optionally with an INDEX.md whose Markdown table
// has File, Title and Group columns. A title or group that the index does
// not give comes from the file name.
//
// A template may end with Label Studio's sample task in a trailing
// `<!-- {…} -->` comment: an object with a "data" key, or the data itself.
// The config is returned unchanged, comment included, as Label Studio hands
// it to a new project.
//
// The folder is read on every request, so edits show without a restart.
#pragma once

#include <boost/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/router.h"

namespace tally::labeling {

struct GalleryTemplate {
  std::string id;     // the file name without ".xml"
  std::string title;
  std::string group;
  std::string config;
  boost::json::value sample;  // the sample task's data; null when the file has none
};

// Largest template file read; bigger files are skipped with a log line.
constexpr uintmax_t kMaxTemplateBytes = 1 << 20;

// The sample data of a config's trailing `<!-- {…} -->` comment, or null.
boost::json::value TemplateSample(std::string_view config);

// Templates of `dir`, sorted by group, then title. Fails with unavailable
// when the folder cannot be read.
[[nodiscard]] Result<std::vector<GalleryTemplate>> LoadTemplateGallery(const std::filesystem::path& dir);

// GET /api/templates: the gallery as a JSON array of {id, title, group,
// config, sample}. An empty `dir` (no --templates-dir) gives an empty array.
void AddTemplateRoutes(http::Router& router, std::filesystem::path dir);

}  // namespace tally::labeling
