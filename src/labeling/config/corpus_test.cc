// Label Studio's own templates are the regression suite of the parser and
// validator: every one must load without errors, and the tags found must
// match the corpus index.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>

#include "labeling/config/corpus_test_util.h"
#include "labeling/config/validator.h"
#include "labeling/config/text_util.h"

namespace tally::labeling {
namespace {

using testing::CorpusTemplate;
using testing::LoadTemplateCorpus;
using testing::TemplateCorpusDir;

// Tag names per family for one template, as INDEX.md lists them.
struct IndexRow {
  std::set<std::string> objects;
  std::set<std::string> controls;
  std::set<std::string> options;
  std::set<std::string> visual;
};

std::string Trim(std::string text) {
  const size_t first = text.find_first_not_of(" `");
  const size_t last = text.find_last_not_of(" `");
  return first == std::string::npos ? "" : text.substr(first, last - first + 1);
}

std::set<std::string> TagSet(const std::string& cell) {
  std::set<std::string> tags;
  for (const std::string& part : SplitCommaList(cell)) {
    if (!Trim(part).empty()) tags.insert(Trim(part));
  }
  return tags;
}

// Reads the "Templates" table: | # | File | Title | Group | Stored version |
// Object tags | Control tags | Child tags | Visual tags | Extra keys |
std::map<std::string, IndexRow> ReadIndex(const std::string& markdown) {
  std::map<std::string, IndexRow> rows;
  std::istringstream lines(markdown);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("| ", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream cellstream(line.substr(1));
    std::string cell;
    while (std::getline(cellstream, cell, '|')) cells.push_back(Trim(cell));
    if (cells.size() < 10 || cells[1].find(".xml") == std::string::npos) continue;
    rows[cells[1]] = {TagSet(cells[5]), TagSet(cells[6]), TagSet(cells[7]), TagSet(cells[8])};
  }
  return rows;
}

TEST(TemplateCorpus, EveryTemplateLoadsWithoutErrors) {
  const std::vector<CorpusTemplate> corpus = LoadTemplateCorpus();
  if (corpus.empty()) GTEST_SKIP() << "template corpus not found: set TALLY_SHARED_DIR to the shared folder";

  int warnings = 0;
  for (const CorpusTemplate& entry : corpus) {
    SCOPED_TRACE(entry.file);
    const LabelConfig config = CheckLabelConfig(entry.xml);
    ASSERT_FALSE(config.elements.empty());
    for (const Diagnostic& diagnostic : config.diagnostics) {
      EXPECT_FALSE(diagnostic.IsError()) << entry.file << ":" << FormatDiagnostic(diagnostic);
      if (!diagnostic.IsError()) {
        ++warnings;
        std::cout << "  " << entry.file << ":" << FormatDiagnostic(diagnostic) << "\n";
      }
    }
  }
  std::cout << corpus.size() << " templates, " << warnings << " warnings\n";
}

TEST(TemplateCorpus, TagsMatchTheIndex) {
  const auto dir = TemplateCorpusDir();
  if (!dir) GTEST_SKIP() << "template corpus not found: set TALLY_SHARED_DIR to the shared folder";
  const std::map<std::string, IndexRow> index = ReadIndex(testing::ReadFile(*dir / "INDEX.md"));
  const std::vector<CorpusTemplate> corpus = LoadTemplateCorpus();
  ASSERT_EQ(index.size(), corpus.size());

  for (const CorpusTemplate& entry : corpus) {
    SCOPED_TRACE(entry.file);
    const auto row = index.find(entry.file);
    ASSERT_NE(row, index.end()) << "template missing from the index";

    IndexRow found;
    const LabelConfig config = CheckLabelConfig(entry.xml);
    for (const ConfigElement& element : config.elements) {
      ASSERT_NE(element.spec, nullptr) << "unknown tag <" << element.tag << ">";
      switch (element.spec->kind) {
        case TagKind::kObject: found.objects.insert(element.tag); break;
        case TagKind::kControl: found.controls.insert(element.tag); break;
        case TagKind::kOption: found.options.insert(element.tag); break;
        case TagKind::kVisual: found.visual.insert(element.tag); break;
      }
    }
    EXPECT_EQ(found.objects, row->second.objects);
    EXPECT_EQ(found.controls, row->second.controls);
    EXPECT_EQ(found.options, row->second.options);
    EXPECT_EQ(found.visual, row->second.visual);
  }
}

}  // namespace
}  // namespace tally::labeling
