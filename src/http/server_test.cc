// The Beast server over real loopback sockets: keep-alive and pipelining,
// limits, overload and shutdown. Requests are written by hand so each test
// controls the exact bytes on the wire.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <thread>

namespace tally::http {
namespace {

// A blocking client socket with a receive timeout, closed on destruction.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Client() { ::close(fd_); }

  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  void Send(const std::string& bytes) { ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size())); }

  // Reads until `count` complete responses (by Content-Length) arrived or the
  // peer closed; returns everything read.
  std::string ReadResponses(int count) {
    std::string data;
    char buffer[8192];
    while (CountComplete(data) < count) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      data.append(buffer, n);
    }
    return data;
  }

  // True when the server closed the connection (recv returns 0).
  bool ClosedByPeer() {
    char byte;
    return ::recv(fd_, &byte, 1, 0) == 0;
  }

 private:
  static int CountComplete(const std::string& data) {
    int complete = 0;
    size_t pos = 0;
    while (true) {
      const size_t header_end = data.find("\r\n\r\n", pos);
      if (header_end == std::string::npos) return complete;
      const size_t length_at = data.find("Content-Length: ", pos);
      size_t length = 0;
      if (length_at != std::string::npos && length_at < header_end) length = std::stoul(data.substr(length_at + 16));
      if (data.size() < header_end + 4 + length) return complete;
      ++complete;
      pos = header_end + 4 + length;
    }
  }

  int fd_ = -1;
  bool connected_ = false;
};

// Decodes a chunked body that follows the headers; sets `complete` when the
// final zero-length chunk arrived.
std::string DecodeChunked(const std::string& response, bool& complete) {
  complete = false;
  size_t pos = response.find("\r\n\r\n");
  if (pos == std::string::npos) return {};
  pos += 4;
  std::string body;
  while (pos < response.size()) {
    const size_t line_end = response.find("\r\n", pos);
    if (line_end == std::string::npos) break;
    const size_t size = std::stoul(response.substr(pos, line_end - pos), nullptr, 16);
    if (size == 0) {
      complete = response.compare(line_end, 4, "\r\n\r\n") == 0;
      break;
    }
    if (line_end + 2 + size + 2 > response.size()) break;
    body.append(response, line_end + 2, size);
    pos = line_end + 2 + size + 2;
  }
  return body;
}

// Reads until the peer closes or `marker` arrived.
std::string ReadUntil(int fd, const std::string& marker) {
  std::string data;
  char buffer[65536];
  while (marker.empty() || data.find(marker) == std::string::npos) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    data.append(buffer, n);
  }
  return data;
}

int StatusOf(const std::string& response) { return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0; }

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}) {
    router_.Add({.method = "GET", .pattern = "/api/echo", .auth = Auth::kNone, .dispatch = Dispatch::kInline,
                 .doc = {.summary = "echo"},
                 .handler = [](Request& request) -> Result<Response> {
                   return Response::Text(request.path + "?" + request.Query("q").value_or(""), "text/plain");
                 }});
    router_.Add({.method = "POST", .pattern = "/api/small", .auth = Auth::kNone, .body_limit = 16,
                 .doc = {.summary = "small body"},
                 .handler = [](Request& request) -> Result<Response> {
                   return Response::Text(std::to_string(request.body.size()), "text/plain");
                 }});
    router_.Add({.method = "GET", .pattern = "/api/slow", .auth = Auth::kNone, .doc = {.summary = "slow"},
                 .handler = [](Request&) -> Result<Response> {
                   std::this_thread::sleep_for(std::chrono::milliseconds(300));
                   return Response::Text("done", "text/plain");
                 }});
    router_.Add({.method = "GET", .pattern = "/api/stream", .auth = Auth::kNone, .doc = {.summary = "stream"},
                 .handler = [this](Request& request) -> Result<Response> {
                   auto stream = std::make_shared<CountingStream>();
                   stream->pieces = std::stoi(request.Query("pieces").value_or("3"));
                   stream->piece_size = std::stoul(request.Query("size").value_or("5"));
                   stream->fail_at = std::stoi(request.Query("fail_at").value_or("-1"));
                   last_stream_ = stream;
                   return Response::Stream(stream, "text/plain");
                 }});
    router_.Add({.method = "POST", .pattern = "/api/upload", .auth = Auth::kNone, .body_limit = 1 << 20,
                 .spool_body = true, .doc = {.summary = "spooled upload"},
                 .handler = [](Request& request) -> Result<Response> {
                   if (request.body_file.empty()) return Response::Text("memory " + request.body, "text/plain");
                   return Response::Text("file " + std::to_string(std::filesystem::file_size(request.body_file)),
                                         "text/plain");
                 }});
    options.port = 0;
    options.access_log = false;
    dispatcher_ = std::make_unique<Dispatcher>(router_, nullptr, metrics_);
    server_ = std::make_unique<Server>(*dispatcher_, options);
    ASSERT_TRUE(server_->Start());
    runner_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (server_) {
      server_->Shutdown();
      runner_.join();
    }
  }

  // Produces `pieces` pieces of `piece_size` bytes ("a", "b", …), failing
  // at piece `fail_at` when it is not -1, and counts the calls.
  struct CountingStream : BodyStream {
    int pieces = 3;
    size_t piece_size = 5;
    int fail_at = -1;
    std::atomic<int> produced{0};
    Result<bool> Next(std::string& chunk) override {
      const int index = produced.fetch_add(1);
      if (index == fail_at) return Error::Internal("producer failed on purpose");
      chunk.append(piece_size, static_cast<char>('a' + index % 26));
      return index + 1 < pieces;
    }
  };

  std::shared_ptr<CountingStream> last_stream_;
  Router router_;
  Metrics metrics_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
};

