// The server as a client meets it: health, version, envelopes, limits,
// metrics, docs and shutdown, over real HTTP to a real `tally serve`.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "support/http_client.h"
#include "support/tally_process.h"

namespace tally {
namespace {

using testing::HttpClient;
using testing::TallyProcess;

class ServerApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<TallyProcess>();
    ASSERT_TRUE(server_->started()) << server_->failure_reason();
    client_ = std::make_unique<HttpClient>(server_->base_url());
  }
  std::unique_ptr<TallyProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(ServerApiTest, HealthInBothShapes) {
  for (const char* path : {"/health", "/api/health", "/api/health/"}) {
    auto health = client_->Get(path);
    EXPECT_EQ(health.status, 200) << path;
    EXPECT_EQ(health.Json().at("status"), "UP") << path;
  }
  auto langfuse = client_->Get("/api/public/health");
  EXPECT_EQ(langfuse.status, 200);
  EXPECT_EQ(langfuse.Json().at("status"), "OK");
  EXPECT_TRUE(langfuse.Json().at("version").is_string());

  auto version = client_->Get("/api/version");
  EXPECT_EQ(version.status, 200);
  EXPECT_EQ(version.Json().at("tally").at("database"), "sqlite");
}

TEST_F(ServerApiTest, UnknownRoutesAndMethods) {
  auto missing = client_->Get("/api/does-not-exist");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.Json().at("detail"), "Not found.");

  auto public_missing = client_->Get("/api/public/does-not-exist");
  EXPECT_EQ(public_missing.status, 404);
  EXPECT_TRUE(public_missing.Json().as_object().contains("message"));

  auto wrong_method = client_->Send("DELETE", "/api/health");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.Header("allow"), "GET");
}

TEST_F(ServerApiTest, RequestIdIsEchoedOrMade) {
  auto given = client_->Get("/api/health", {"X-Request-Id: abc-123"});
  EXPECT_EQ(given.Header("x-request-id"), "abc-123");
  auto hostile = client_->Get("/api/health", {"X-Request-Id: a b\"c"});
  EXPECT_NE(hostile.Header("x-request-id"), "a b\"c");
  EXPECT_FALSE(hostile.Header("x-request-id").empty());
}

TEST_F(ServerApiTest, OversizedJsonBodyIs413) {
  auto response = client_->Post("/api/auth/login", std::string(2 << 20, ' '));
  EXPECT_EQ(response.status, 413);
  EXPECT_NE(response.body.find("limit"), std::string::npos);
}

TEST_F(ServerApiTest, CorsPreflightAndHeaders) {
  auto preflight = client_->Send("OPTIONS", "/api/public/scores",
                                 "", {"Origin: https://app.example", "Access-Control-Request-Method: POST"});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.Header("access-control-allow-origin"), "https://app.example");
  EXPECT_NE(preflight.Header("access-control-allow-methods").find("POST"), std::string::npos);
}

TEST_F(ServerApiTest, PreflightHasOneAllowOrigin) {
  auto preflight = client_->Send("OPTIONS", "/api/users/1", "",
                                 {"Origin: https://a.example", "Access-Control-Request-Method: DELETE"});
  EXPECT_EQ(preflight.headers.count("access-control-allow-origin"), 1u);
}

TEST_F(ServerApiTest, SecondServerOnTakenPortFails) {
  testing::TallyProcess second(testing::ServeOptions{.arguments = {"--port", std::to_string(server_->port())}});
  EXPECT_FALSE(second.started());
  EXPECT_NE(second.failure_reason().find("Cannot listen"), std::string::npos) << second.failure_reason();
}

TEST_F(ServerApiTest, PathsAreEscapedInTheLog) {
  client_->Get("/api/x%0a2026-12-04T00:00:00Z%20info%20event=login%20user_id=1");
  server_->Stop();
  EXPECT_EQ(server_->Log().find("\n2026-12-04T00:00:00Z info event=login"), std::string::npos);
  EXPECT_NE(server_->Log().find("/api/x\\x0a2026"), std::string::npos) << server_->Log();
}

// A minimal WebSocket client: the RFC 6455 handshake and masked text frames
// shorter than 126 bytes, which is all the subscribe protocol needs.
class WebSocketClient {
 public:
  WebSocketClient(int port, const std::string& headers) {
    fd_ = testing::ConnectLoopback(port, 5);
    if (fd_ < 0) return;
    const std::string request = "GET /api/ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
                                headers + "\r\n";
    ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL);
    char c;
    while (status_line_.find("\r\n\r\n") == std::string::npos && ::recv(fd_, &c, 1, 0) == 1) status_line_ += c;
    status_line_ = status_line_.substr(0, status_line_.find("\r\n"));
  }
  ~WebSocketClient() { ::close(fd_); }

  const std::string& status_line() const { return status_line_; }

  void SendText(const std::string& text) {
    std::string frame = {static_cast<char>(0x81), static_cast<char>(0x80 | text.size())};
    const char mask[4] = {1, 2, 3, 4};
    frame.append(mask, 4);
    for (size_t i = 0; i < text.size(); ++i) frame += static_cast<char>(text[i] ^ mask[i % 4]);
    ::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL);
  }

  // The next text frame's payload, or empty when the connection closed.
  std::string ReadText() {
    unsigned char head[2];
    if (::recv(fd_, head, 2, MSG_WAITALL) != 2) return "";
    size_t length = head[1] & 0x7f;
    if (length == 126) {
      unsigned char extended[2];
      if (::recv(fd_, extended, 2, MSG_WAITALL) != 2) return "";
      length = (extended[0] << 8) | extended[1];
    }
    std::string payload(length, '\0');
    if (length > 0 && ::recv(fd_, payload.data(), length, MSG_WAITALL) != static_cast<ssize_t>(length)) return "";
    return payload;
  }

 private:
  int fd_ = -1;
  std::string status_line_;
};

