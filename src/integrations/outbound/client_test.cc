#include "integrations/outbound/client.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/peer_process.h"

namespace tally::integrations {
namespace {

class OutboundClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(peer_.started()) << peer_.failure_reason();
  }

  OutboundRequest Get(const std::string& path) {
    OutboundRequest request;
    request.url = peer_.base_url() + path;
    return request;
  }

  testing::PeerProcess peer_{"http_recorder.py"};
  OutboundClient client_ = *OutboundClient::FromSettings("", "");
};

TEST_F(OutboundClientTest, SendReturnsStatusHeadersBody) {
  OutboundRequest request = Get("/status/418");
  request.method = "POST";
  request.body = R"({"a":1})";
  request.headers = {{"Content-Type", "application/json"}, {"X-Custom", "v"}};
  auto response = client_.Send(request);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 418);
  EXPECT_EQ(response->Header("content-type"), "application/json");
  EXPECT_EQ(response->body, R"({"status": 418})");
  EXPECT_GT(response->elapsed.count(), 0);
}

TEST_F(OutboundClientTest, SlowPeerTimesOut) {
  OutboundRequest request = Get("/slow/2000");
  request.timeout = std::chrono::milliseconds(300);
  auto response = client_.Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, Errc::kUnavailable);
  EXPECT_NE(response.error().message.find("timed out after 300 ms"), std::string::npos) << response.error().message;
}

TEST_F(OutboundClientTest, LargeBodyIsCut) {
  OutboundRequest request = Get("/big/100000");
  request.max_response_bytes = 1000;
  auto response = client_.Send(request);
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message.find("larger than 1000 bytes"), std::string::npos) << response.error().message;

  request.max_response_bytes = 100000;
  auto whole = client_.Send(request);
  ASSERT_TRUE(whole);
  EXPECT_EQ(whole->body.size(), 100000u);
}

TEST_F(OutboundClientTest, RedirectIsFollowedAndRechecked) {
  auto followed = client_.Send(Get("/redirect?code=302&to=/status/201"));
  ASSERT_TRUE(followed) << followed.error().message;
  EXPECT_EQ(followed->status, 201);

  // The redirect target is judged like any URL: a metadata address is never
  // contacted, because the guard rejects it before any connection.
  auto blocked = client_.Send(Get("/redirect?code=307&to=http://169.254.169.254/latest/meta-data/"));
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().code, Errc::kForbidden);

  auto loop = client_.Send(Get("/loop"));
  ASSERT_FALSE(loop);
  EXPECT_NE(loop.error().message.find("redirected more than 5 times"), std::string::npos) << loop.error().message;
}

// The requests a recorder peer received, as its /__requests lists them.
boost::json::array RecordedRequests(const OutboundClient& client, const testing::PeerProcess& peer) {
  OutboundRequest request;
  request.url = peer.base_url() + "/__requests";
  auto response = client.Send(request);
  if (!response) return {};
  return boost::json::parse(response->body).as_array();
}

// Regression: a redirect to another port of the same host kept the caller's
// Authorization header, and x-api-key or api-key were never dropped.
TEST_F(OutboundClientTest, CrossOriginRedirectDropsCredentials) {
  testing::PeerProcess other_peer("http_recorder.py");
  ASSERT_TRUE(other_peer.started()) << other_peer.failure_reason();

  OutboundRequest request = Get("/redirect?code=307&to=" + other_peer.base_url() + "/status/201");
  request.method = "POST";
  request.body = R"({"event":"x"})";
  request.headers = {{"Authorization", "Bearer secret-token"}, {"X-Api-Key", "secret-key"},
                     {"api-key", "azure-key"}, {"X-Webhook-Secret", "hook-secret"},
                     {"Content-Type", "application/json"}, {"Accept", "application/json"}};
  auto response = client_.Send(request);
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(response->status, 201);

  const boost::json::array received = RecordedRequests(client_, other_peer);
  ASSERT_EQ(received.size(), 1u);
  const boost::json::object& headers = received[0].at("headers").as_object();
  for (const char* credential : {"authorization", "x-api-key", "api-key", "x-webhook-secret"}) {
    EXPECT_FALSE(headers.contains(credential)) << credential;
  }
  EXPECT_EQ(headers.at("content-type"), "application/json");
  EXPECT_EQ(headers.at("accept"), "application/json");
  EXPECT_EQ(received[0].at("body"), R"({"event":"x"})") << "a 307 keeps the method and body";
}