TEST_F(ServerTest, PipelinedRequestsAnswerInOrder) {
  Start();
  Client client(server_->port());
  ASSERT_TRUE(client.connected());
  client.Send("GET /api/echo?q=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /api/echo/?q=2 HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string responses = client.ReadResponses(2);
  const size_t first = responses.find("/api/echo?1");
  const size_t second = responses.find("/api/echo/?2");
  ASSERT_NE(first, std::string::npos) << responses;
  ASSERT_NE(second, std::string::npos) << responses;
  EXPECT_LT(first, second);
  EXPECT_EQ(responses.find("Location:"), std::string::npos) << "trailing slash must not redirect";
}

TEST_F(ServerTest, OversizedBodyIs413BeforeReading) {
  Start();
  Client client(server_->port());
  client.Send("POST /api/small HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
  const std::string response = client.ReadResponses(1);
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_NE(response.find("limit of 16 bytes"), std::string::npos);
  EXPECT_TRUE(client.ClosedByPeer());
}

TEST_F(ServerTest, ChunkedBodyOverLimitIs413) {
  Start();
  Client client(server_->port());
  client.Send("POST /api/small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n" +
              std::string(32, 'a') + "\r\n0\r\n\r\n");
  EXPECT_EQ(StatusOf(client.ReadResponses(1)), 413);
}

TEST_F(ServerTest, BodyWithinLimitIsRead) {
  Start();
  Client client(server_->port());
  client.Send("POST /api/small HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
  const std::string response = client.ReadResponses(1);
  EXPECT_EQ(StatusOf(response), 200);
  EXPECT_TRUE(response.ends_with("\r\n\r\n5"));
}

TEST_F(ServerTest, HugeHeadersAre431) {
  Start();
  Client client(server_->port());
  client.Send("GET /api/echo HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n");
  const std::string response = client.ReadResponses(1);
  EXPECT_EQ(StatusOf(response), 431);
  EXPECT_NE(response.find(R"("status_code":431)"), std::string::npos) << "the envelope repeats the status: " << response;
}

TEST_F(ServerTest, MalformedRequestIs400) {
  Start();
  Client client(server_->port());
  client.Send("NOT AN HTTP REQUEST\r\n\r\n");
  EXPECT_EQ(StatusOf(client.ReadResponses(1)), 400);
}

TEST_F(ServerTest, IdleConnectionIsClosed) {
  ServerOptions options;
  options.idle_timeout = std::chrono::seconds(1);
  Start(options);
  Client client(server_->port());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.ClosedByPeer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(ServerTest, OverloadAnswers503WithRetryAfter) {
  ServerOptions options;
  options.worker_threads = 1;
  options.max_queued = 1;
  Start(options);
  std::vector<std::future<std::string>> replies;
  for (int i = 0; i < 6; ++i) {
    replies.push_back(std::async(std::launch::async, [port = server_->port()] {
      Client client(port);
      client.Send("GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n");
      return client.ReadResponses(1);
    }));
  }
  int ok = 0, rejected = 0;
  for (auto& reply : replies) {
    const std::string response = reply.get();
    if (StatusOf(response) == 200) ++ok;
    if (StatusOf(response) == 503) {
      ++rejected;
      EXPECT_NE(response.find("Retry-After: 1"), std::string::npos);
    }
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(rejected, 1);
  EXPECT_EQ(ok + rejected, 6);
  EXPECT_EQ(metrics_.rejected_overload.load(), rejected);
}

TEST_F(ServerTest, ShutdownFinishesInFlightRequest) {
  Start();
  const uint16_t port = server_->port();
  auto reply = std::async(std::launch::async, [port] {
    Client client(port);
    client.Send("GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n");
    return client.ReadResponses(1);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server_->Shutdown();
  const std::string response = reply.get();
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_TRUE(response.ends_with("done"));
  runner_.join();
  server_.reset();

  // After the drain nothing listens any more.
  Client late(port);
  EXPECT_FALSE(late.connected());
}

TEST_F(ServerTest, RecordsMetricsByRoutePattern) {
  Start();
  Client client(server_->port());
  client.Send("GET /api/echo HTTP/1.1\r\nHost: x\r\n\r\n");
  client.ReadResponses(1);
  client.Send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
  client.ReadResponses(1);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const std::string text = metrics_.Render();
  EXPECT_NE(text.find(R"(tally_http_requests_total{route="/api/echo",method="GET",status="200"} 1)"), std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(route="unmatched",method="GET",status="404")"), std::string::npos);
}

TEST_F(ServerTest, StreamedBodyIsChunked) {
  Start();
  Client client(server_->port());
  client.Send("GET /api/stream?pieces=3&size=5 HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string response = ReadUntil(client.fd(), "0\r\n\r\n");
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_NE(response.find("Transfer-Encoding: chunked"), std::string::npos) << response;
  EXPECT_EQ(response.find("Content-Length"), std::string::npos) << response;
  bool complete = false;
  EXPECT_EQ(DecodeChunked(response, complete), "aaaaabbbbbccccc");
  EXPECT_TRUE(complete);

  // The connection stays usable after a streamed response.
  client.Send("GET /api/echo?q=after HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(client.ReadResponses(1).find("/api/echo?after"), std::string::npos);
}

TEST_F(ServerTest, StreamFailureClosesWithoutFinalChunk) {
  Start();
  Client client(server_->port());
  client.Send("GET /api/stream?pieces=5&size=4&fail_at=2 HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string response = ReadUntil(client.fd(), "");
  bool complete = true;
  EXPECT_EQ(DecodeChunked(response, complete), "aaaabbbb");
  EXPECT_FALSE(complete) << "a failed stream must not look finished";
}

TEST_F(ServerTest, StreamToHttp10IsCloseDelimited) {
  Start();
  Client client(server_->port());
  client.Send("GET /api/stream?pieces=2&size=3 HTTP/1.0\r\n\r\n");
  const std::string response = ReadUntil(client.fd(), "");
  EXPECT_EQ(response.find("Transfer-Encoding"), std::string::npos) << response;
  const size_t body = response.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  EXPECT_EQ(response.substr(body + 4), "aaabbb");
}

TEST_F(ServerTest, StreamWaitsForSlowReader) {
  Start();
  Client client(server_->port());
  // 64 pieces of 1 MiB: far more than socket buffers hold.
  client.Send("GET /api/stream?pieces=64&size=1048576 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(last_stream_);
  EXPECT_LT(last_stream_->produced.load(), 64) << "the producer ran ahead of a client that reads nothing";

  const std::string response = ReadUntil(client.fd(), "\r\n0\r\n\r\n");
  bool complete = false;
  EXPECT_EQ(DecodeChunked(response, complete).size(), size_t{64} << 20);
  EXPECT_TRUE(complete);
}

TEST_F(ServerTest, ExpectContinueGetsInterimResponse) {
  Start();
  Client client(server_->port());
  client.Send("POST /api/small HTTP/1.1\r\nHost: x\r\nExpect: 100-Continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(ReadUntil(client.fd(), "\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");

  client.Send("hello");
  const std::string response = client.ReadResponses(1);
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_TRUE(response.ends_with("\r\n\r\n5")) << response;

  // The interim response leaves the connection usable.
  client.Send("GET /api/echo?q=after HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(client.ReadResponses(1).find("/api/echo?after"), std::string::npos);
}

TEST_F(ServerTest, ExpectContinueBeforeSpooledBody) {
  ServerOptions options;
  options.spool_threshold = 4;
  Start(options);
  Client client(server_->port());
  client.Send("POST /api/upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n");
  EXPECT_EQ(ReadUntil(client.fd(), "\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");

  client.Send("0123456789");
  const std::string response = client.ReadResponses(1);
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_TRUE(response.ends_with("file 10")) << response;
}

TEST_F(ServerTest, ExpectContinueSkippedWhenRejectedEarly) {
  Start();
  struct Case {
    std::string request;
    int status;
  };
  const std::vector<Case> cases = {
      {"POST /api/small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1000\r\n\r\n", 413},
      {"POST /api/nowhere HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n", 404},
      {"POST /api/echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 10\r\n\r\n", 405},
  };
  for (const Case& each : cases) {
    Client client(server_->port());
    client.Send(each.request);
    // The final response arrives although no body was sent, and the server
    // closes because that body may still follow.
    const std::string response = ReadUntil(client.fd(), "");
    EXPECT_EQ(StatusOf(response), each.status) << response;
    EXPECT_EQ(response.find("100 Continue"), std::string::npos) << response;
    EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  }
}

TEST_F(ServerTest, ExpectContinueIgnoredForHttp10) {
  Start();
  Client client(server_->port());
  client.Send("POST /api/small HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello");
  const std::string response = ReadUntil(client.fd(), "");
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_EQ(response.find("100 Continue"), std::string::npos) << response;
}

}  // namespace
}  // namespace tally::http
