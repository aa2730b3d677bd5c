// The Beast server over real loopback sockets: keep-alive and pipelining,
// limits, overload and shutdown. Requests are written by hand so each test
// controls the exact bytes on the wire.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

namespace tally::http {
namespace {

// A blocking client socket with receive and send timeouts, closed on
// destruction. The send timeout turns a server that stopped reading into a
// failed send instead of a test that hangs.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    timeval send_timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);
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

// The Content-Length of a response's headers, or 0 when it has none.
size_t ContentLengthOf(const std::string& response) {
  const size_t header_end = response.find("\r\n\r\n");
  const size_t at = response.find("Content-Length: ");
  if (at == std::string::npos || at > header_end) return 0;
  return std::stoul(response.substr(at + 16));
}

// Sends all of `bytes`; false when the peer closed or reset first.
bool SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// `size` pseudo-random bytes (xorshift32), so a reordered or repeated
// piece changes the hash.
std::string RandomBytes(size_t size, uint32_t seed) {
  std::string bytes(size, '\0');
  uint32_t state = seed;
  for (char& byte : bytes) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    byte = static_cast<char>(state >> 24);
  }
  return bytes;
}

// FNV-1a, 64 bits: order-sensitive, so it checks bytes and their order.
uint64_t Fnv1a(uint64_t hash, std::string_view bytes) {
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 1099511628211ULL;
  }
  return hash;
}
constexpr uint64_t kFnvOffset = 14695981039346656037ULL;

// `body` in chunked transfer encoding, in chunks of varying size up to
// `max_chunk` bytes, with the final zero-length chunk.
std::string EncodeChunked(std::string_view body, size_t max_chunk) {
  std::string out;
  size_t size = 1;
  while (!body.empty()) {
    const size_t take = std::min(body.size(), size);
    char line[32];
    std::snprintf(line, sizeof line, "%zx\r\n", take);
    out += line;
    out += body.substr(0, take);
    out += "\r\n";
    body.remove_prefix(take);
    size = size * 7 % max_chunk + 1;
  }
  return out + "0\r\n\r\n";
}