TEST(WebSocketApi, SubscribesOnlyToReadableProjects) {
  testing::TallyProcess server(testing::ServeOptions{
      .environment = {{"TALLY_INIT_USER_EMAIL", "ws@example.com"},
                      {"TALLY_INIT_USER_TOKEN", "0123456789abcdef0123456789abcdef00000ws1"},
                      {"TALLY_INIT_PROJECT_NAME", "Live"}}});
  ASSERT_TRUE(server.started()) << server.failure_reason();

  WebSocketClient client(server.port(), "Authorization: Token 0123456789abcdef0123456789abcdef00000ws1\r\n");
  ASSERT_EQ(client.status_line(), "HTTP/1.1 101 Switching Protocols");
  client.SendText(R"({"type":"subscribe","topic":"project:1:traces"})");
  EXPECT_EQ(boost::json::parse(client.ReadText()).at("type"), "subscribed");
  client.SendText(R"({"type":"subscribe","topic":"project:999:traces"})");
  EXPECT_EQ(boost::json::parse(client.ReadText()).at("type"), "error");
  client.SendText("not json");
  EXPECT_EQ(boost::json::parse(client.ReadText()).at("type"), "error");
  client.SendText(R"({"type":"subscribe","topic":"project:1:traces"})");
  EXPECT_EQ(boost::json::parse(client.ReadText()).at("type"), "subscribed") << "the connection survives bad input";

  WebSocketClient anonymous(server.port(), "");
  EXPECT_EQ(anonymous.status_line(), "HTTP/1.1 401 Unauthorized");

  testing::HttpClient http(server.base_url());
  EXPECT_EQ(http.Get("/api/ws").status, 426);
  EXPECT_EQ(server.Stop(), 0);
}

TEST_F(ServerApiTest, MetricsCountRequests) {
  client_->Get("/api/health");
  client_->Get("/api/health");
  auto metrics = client_->Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(R"(tally_http_requests_total{route="/api/health",method="GET",status="200"} 2)"),
            std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("tally_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("tally_db_pool_connections"), std::string::npos);
  EXPECT_NE(metrics.body.find("tally_jobs"), std::string::npos);
}

TEST_F(ServerApiTest, OpenApiAndDocsPage) {
  auto document = client_->Get("/api/openapi.json");
  ASSERT_EQ(document.status, 200);
  EXPECT_EQ(document.Json().at("openapi"), "3.1.0");
  EXPECT_TRUE(document.Json().at("paths").as_object().contains("/api/current-user"));

  auto page = client_->Get("/api/docs");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("swagger"), std::string::npos);

  EXPECT_EQ(client_->Get("/api/docs/assets/swagger-ui.css").status, 200);
  for (const char* hostile : {"/api/docs/assets/%00", "/api/docs/assets/.", "/api/docs/assets/swagger-ui.css%00.js",
                              "/api/docs/assets/..%2Fpackage.json", "/api/docs/assets/.htaccess"}) {
    EXPECT_EQ(client_->Get(hostile).status, 404) << hostile;
  }
}

TEST_F(ServerApiTest, SigtermExitsCleanly) {
  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_NE(server_->Log().find("event=server_stopped"), std::string::npos);
}

// Request bodies left in the spool directory by a killed process are removed
// at start-up once they are a day old. Newer ones may belong to another
// process that shares the data directory.
TEST(SpoolDirectory, StaleBodiesAreRemovedAtStart) {
  const std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("tally-spool-test-" + std::to_string(std::random_device()()));
  const std::filesystem::path spool = root / "data" / "tmp";
  std::filesystem::create_directories(spool);
  for (const char* name : {"tally-body-old", "import-body-old", "tally-body-new", "notes-old"}) {
    std::ofstream(spool / name) << "body";
  }
  const auto two_days_ago = std::filesystem::file_time_type::clock::now() - std::chrono::hours(48);
  for (const char* name : {"tally-body-old", "import-body-old", "notes-old"}) {
    std::filesystem::last_write_time(spool / name, two_days_ago);
  }

  {
    testing::TallyProcess server(testing::ServeOptions{.data_dir = root.string()});
    ASSERT_TRUE(server.started()) << server.failure_reason();
  }
  EXPECT_FALSE(std::filesystem::exists(spool / "tally-body-old"));
  EXPECT_FALSE(std::filesystem::exists(spool / "import-body-old"));
  EXPECT_TRUE(std::filesystem::exists(spool / "tally-body-new"));
  EXPECT_TRUE(std::filesystem::exists(spool / "notes-old"));
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace tally

