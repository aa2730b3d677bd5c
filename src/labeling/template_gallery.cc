#include "labeling/template_gallery.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "core/log.h"

namespace tally::labeling {

namespace bj = boost::json;
namespace fs = std::filesystem;

namespace {

struct IndexEntry {
  std::string title;
  std::string group;
};

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::string();
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

// The cells of a Markdown table row "| a | b |", trimmed, or none for
// another line.
std::vector<std::string> TableCells(std::string_view line) {
  std::string row = Trim(line);
  if (row.size() < 2 || row.front() != '|' || row.back() != '|') return {};
  std::vector<std::string> cells;
  std::string_view rest(row);
  rest = rest.substr(1, rest.size() - 2);
  size_t start = 0;
  while (true) {
    const size_t bar = rest.find('|', start);
    cells.push_back(Trim(rest.substr(start, bar == std::string_view::npos ? std::string_view::npos : bar - start)));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return cells;
}

// Titles and groups by file name from INDEX.md's first table with File,
// Title and Group columns. A missing or unreadable index gives none.
std::map<std::string, IndexEntry> ReadIndex(const fs::path& dir) {
  std::map<std::string, IndexEntry> entries;
  std::ifstream in(dir / "INDEX.md");
  std::string line;
  int file_column = -1, title_column = -1, group_column = -1;
  while (std::getline(in, line)) {
    std::vector<std::string> cells = TableCells(line);
    if (cells.empty()) {
      if (file_column >= 0 && !entries.empty()) break;  // the table ended
      continue;
    }
    if (file_column < 0) {
      for (int i = 0; i < static_cast<int>(cells.size()); ++i) {
        if (cells[i] == "File") file_column = i;
        if (cells[i] == "Title") title_column = i;
        if (cells[i] == "Group") group_column = i;
      }
      if (title_column < 0 || group_column < 0) file_column = -1;
      continue;
    }
    const int needed = std::max({file_column, title_column, group_column});
    if (static_cast<int>(cells.size()) <= needed) continue;
    std::string file = cells[file_column];
    file.erase(std::remove(file.begin(), file.end(), '`'), file.end());
    if (file.empty() || file.find_first_not_of("-:") == std::string::npos) continue;  // the |---| line
    entries[file] = IndexEntry{cells[title_column], cells[group_column]};
  }
  return entries;
}

// "named-entity_recognition" -> "Named entity recognition".
std::string Humanize(std::string_view name) {
  std::string text(name);
  std::replace_if(text.begin(), text.end(), [](char c) { return c == '-' || c == '_'; }, ' ');
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

}  // namespace

bj::value TemplateSample(std::string_view config) {
  const size_t open = config.rfind("<!--");
  if (open == std::string_view::npos) return nullptr;
  const size_t close = config.find("-->", open);
  if (close == std::string_view::npos || Trim(config.substr(close + 3)).size() > 0) return nullptr;
  const std::string body = Trim(config.substr(open + 4, close - open - 4));
  if (body.empty() || body.front() != '{') return nullptr;
  boost::system::error_code error;
  bj::value parsed = bj::parse(body, error);
  if (error || !parsed.is_object()) return nullptr;
  if (const bj::value* data = parsed.as_object().if_contains("data"); data && data->is_object()) return *data;
  return parsed;
}

Result<std::vector<GalleryTemplate>> LoadTemplateGallery(const fs::path& dir) {
  std::error_code error;
  fs::directory_iterator files(dir, error);
  if (error) {
    return Error::Unavailable("Reading the template folder failed. Check that --templates-dir names a readable folder.",
                              dir.string() + ": " + error.message());
  }
  const std::map<std::string, IndexEntry> index = ReadIndex(dir);
  std::vector<GalleryTemplate> templates;
  for (const fs::directory_entry& entry : files) {
    const fs::path& path = entry.path();
    if (path.extension() != ".xml" || !entry.is_regular_file(error)) continue;
    const uintmax_t size = entry.file_size(error);
    if (error || size > kMaxTemplateBytes) {
      TALLY_LOG_WARN("event=template_skipped file=\"{}\" reason=\"larger than {} bytes or unreadable\"",
                     path.filename().string(), kMaxTemplateBytes);
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();

    GalleryTemplate item;
    item.id = path.stem().string();
    item.config = text.str();
    item.sample = TemplateSample(item.config);
    const size_t separator = item.id.find("__");
    item.group = separator == std::string::npos ? "Other" : Humanize(item.id.substr(0, separator));
    item.title = Humanize(separator == std::string::npos ? item.id : item.id.substr(separator + 2));
    // An index row may leave the title or group empty; the file name fills in.
    if (auto found = index.find(path.filename().string()); found != index.end()) {
      if (!found->second.title.empty()) item.title = found->second.title;
      if (!found->second.group.empty()) item.group = found->second.group;
    }
    templates.push_back(std::move(item));
  }
  std::sort(templates.begin(), templates.end(), [](const GalleryTemplate& a, const GalleryTemplate& b) {
    return std::tie(a.group, a.title, a.id) < std::tie(b.group, b.title, b.id);
  });
  return templates;
}

void AddTemplateRoutes(http::Router& router, fs::path dir) {
  router.Add({.method = "GET", .pattern = "/api/templates", .auth = http::Auth::kUser,
              .doc = {.summary = "Label config templates for new projects, from the folder --templates-dir names "
                                 "(empty without it)",
                      .tag = "Projects",
                      .response_schema = R"({"type":"array","items":{"type":"object","properties":{
                        "id":{"type":"string"},"title":{"type":"string"},"group":{"type":"string"},
                        "config":{"type":"string"},"sample":{"type":["object","null"]}}}})"},
              .handler = [dir](http::Request&) -> Result<http::Response> {
                bj::array items;
                if (dir.empty()) return http::Response::Json(items);
                TALLY_ASSIGN_OR_RETURN(templates, LoadTemplateGallery(dir));
                for (GalleryTemplate& item : templates) {
                  items.push_back(bj::object{{"id", item.id},
                                             {"title", item.title},
                                             {"group", item.group},
                                             {"config", item.config},
                                             {"sample", std::move(item.sample)}});
                }
                return http::Response::Json(items);
              }});
}

}  // namespace tally::labeling
