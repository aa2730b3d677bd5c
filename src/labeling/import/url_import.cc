#include "labeling/import/url_import.h"

#include <boost/json.hpp>
#include <boost/url.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>

#include "core/crypto.h"
#include "core/log.h"
#include "http/message.h"

namespace tally::labeling {

namespace {

// The value of `name` in an urlencoded form, decoded; nullopt when absent.
Result<std::optional<std::string>> FormValue(std::string_view form, std::string_view name) {
  while (!form.empty()) {
    const size_t amp = form.find('&');
    const std::string_view pair = form.substr(0, amp);
    form = amp == std::string_view::npos ? std::string_view{} : form.substr(amp + 1);
    const size_t eq = pair.find('=');
    TALLY_ASSIGN_OR_RETURN(key, http::PercentDecode(pair.substr(0, eq), /*plus_is_space=*/true));
    if (key != name) continue;
    if (eq == std::string_view::npos) return std::optional<std::string>(std::string());
    TALLY_ASSIGN_OR_RETURN(value, http::PercentDecode(pair.substr(eq + 1), /*plus_is_space=*/true));
    return std::optional<std::string>(std::move(value));
  }
  return std::optional<std::string>();
}

// A file name for the download: the URL's last path segment, or a name
// from the content type when the path ends without one.
Result<std::string> FileNameFor(std::string_view url, std::string_view content_type) {
  std::string name;
  if (auto parsed = boost::urls::parse_uri(url)) {
    const auto segments = parsed->segments();
    if (!segments.empty()) name = segments.back();
  }
  name.erase(std::remove_if(name.begin(), name.end(), [](char c) { return c == '"' || c == '\r' || c == '\n'; }),
             name.end());
  if (name.find('.') != std::string::npos) return name;

  const std::string_view type = content_type.substr(0, content_type.find(';'));
  for (const auto& [mime, extension] : {std::pair{"application/json", ".json"}, std::pair{"text/csv", ".csv"},
                                        std::pair{"text/tab-separated-values", ".tsv"}, std::pair{"text/plain", ".txt"}}) {
    if (type == mime) return (name.empty() ? std::string("tasks") : name) + extension;
  }
  return Error::InvalidField("url", "The file's name has no extension and its content type does not say what it "
                                    "is; link to a .json, .csv, .tsv, .txt or media file.");
}

}  // namespace

Result<UrlImportBody> ResolveUrlImport(std::string_view form_body, const integrations::OutboundClient& client,
                                       size_t max_bytes) {
  TALLY_ASSIGN_OR_RETURN(value, FormValue(form_body, "url"));
  if (!value || value->empty()) {
    return Error::InvalidField("url", "Give the address of a task file in `url`, or upload the file instead.");
  }

  // Inline tasks: Label Studio accepts JSON in the url field, with single
  // quotes read as double quotes.
  std::string as_json = *value;
  std::replace(as_json.begin(), as_json.end(), '\'', '"');
  boost::system::error_code ec;
  const boost::json::value inline_tasks = boost::json::parse(as_json, ec);
  if (!ec && (inline_tasks.is_array() || inline_tasks.is_object())) {
    return UrlImportBody{.body = std::move(as_json), .content_type = "application/json"};
  }

  auto parsed = boost::urls::parse_uri(*value);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https")) {
    return Error::InvalidField("url", "must be an http or https address of a task file");
  }
  if (parsed->has_userinfo()) {
    return Error::InvalidField("url", "must not contain a user name or password; use a link that needs none.");
  }
  const std::string host(parsed->host());

  // A download occupies a request thread while it runs, so only a few may
  // run at once. Further requests get 503 and retry instead of starving the API.
  static std::atomic<int> downloading{0};
  if (downloading.fetch_add(1) >= kMaxConcurrentDownloads) {
    downloading.fetch_sub(1);
    return Error::Unavailable(fmt::format("{} imports by URL are downloading already; retry in a moment.",
                                          kMaxConcurrentDownloads));
  }
  auto response = client.Send({.method = "GET",
                               .url = *value,
                               .timeout = kDownloadTimeout,
                               .max_response_bytes = max_bytes});
  downloading.fetch_sub(1);
  if (!response) {
    TALLY_LOG_INFO("event=url_import_failed host={} error=\"{}\"", host, response.error().message);
    return Error::InvalidField("url", fmt::format("Could not download the file: {}", response.error().message));
  }
  if (response->status < 200 || response->status >= 300) {
    return Error::InvalidField("url", fmt::format("Downloading the file from {} failed with HTTP status {}.", host,
                                                  response->status));
  }
  TALLY_ASSIGN_OR_RETURN(name, FileNameFor(*value, response->Header("content-type")));

  // One file part, as a browser upload of that file would send it.
  const std::string boundary = "tally-url-import-" + RandomHex(12);
  UrlImportBody body;
  body.content_type = "multipart/form-data; boundary=" + boundary;
  body.body.reserve(response->body.size() + 256);
  body.body += fmt::format("--{}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{}\"\r\n", boundary, name);
  body.body += "Content-Type: application/octet-stream\r\n\r\n";
  body.body += response->body;
  body.body += fmt::format("\r\n--{}--\r\n", boundary);
  TALLY_LOG_INFO("event=url_import_downloaded host={} bytes={}", host, response->body.size());
  return body;
}

}  // namespace tally::labeling
