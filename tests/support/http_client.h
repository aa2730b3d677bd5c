// A small blocking HTTP client on libcurl for API tests. Keeps one
// connection alive across calls; never follows redirects (the server must
// not send any).
#pragma once

#include <boost/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace tally::testing {

// Opens a plain TCP connection to 127.0.0.1:`port` whose receives and sends
// give up after `timeout_seconds`, for tests that write raw HTTP (slow
// senders, unusual headers). Returns the socket, or -1 when the connection
// failed. The caller closes it.
int ConnectLoopback(int port, int timeout_seconds);

struct HttpResponse {
  long status = 0;
  std::string body;
  std::multimap<std::string, std::string> headers;  // names lower-cased

  boost::json::value Json() const;
  std::string Header(const std::string& name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();

  // Sends a request; `headers` are "Name: value" lines.
  HttpResponse Send(const std::string& method, const std::string& path, const std::string& body = "",
                    const std::vector<std::string>& headers = {});

  HttpResponse Get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return Send("GET", path, "", headers);
  }
  HttpResponse Post(const std::string& path, const std::string& body, std::vector<std::string> headers = {}) {
    headers.push_back("Content-Type: application/json");
    return Send("POST", path, body, headers);
  }

 private:
  std::string base_url_;
  void* curl_;
};

}  // namespace tally::testing
