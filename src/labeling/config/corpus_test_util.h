// Test helper: reads Label Studio's template corpus from the shared
// reference folder named by TALLY_SHARED_DIR.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace tally::labeling::testing {

struct CorpusTemplate {
  std::string file;  // file name, e.g. "computer-vision__keypoints.xml"
  std::string xml;
};

// The folder holding the template XML files and INDEX.md, or nullopt when
// TALLY_SHARED_DIR is unset or the folder is missing.
std::optional<std::filesystem::path> TemplateCorpusDir();

// Every *.xml file of the corpus, sorted by file name; empty when the
// folder is missing.
std::vector<CorpusTemplate> LoadTemplateCorpus();

std::string ReadFile(const std::filesystem::path& path);

}  // namespace tally::labeling::testing