std::string StreamedRequest(std::string_view target, size_t content_length, std::string_view extra_headers = "") {
  return "POST " + std::string(target) + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json; charset=utf-8\r\n" +
         std::string(extra_headers) + "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

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
    // Streamed bodies: the query's `mode` selects how much the handler reads.
    // The small route is kInline, so it shows that streaming moves it to the
    // pool (inline, waiting for the body would block the IO thread forever).
    router_.Add({.method = "POST", .pattern = "/api/ingest", .auth = Auth::kNone, .body_limit = size_t{256} << 20,
                 .stream_body_types = {"application/json"}, .doc = {.summary = "streamed body"},
                 .handler = [this](Request& request) { return Ingest(request); }});
    router_.Add({.method = "POST", .pattern = "/api/ingest/small", .auth = Auth::kNone,
                 .dispatch = Dispatch::kInline, .body_limit = size_t{1} << 20,
                 .stream_body_types = {"application/json"}, .doc = {.summary = "streamed body, small limit"},
                 .handler = [this](Request& request) { return Ingest(request); }});
    // A streamed route whose handler rejects the request without reading
    // any of its body, as a lookup of a missing project does.
    router_.Add({.method = "POST", .pattern = "/api/ingest/missing", .auth = Auth::kNone,
                 .body_limit = size_t{256} << 20, .stream_body_types = {"application/json"},
                 .doc = {.summary = "streamed body, rejected unread"},
                 .handler = [](Request&) -> Result<Response> { return Error::NotFound("No such project"); }});
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

  // Reads request.body_stream as the query's `mode` selects: "all" (default),
  // "none", or "half" (stops after 1 MiB), sleeping `delay_ms` after each
  // piece and `wait_ms` before returning. Responds with the bytes read and
  // their hash, or with Next's error; either way the outcome is recorded for
  // WaitForOutcome.
  Result<Response> Ingest(Request& request) {
    if (!request.body_file.empty()) {
      return Response::Text("spooled " + std::to_string(std::filesystem::file_size(request.body_file)), "text/plain");
    }
    if (!request.body_stream) return Response::Text("not streamed " + std::to_string(request.body.size()), "text/plain");
    const std::string mode = request.Query("mode").value_or("all");
    const int delay_ms = std::stoi(request.Query("delay_ms").value_or("0"));
    // Lets the reader fill the queue before the handler reads anything.
    std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(request.Query("wait_ms").value_or("0"))));
    uint64_t hash = kFnvOffset;
    size_t bytes = 0;
    bool more = mode != "none";
    while (more && !(mode == "half" && bytes >= (size_t{1} << 20))) {
      std::string chunk;
      Result<bool> next = request.body_stream->Next(chunk);
      if (!next) {
        RecordOutcome("error: " + next.error().message);
        return next.error();
      }
      more = *next;
      hash = Fnv1a(hash, chunk);
      bytes += chunk.size();
      if (delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    }
    const int wait_ms = std::stoi(request.Query("wait_ms").value_or("0"));
    if (wait_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    const std::string outcome = "bytes=" + std::to_string(bytes) + " hash=" + std::to_string(hash);
    RecordOutcome(outcome);
    return Response::Text(outcome, "text/plain");
  }

  void RecordOutcome(std::string outcome) {
    std::lock_guard lock(outcomes_mutex_);
    outcomes_.push_back(std::move(outcome));
    outcome_added_.notify_all();
  }

  // The next outcome Ingest recorded, or "none" after 10 s.
  std::string WaitForOutcome() {
    std::unique_lock lock(outcomes_mutex_);
    if (!outcome_added_.wait_for(lock, std::chrono::seconds(10), [this] { return !outcomes_.empty(); })) return "none";
    std::string outcome = outcomes_.front();
    outcomes_.erase(outcomes_.begin());
    return outcome;
  }

  std::mutex outcomes_mutex_;
  std::condition_variable outcome_added_;
  std::vector<std::string> outcomes_;
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

// No route means 404 (or 405) whatever the body's size: the default body
// limit of an unknown path must not turn it into 413.
TEST_F(ServerTest, LargeBodyToUnknownPathIs404) {
  Start();
  for (const auto& [path, status] : {std::pair{"/api/nowhere", 404}, std::pair{"/api/echo", 405}}) {
    Client client(server_->port());
    client.Send(std::string("POST ") + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n" +
                std::string(1000, 'a'));
    const std::string response = client.ReadResponses(1);
    EXPECT_EQ(StatusOf(response), status) << path << ": " << response;
  }
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

// Sends `bytes` from a second thread while this one reads, as a client that
// reads the response during its upload. Returns one response, or everything
// until the server closed when `until_close`.
std::string SendWhileReading(Client& client, const std::string& bytes, bool until_close = false) {
  std::thread sender([&] { SendAll(client.fd(), bytes); });
  std::string response = until_close ? ReadUntil(client.fd(), "") : client.ReadResponses(1);
  sender.join();
  return response;
}

// Options that stream every body of the test routes: no size threshold and
// no read-ahead to time the client.
ServerOptions StreamingOptions() {
  ServerOptions options;
  options.spool_threshold = 1;
  options.stream_read_ahead = 0;
  return options;
}

// Options that read 1 MiB ahead and stream only for a client sending at
// `min_rate` bytes per second or more.
ServerOptions ReadAheadOptions(double min_rate) {
  ServerOptions options;
  options.spool_threshold = 1;
  options.stream_read_ahead = size_t{1} << 20;
  options.stream_min_rate = min_rate;
  return options;
}

std::string ExpectedOutcome(std::string_view body) {
  return "bytes=" + std::to_string(body.size()) + " hash=" + std::to_string(Fnv1a(kFnvOffset, body));
}

TEST_F(ServerTest, StreamedBodyArrivesInOrderWithBoundedQueue) {
  Start(StreamingOptions());
  const std::string body = RandomBytes(size_t{64} << 20, 7);
  Client client(server_->port());
  // The slow handler lets the queue fill, so the bound below is reached.
  const std::string response = SendWhileReading(client, StreamedRequest("/api/ingest?delay_ms=2", body.size()) + body);

  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_TRUE(response.ends_with(ExpectedOutcome(body))) << response;
  // Pieces of 256 KiB: four queued, one the reader waits to queue and one
  // on its way to the handler.
  EXPECT_LE(server_->MaxQueuedBodyBytesForTest(), size_t{6} * 256 * 1024);
  EXPECT_GT(server_->MaxQueuedBodyBytesForTest(), 0u);
}

TEST_F(ServerTest, ChunkedBodyStreams) {
  Start(StreamingOptions());
  const std::string body = RandomBytes(size_t{3} << 20, 11);
  Client client(server_->port());
  const std::string head =
      "POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: Application/JSON\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string response = SendWhileReading(client, head + EncodeChunked(body, 100000));
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_TRUE(response.ends_with(ExpectedOutcome(body))) << response;
}

TEST_F(ServerTest, OtherMediaTypeIsNotStreamed) {
  Start(StreamingOptions());
  Client client(server_->port());
  client.Send("POST /api/ingest HTTP/1.1\r\nHost: x\r\nContent-Type: application/jsonl\r\nContent-Length: 3\r\n\r\n{}\n");
  const std::string response = client.ReadResponses(1);
  EXPECT_TRUE(response.ends_with("not streamed 3")) << response;
}

TEST_F(ServerTest, BodyUnderThresholdIsNotStreamed) {
  Start();  // the default threshold is 8 MiB
  Client client(server_->port());
  client.Send(StreamedRequest("/api/ingest", 2) + "{}");
  const std::string response = client.ReadResponses(1);
  EXPECT_TRUE(response.ends_with("not streamed 2")) << response;
}

TEST_F(ServerTest, StreamedChunkedBodyOverLimitIs413) {
  Start(StreamingOptions());
  const std::string body = RandomBytes((size_t{1} << 20) + 1, 3);
  Client client(server_->port());
  const std::string head =
      "POST /api/ingest/small HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string response = SendWhileReading(client, head + EncodeChunked(body, 65536), /*until_close=*/true);
  EXPECT_EQ(StatusOf(response), 413) << response;
  EXPECT_NE(response.find("limit of 1048576 bytes"), std::string::npos) << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  EXPECT_EQ(WaitForOutcome(), "error: Request body is larger than this endpoint's limit of 1048576 bytes");
}

TEST_F(ServerTest, StreamedBodyKeepsConnectionWhenRead) {
  Start(StreamingOptions());
  const std::string body = RandomBytes(size_t{2} << 20, 5);
  Client client(server_->port());
  const std::string response = SendWhileReading(client, StreamedRequest("/api/ingest", body.size()) + body);
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_EQ(response.find("Connection: close"), std::string::npos) << response;

  client.Send("GET /api/echo?q=after HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(client.ReadResponses(1).find("/api/echo?after"), std::string::npos);
}

TEST_F(ServerTest, EarlyHandlerReturnClosesConnection) {
  Start(StreamingOptions());
  struct Case {
    std::string query;
    std::string expected_bytes;
  };
  // With wait_ms the handler returns while the reader waits for queue
  // space, which must not leave the reader, and so the response, stuck.
  const std::vector<Case> cases = {
      {"mode=none", "bytes=0 "},
      {"mode=half", "bytes=1048576 "},
      {"mode=none&wait_ms=300", "bytes=0 "},
  };
  for (const Case& each : cases) {
    const std::string body = RandomBytes(size_t{16} << 20, 9);
    Client client(server_->port());
    // The server stops sending after the response but reads and discards
    // the rest of the body, so the sender finishes without a reset.
    const std::string response = SendWhileReading(
        client, StreamedRequest("/api/ingest?" + each.query, body.size()) + body, /*until_close=*/true);
    EXPECT_EQ(StatusOf(response), 200) << each.query << ": " << response;
    EXPECT_NE(response.find("Connection: close"), std::string::npos) << each.query << ": " << response;
    EXPECT_NE(response.find(each.expected_bytes), std::string::npos) << each.query << ": " << response;
  }

  // The server still serves other connections.
  Client other(server_->port());
  other.Send("GET /api/echo?q=still HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(other.ReadResponses(1).find("/api/echo?still"), std::string::npos);
}

TEST_F(ServerTest, ClientGoneMidBodyFailsNext) {
  Start(StreamingOptions());
  {
    Client client(server_->port());
    client.Send(StreamedRequest("/api/ingest", size_t{4} << 20) + RandomBytes(size_t{1} << 20, 1));
  }  // closes the socket with three quarters of the body unsent
  EXPECT_EQ(WaitForOutcome(), "error: The request body ended before its declared length");
}

TEST_F(ServerTest, StalledClientTimesOut) {
  ServerOptions options = StreamingOptions();
  options.stream_stall_timeout = std::chrono::seconds(1);
  Start(options);
  Client client(server_->port());
  const auto start = std::chrono::steady_clock::now();
  client.Send(StreamedRequest("/api/ingest", size_t{4} << 20) + RandomBytes(100000, 2));
  // The timed-out read closes the socket, so the handler's error response
  // cannot reach the client.
  EXPECT_TRUE(client.ClosedByPeer());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_EQ(WaitForOutcome(), "error: The request body was not received in time");
}

// The reader may wait for queue space when the handler returns without
// reading: it must be stopped, or the response never goes out.
TEST_F(ServerTest, HandlerReturningOnFullQueueAnswers) {
  Start(StreamingOptions());
  const std::string body = RandomBytes(size_t{16} << 20, 12);
  Client client(server_->port());
  const auto start = std::chrono::steady_clock::now();
  const std::string response = SendWhileReading(
      client, StreamedRequest("/api/ingest?mode=none&wait_ms=500", body.size()) + body, /*until_close=*/true);
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_NE(response.find("bytes=0 "), std::string::npos) << response;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_F(ServerTest, FastClientStreamsAfterReadAhead) {
  Start(ReadAheadOptions(1 << 20));
  const std::string body = RandomBytes(size_t{8} << 20, 13);
  Client client(server_->port());
  const std::string response = SendWhileReading(client, StreamedRequest("/api/ingest", body.size()) + body);
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_TRUE(response.ends_with(ExpectedOutcome(body))) << response;
}

TEST_F(ServerTest, BodyWithinReadAheadArrivesWhole) {
  Start(ReadAheadOptions(1 << 20));
  const std::string body = RandomBytes(300000, 14);
  Client client(server_->port());
  const std::string response = SendWhileReading(client, StreamedRequest("/api/ingest", body.size()) + body);
  EXPECT_TRUE(response.ends_with("not streamed 300000")) << response;
}

// A client slower than the streaming rate has its body spooled before the
// handler runs, so it takes no pool thread while it sends.
TEST_F(ServerTest, SlowClientBodyIsSpooled) {
  Start(ReadAheadOptions(double{1 << 30}));
  const std::string body = RandomBytes(size_t{2} << 20, 15);
  Client client(server_->port());
  client.Send(StreamedRequest("/api/ingest", body.size()));
  for (size_t at = 0; at < body.size(); at += 256 * 1024) {
    client.Send(body.substr(at, 256 * 1024));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const std::string response = client.ReadResponses(1);
  EXPECT_TRUE(response.ends_with("spooled 2097152")) << response;
}

// After a fast start, a client that slows to a trickle is cut off once its
// socket time passes the stall timeout at under an eighth of the rate.
TEST_F(ServerTest, TrickleAfterFastStartIsCutOff) {
  ServerOptions options = ReadAheadOptions(1 << 20);
  options.stream_stall_timeout = std::chrono::seconds(1);
  Start(options);
  Client client(server_->port());
  client.Send(StreamedRequest("/api/ingest", size_t{4} << 20) + RandomBytes(size_t{1} << 20, 16));
  const auto start = std::chrono::steady_clock::now();
  std::thread trickle([&client] {
    for (int i = 0; i < 40; ++i) {
      if (::send(client.fd(), "xxxxxxxxxx", 10, MSG_NOSIGNAL) != 10) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  const std::string outcome = WaitForOutcome();
  const auto waited = std::chrono::steady_clock::now() - start;
  trickle.join();
  EXPECT_TRUE(outcome.starts_with("error: The request body arrived too slowly")) << outcome;
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST_F(ServerTest, ShutdownReleasesHandlerWaitingForBody) {
  ServerOptions options = StreamingOptions();
  options.drain_timeout = std::chrono::seconds(1);
  Start(options);
  Client client(server_->port());
  client.Send(StreamedRequest("/api/ingest", size_t{4} << 20) + RandomBytes(1000, 6));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  // The handler waits in Next for bytes the stalled client never sends; past
  // the drain timeout the IO threads stop and Next must give up.
  const auto start = std::chrono::steady_clock::now();
  server_->Shutdown();
  runner_.join();
  server_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_EQ(WaitForOutcome(), "error: The server stopped before the request body arrived");
}

TEST_F(ServerTest, StreamedBodyAfterExpectContinue) {
  Start(StreamingOptions());
  const std::string body = RandomBytes(300000, 4);
  Client client(server_->port());
  client.Send(StreamedRequest("/api/ingest/small", body.size(), "Expect: 100-continue\r\n"));
  EXPECT_EQ(ReadUntil(client.fd(), "\r\n\r\n"), "HTTP/1.1 100 Continue\r\n\r\n");
  client.Send(body);
  const std::string response = client.ReadResponses(1);
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_TRUE(response.ends_with(ExpectedOutcome(body))) << response;
}

// What a client that sends its whole request before reading, as Python's
// requests and the Label Studio SDK do, got back.
struct SendThenReadResult {
  bool sent = false;     // every byte was accepted by the socket
  int send_errno = 0;    // errno of the failed send, when not `sent`
  std::string response;  // bytes read until one complete response or an error
  int recv_errno = 0;    // errno of the failed recv (ECONNRESET for a reset)
};

SendThenReadResult SendThenRead(uint16_t port, const std::string& bytes) {
  SendThenReadResult result;
  Client client(port);
  if (!client.connected()) return result;
  result.sent = SendAll(client.fd(), bytes);
  if (!result.sent) result.send_errno = errno;

  char buffer[8192];
  while (result.response.find("\r\n\r\n") == std::string::npos ||
         result.response.size() < result.response.find("\r\n\r\n") + 4 + ContentLengthOf(result.response)) {
    const ssize_t n = ::recv(client.fd(), buffer, sizeof buffer, 0);
    if (n < 0) result.recv_errno = errno;
    if (n <= 0) break;
    result.response.append(buffer, n);
  }
  return result;
}

// A response that the server sends before it has read the whole request
// body must reach the client. Closing a socket with unread bytes makes
// Linux send a reset, and a client still sending then fails with a broken
// pipe or reset before it reads the response. Each case runs many times
// because the reset races the client.
TEST_F(ServerTest, UnreadBodyStillGetsResponse) {
  Start();
  const std::string body(size_t{20} << 20, 'x');
  struct Case {
    std::string name;
    std::string request;
    int status;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"streamed body, handler rejects it unread", StreamedRequest("/api/ingest/missing", body.size()) + body, 404,
       "No such project"},
      {"declared length over the limit",
       "POST /api/small HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body,
       413, "limit of 16 bytes"},
      {"chunked body over the limit",
       "POST /api/small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + EncodeChunked(body, 1 << 20), 413,
       "limit of 16 bytes"},
      {"body sent despite Expect: 100-continue",
       "POST /api/small HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body,
       413, "limit of 16 bytes"},
  };
  for (const Case& each : cases) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      const SendThenReadResult result = SendThenRead(server_->port(), each.request);
      ASSERT_TRUE(result.sent) << each.name << ", attempt " << attempt << ": send failed: "
                               << std::strerror(result.send_errno);
      ASSERT_EQ(result.recv_errno, 0) << each.name << ", attempt " << attempt << ": "
                                      << std::strerror(result.recv_errno);
      ASSERT_EQ(StatusOf(result.response), each.status) << each.name << ": " << result.response;
      ASSERT_NE(result.response.find(each.message), std::string::npos) << each.name << ": " << result.response;
      ASSERT_NE(result.response.find("Connection: close"), std::string::npos) << each.name << ": " << result.response;
    }
  }
}

// Sends `piece` every `pause` until a send fails or `give_up` passed, and
// returns how long the server took to drop the connection.
std::chrono::milliseconds SendUntilDropped(int fd, const std::string& piece, std::chrono::milliseconds pause,
                                           std::chrono::seconds give_up) {
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < give_up) {
    if (::send(fd, piece.data(), piece.size(), MSG_NOSIGNAL) < 0) break;
    std::this_thread::sleep_for(pause);
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

TEST_F(ServerTest, LingeringClientIsCutOffByTimeCap) {
  ServerOptions options;
  options.linger_timeout = std::chrono::seconds(2);
  options.linger_idle_timeout = std::chrono::seconds(1);
  Start(options);

  // A client that keeps trickling body bytes, never idle for long, is cut
  // off by the total cap.
  Client trickler(server_->port());
  trickler.Send("POST /api/small HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n");
  EXPECT_EQ(StatusOf(trickler.ReadResponses(1)), 413);

  // Meanwhile other connections are served at once.
  auto dropped_after = std::async(std::launch::async, [&] {
    return SendUntilDropped(trickler.fd(), std::string(100, 'x'), std::chrono::milliseconds(100),
                            std::chrono::seconds(10));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Client other(server_->port());
  const auto requested = std::chrono::steady_clock::now();
  other.Send("GET /api/echo?q=meanwhile HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(other.ReadResponses(1).find("/api/echo?meanwhile"), std::string::npos);
  // A server blocked by the lingering client would respond only after its
  // 2 s cap, about 1.5 s from here.
  EXPECT_LT(std::chrono::steady_clock::now() - requested, std::chrono::milliseconds(1000));

  const std::chrono::milliseconds elapsed = dropped_after.get();
  EXPECT_GE(elapsed, std::chrono::milliseconds(1500)) << "cut off before the total cap";
  EXPECT_LT(elapsed, std::chrono::milliseconds(4000)) << "still connected long after the total cap";
}

TEST_F(ServerTest, LingeringClientIsCutOffWhenIdle) {
  ServerOptions options;
  options.linger_timeout = std::chrono::seconds(10);
  options.linger_idle_timeout = std::chrono::seconds(1);
  Start(options);
  Client client(server_->port());
  client.Send("POST /api/small HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n");
  EXPECT_EQ(StatusOf(client.ReadResponses(1)), 413);

  // Within the idle cap the server still takes what the client sends.
  const std::string piece(1000, 'x');
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_TRUE(SendAll(client.fd(), piece));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_TRUE(SendAll(client.fd(), piece));

  // A second past the last byte the server has closed: the first send
  // after that draws a reset and the next one fails.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const std::chrono::milliseconds elapsed =
      SendUntilDropped(client.fd(), piece, std::chrono::milliseconds(100), std::chrono::seconds(2));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1000)) << "the server kept an idle connection open";
}

}  // namespace
}  // namespace tally::http
