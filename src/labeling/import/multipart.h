// A reader for multipart/form-data request bodies (RFC 7578), the way
// Label Studio's import endpoint receives uploaded files.
//
// Parts refer into the body: the body must outlive them.
//
// Thread-safety: reentrant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace tally::labeling {

struct MultipartPart {
  std::string name;          // form field name
  std::string filename;      // empty for a plain field
  std::string content_type;  // empty when the part has none
  std::string_view content;
};

// The boundary parameter of a multipart/form-data Content-Type, or an empty
// string when the type is another one or has no boundary.
std::string MultipartBoundary(std::string_view content_type);

// Splits `body` into its parts. Fails with invalid_argument when the body
// does not start with the boundary, a part has no blank line after its
// headers, or the closing boundary is missing.
[[nodiscard]] Result<std::vector<MultipartPart>> ParseMultipart(std::string_view body, std::string_view boundary);

}  // namespace tally::labeling
