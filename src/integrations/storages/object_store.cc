#include "integrations/storages/object_store.h"

#include <fmt/format.h>

#include "integrations/storages/local_store.h"
#include "integrations/storages/store_errors.h"

namespace tally::integrations::storages {

Result<std::unique_ptr<ObjectStore>> OpenS3Store(const StorageSettings& settings, const OutboundClient& client);
Result<std::unique_ptr<ObjectStore>> OpenAzureStore(const StorageSettings& settings, const OutboundClient& client);

Result<ObjectBody> ObjectStore::GetRange(const std::string& key, const std::string& /*range*/) const {
  return Get(key);
}

Result<void> ObjectStore::Check() const {
  TALLY_TRY(List(""));
  return Ok();
}

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const StorageSettings& settings, const OutboundClient& client,
                                                     const std::vector<std::filesystem::path>& local_roots) {
  if (settings.type == "s3" || settings.type == "gcs") return OpenS3Store(settings, client);
  if (settings.type == "azure") return OpenAzureStore(settings, client);
  if (settings.type == "localfiles") return OpenLocalStore(settings, local_roots);
  return Error::InvalidField("type", fmt::format("Unknown storage type \"{}\".", settings.type));
}

ObjectBody BodyOfGet(OutboundResponse response) {
  ObjectBody body{.bytes = std::move(response.body),
                  .content_type = response.Header("content-type"),
                  .status = response.status,
                  .content_range = response.Header("content-range")};
  // A 416 carries the store's error document, not object bytes.
  if (body.status == 416) body.bytes.clear();
  return body;
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size() * 3 / 2);
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '_' || c == '.' || c == '~';
    if (unreserved || (keep_slash && c == '/')) {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

Error ErrorForStatus(int status, std::string_view code, const std::string& where, std::string_view action) {
  const std::string reason = code.empty() ? std::to_string(status) : fmt::format("{} {}", status, code);
  if (status == 404 && (code.empty() || code == "NoSuchKey" || code == "BlobNotFound")) {
    return Error::NotFound(fmt::format("{}: object not found ({})", where, reason));
  }
  if (status == 401 || status == 403) {
    return Error::Invalid(fmt::format("{} rejected the request to {} ({}). Check the credentials and their "
                                      "permissions.",
                                      where, action, reason));
  }
  if (status >= 500 || status == 429 || status == 408) {
    return Error::Unavailable(fmt::format("{} failed to {} ({}). Try again later.", where, action, reason));
  }
  return Error::Invalid(fmt::format("{} rejected the request to {} ({}).", where, action, reason));
}

std::string HostName(std::string_view url) {
  const size_t start = url.find("://");
  std::string_view rest = start == std::string_view::npos ? url : url.substr(start + 3);
  const size_t end = rest.find_first_of("/?#");
  return std::string(end == std::string_view::npos ? rest : rest.substr(0, end));
}

}  // namespace tally::integrations::storages
