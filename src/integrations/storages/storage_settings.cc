#include "integrations/storages/storage_settings.h"

#include <fmt/format.h>

#include "integrations/storages/storage_service.h"


namespace tally::integrations::storages {

namespace bj = boost::json;

namespace {

enum class Kind { kString, kBool, kInteger };

struct FieldSpec {
  std::string_view name;
  Kind kind;
  std::string_view types;  // space-separated types that accept it; "" for all
  bool secret = false;
};

constexpr FieldSpec kFields[] = {
    {"title", Kind::kString, ""},
    {"description", Kind::kString, ""},
    {"prefix", Kind::kString, "s3 gcs azure"},
    {"regex_filter", Kind::kString, ""},
    {"use_blob_urls", Kind::kBool, ""},
    {"presign", Kind::kBool, "s3 gcs azure"},
    {"presign_ttl", Kind::kInteger, "s3 gcs azure"},
    {"recursive_scan", Kind::kBool, ""},
    {"can_delete_objects", Kind::kBool, ""},
    {"bucket", Kind::kString, "s3 gcs"},
    {"region_name", Kind::kString, "s3"},
    {"s3_endpoint", Kind::kString, "s3"},
    {"aws_sse_kms_key_id", Kind::kString, "s3"},
    {"aws_access_key_id", Kind::kString, "s3", true},
    {"aws_secret_access_key", Kind::kString, "s3", true},
    {"aws_session_token", Kind::kString, "s3", true},
    {"google_project_id", Kind::kString, "gcs"},
    {"gcs_endpoint", Kind::kString, "gcs"},
    {"google_application_credentials", Kind::kString, "gcs", true},
    {"gcs_hmac_access_key_id", Kind::kString, "gcs", true},
    {"gcs_hmac_secret", Kind::kString, "gcs", true},
    {"container", Kind::kString, "azure"},
    {"account_name", Kind::kString, "azure"},
    {"azure_endpoint", Kind::kString, "azure"},
    {"account_key", Kind::kString, "azure", true},
    {"path", Kind::kString, "localfiles"},
};

bool Accepts(const FieldSpec& spec, std::string_view type) {
  if (spec.types.empty()) return true;
  size_t start = 0;
  while (start < spec.types.size()) {
    size_t end = spec.types.find(' ', start);
    if (end == std::string_view::npos) end = spec.types.size();
    if (spec.types.substr(start, end - start) == type) return true;
    start = end + 1;
  }
  return false;
}

// Presigned URLs of S3 and GCS are valid for at most 7 days.
constexpr int64_t kMaxPresignTtlMinutes = 7 * 24 * 60;
constexpr size_t kMaxRegexFilterLength = 1000;
// S3, GCS and Azure all cap object keys at 1,024 bytes.
constexpr size_t kMaxPrefixBytes = 1024;

}  // namespace

bool IsStorageType(std::string_view type) {
  for (const auto& [name, title] : kStorageTypes) {
    if (name == type) return true;
  }
  return false;
}

std::string StorageSettings::String(std::string_view name) const {
  const bj::value* value = fields.if_contains(name);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

bool StorageSettings::Flag(std::string_view name, bool fallback) const {
  const bj::value* value = fields.if_contains(name);
  return value && value->is_bool() ? value->as_bool() : fallback;
}

int64_t StorageSettings::Integer(std::string_view name, int64_t fallback) const {
  const bj::value* value = fields.if_contains(name);
  return value && value->is_int64() ? value->as_int64() : fallback;
}

std::string StorageSettings::Secret(std::string_view name) const {
  const bj::value* value = credentials.if_contains(name);
  return value && value->is_string() ? std::string(value->as_string()) : std::string();
}

std::string StorageSettings::Bucket() const {
  if (type == "azure") return String("container");
  if (type == "localfiles") return String("path");
  return String("bucket");
}

std::vector<std::string> SecretFieldsOf(std::string_view type) {
  std::vector<std::string> names;
  for (const FieldSpec& spec : kFields) {
    if (spec.secret && Accepts(spec, type)) names.emplace_back(spec.name);
  }
  return names;
}

Result<void> ApplySettingsFields(const bj::object& body, StorageSettings& settings) {
  for (const FieldSpec& spec : kFields) {
    if (!Accepts(spec, settings.type)) continue;
    const bj::value* value = body.if_contains(spec.name);
    if (!value) continue;
    const std::string name(spec.name);
    if (spec.secret) {
      if (value->is_null() || (value->is_string() && value->as_string().empty())) {
        settings.credentials.erase(name);
        continue;
      }
      if (!value->is_string()) return Error::InvalidField(name, "Must be a string.");
      settings.credentials[name] = *value;
      continue;
    }
    if (value->is_null()) {
      settings.fields.erase(name);
      continue;
    }
    switch (spec.kind) {
      case Kind::kString:
        if (!value->is_string()) return Error::InvalidField(name, "Must be a string.");
        break;
      case Kind::kBool:
        if (!value->is_bool()) return Error::InvalidField(name, "Must be true or false.");
        break;
      case Kind::kInteger:
        if (!value->is_int64()) return Error::InvalidField(name, "Must be an integer.");
        break;
    }
    settings.fields[name] = *value;
  }
  return Ok();
}

Result<void> CheckSettings(const StorageSettings& settings) {
  if (settings.type == "s3" || settings.type == "gcs") {
    if (settings.String("bucket").empty()) return Error::InvalidField("bucket", "This field is required.");
  }
  if (settings.type == "azure") {
    if (settings.String("container").empty()) return Error::InvalidField("container", "This field is required.");
    if (settings.String("account_name").empty()) {
      return Error::InvalidField("account_name", "This field is required.");
    }
  }
  if (settings.type == "localfiles" && settings.String("path").empty()) {
    return Error::InvalidField("path", "This field is required: an absolute directory under TALLY_LOCAL_FILES_ROOT.");
  }
  if (settings.String("prefix").size() > kMaxPrefixBytes) {
    return Error::InvalidField("prefix",
                               fmt::format("Must be at most {} bytes: object keys are no longer.", kMaxPrefixBytes));
  }
  if (const std::string pattern = settings.String("regex_filter"); !pattern.empty()) {
    if (pattern.size() > kMaxRegexFilterLength) {
      return Error::InvalidField("regex_filter",
                                 fmt::format("Must be at most {} characters long.", kMaxRegexFilterLength));
    }
    if (const std::string problem = RegexFilter::Problem(pattern); !problem.empty()) {
      return Error::InvalidField("regex_filter",
                                 fmt::format("Must be a valid regular expression, such as .*\\.json ({}); "
                                             "backreferences and lookarounds are not supported.",
                                             problem));
    }
  }
  const int64_t ttl = settings.Integer("presign_ttl", 1);
  if (ttl < 1 || ttl > kMaxPresignTtlMinutes) {
    return Error::InvalidField("presign_ttl",
                               fmt::format("Must be minutes from 1 to {} (7 days).", kMaxPresignTtlMinutes));
  }
  return Ok();
}

}  // namespace tally::integrations::storages
