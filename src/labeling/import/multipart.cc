#include "labeling/import/multipart.h"

#include <algorithm>

namespace tally::labeling {

namespace {

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// The value of parameter `key` in a header like `form-data; name="f"; filename="a.csv"`.
std::string HeaderParameter(std::string_view header, std::string_view key) {
  const std::string lower = Lower(header);
  size_t pos = 0;
  while ((pos = lower.find(key, pos)) != std::string::npos) {
    const bool starts_word = pos == 0 || lower[pos - 1] == ';' || lower[pos - 1] == ' ';
    const size_t eq = pos + key.size();
    if (!starts_word || eq >= header.size() || header[eq] != '=') {
      pos = eq;
      continue;
    }
    std::string_view rest = header.substr(eq + 1);
    if (rest.starts_with('"')) {
      std::string value;
      for (size_t i = 1; i < rest.size(); ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) {
          value += rest[++i];
        } else if (rest[i] == '"') {
          break;
        } else {
          value += rest[i];
        }
      }
      return value;
    }
    return std::string(Trim(rest.substr(0, rest.find(';'))));
  }
  return {};
}

}  // namespace

std::string MultipartBoundary(std::string_view content_type) {
  if (!Lower(content_type).starts_with("multipart/form-data")) return {};
  return HeaderParameter(content_type, "boundary");
}

Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary) {
  if (boundary.empty()) return Error::Invalid("Multipart body without a boundary");
  const std::string delimiter = "--" + std::string(boundary);
  std::vector<MultipartPart> parts;

  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) return Error::Invalid("Multipart body does not contain its boundary");
  pos += delimiter.size();

  while (true) {
    if (body.substr(pos, 2) == "--") return parts;  // closing boundary
    if (body.substr(pos, 2) == "\r\n") {
      pos += 2;
    } else if (body.substr(pos, 1) == "\n") {
      pos += 1;
    } else {
      return Error::Invalid("Malformed multipart boundary line");
    }

    size_t headers_end = body.find("\r\n\r\n", pos);
    size_t separator = 4;
    if (headers_end == std::string_view::npos) {
      headers_end = body.find("\n\n", pos);
      separator = 2;
    }
    if (headers_end == std::string_view::npos) return Error::Invalid("Multipart part without a blank line after its headers");

    MultipartPart part;
    std::string_view headers = body.substr(pos, headers_end - pos);
    while (!headers.empty()) {
      size_t end = headers.find('\n');
      std::string_view line = Trim(headers.substr(0, end));
      headers = end == std::string_view::npos ? std::string_view() : headers.substr(end + 1);
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string name = Lower(Trim(line.substr(0, colon)));
      const std::string_view value = Trim(line.substr(colon + 1));
      if (name == "content-disposition") {
        part.name = HeaderParameter(value, "name");
        part.filename = HeaderParameter(value, "filename");
      } else if (name == "content-type") {
        part.content_type = std::string(value);
      }
    }

    const size_t content_start = headers_end + separator;
    const size_t next = body.find(delimiter, content_start);
    if (next == std::string_view::npos) return Error::Invalid("Multipart body is missing its closing boundary");
    size_t content_end = next;
    if (content_end >= content_start + 2 && body.substr(content_end - 2, 2) == "\r\n") {
      content_end -= 2;
    } else if (content_end >= content_start + 1 && body[content_end - 1] == '\n') {
      content_end -= 1;
    }
    part.content = body.substr(content_start, content_end - content_start);
    parts.push_back(std::move(part));
    pos = next + delimiter.size();
  }
}

}  // namespace tally::labeling