TEST_F(OutboundClientTest, SameOriginRedirectKeepsCredentials) {
  OutboundRequest request = Get("/redirect?code=302&to=/status/200");
  request.headers = {{"Authorization", "Bearer secret-token"}, {"x-api-key", "secret-key"}};
  auto response = client_.Send(request);
  ASSERT_TRUE(response) << response.error().message;

  const boost::json::array received = RecordedRequests(client_, peer_);
  ASSERT_EQ(received.size(), 2u);
  const boost::json::object& headers = received[1].at("headers").as_object();
  EXPECT_EQ(received[1].at("path"), "/status/200");
  EXPECT_EQ(headers.at("authorization"), "Bearer secret-token");
  EXPECT_EQ(headers.at("x-api-key"), "secret-key");
}

TEST(OutboundOriginTest, SchemeHostAndPortMustMatch) {
  struct Case {
    const char* from;
    const char* to;
    bool same;
  };
  const Case cases[] = {
      {"http://example.com/a", "http://example.com/b?x=1", true},
      {"http://example.com/a", "http://EXAMPLE.com:80/b", true},
      {"https://example.com/a", "https://example.com:443/b", true},
      {"https://example.com/a", "http://example.com/a", false},
      {"http://example.com/a", "https://example.com/a", false},
      {"http://example.com/a", "http://example.com:8080/a", false},
      {"http://127.0.0.1:8080/a", "http://127.0.0.1:9090/a", false},
      {"http://example.com/a", "http://api.example.com/a", false},
      {"http://example.com/a", "not a url", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsSameOrigin(c.from, c.to), c.same) << c.from << " -> " << c.to;
  }
}

TEST_F(OutboundClientTest, RedirectLimitIsEnforced) {
  OutboundOptions options;
  options.max_redirects = 0;
  OutboundClient strict_client(options);
  auto response = strict_client.Send(Get("/redirect?code=302&to=/status/200"));
  ASSERT_FALSE(response);
  EXPECT_NE(response.error().message.find("redirected more than 0 times"), std::string::npos);
}

TEST_F(OutboundClientTest, StrictModeRejectsLoopback) {
  auto strict = OutboundClient::FromSettings("strict", "");
  ASSERT_TRUE(strict);
  auto response = strict->Send(Get("/status/200"));
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, Errc::kForbidden);

  auto allowed = OutboundClient::FromSettings("strict", "127.0.0.1/32");
  ASSERT_TRUE(allowed);
  EXPECT_TRUE(allowed->Send(Get("/status/200")));
}

TEST_F(OutboundClientTest, ResolvedNameIsChecked) {
  // localhost resolves to loopback addresses, which strict mode rejects
  // after resolution.
  auto strict = OutboundClient::FromSettings("strict", "");
  OutboundRequest request;
  request.url = "http://localhost:" + std::to_string(peer_.port()) + "/status/200";
  auto response = strict->Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, Errc::kForbidden);
  EXPECT_NE(response.error().message.find("localhost"), std::string::npos);
}

TEST_F(OutboundClientTest, PeerDownIsUnavailable) {
  const std::string url = peer_.base_url() + "/status/200";
  peer_.Stop();
  OutboundRequest request;
  request.url = url;
  auto response = client_.Send(request);
  ASSERT_FALSE(response);
  EXPECT_EQ(response.error().code, Errc::kUnavailable);
  EXPECT_NE(response.error().message.find("127.0.0.1"), std::string::npos);
}

TEST_F(OutboundClientTest, BadUrlsAndHeadersAreRejected) {
  for (const std::string url : {"ftp://example.com/", "not a url", "http://user:pw@example.com/", "file:///etc/passwd"}) {
    OutboundRequest request;
    request.url = url;
    auto response = client_.Send(request);
    ASSERT_FALSE(response) << url;
    EXPECT_EQ(response.error().code, Errc::kInvalidArgument) << url;
    EXPECT_EQ(response.error().message.find("pw"), std::string::npos);
  }
  OutboundRequest injected = Get("/status/200");
  injected.headers = {{"X-A", "1\r\nX-B: 2"}};
  EXPECT_FALSE(client_.Send(injected));
}

TEST_F(OutboundClientTest, CheckUrlJudgesLiterals) {
  EXPECT_TRUE(client_.CheckUrl("http://example.com/hook"));
  EXPECT_TRUE(client_.CheckUrl("http://127.0.0.1:9/hook"));
  EXPECT_FALSE(client_.CheckUrl("http://169.254.169.254/"));
  EXPECT_FALSE(client_.CheckUrl("http://[::ffff:169.254.169.254]/"));
  EXPECT_FALSE(client_.CheckUrl("gopher://example.com/"));
}

}  // namespace
}  // namespace tally::integrations
