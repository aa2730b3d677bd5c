#include "labeling/config/corpus_test_util.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace tally::labeling::testing {

std::optional<std::filesystem::path> TemplateCorpusDir() {
  const char* shared = std::getenv("TALLY_SHARED_DIR");
  if (!shared || !*shared) return std::nullopt;
  std::filesystem::path dir = std::filesystem::path(shared) / "reference" / "label-studio-templates";
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return std::nullopt;
  return dir;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<CorpusTemplate> LoadTemplateCorpus() {
  std::vector<CorpusTemplate> corpus;
  const auto dir = TemplateCorpusDir();
  if (!dir) return corpus;
  for (const auto& entry : std::filesystem::directory_iterator(*dir)) {
    if (entry.path().extension() != ".xml") continue;
    corpus.push_back({entry.path().filename().string(), ReadFile(entry.path())});
  }
  std::sort(corpus.begin(), corpus.end(),
            [](const CorpusTemplate& a, const CorpusTemplate& b) { return a.file < b.file; });
  return corpus;
}

}  // namespace tally::labeling::testing
