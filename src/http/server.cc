#include "http/server.h"

#include <boost/asio.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <fmt/format.h>
#include <thread>

#include "core/crypto.h"
#include "core/log.h"
#include "http/errors.h"
#include "http/websocket_session.h"

namespace tally::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto kAsTuple = asio::as_tuple(use_awaitable);

namespace {
struct StreamedBody;
}  // namespace

struct Server::Impl {
  Impl(Dispatcher& dispatcher, ServerOptions options, Hub* hub)
      : dispatcher(dispatcher), options(std::move(options)), hub(hub) {}

  Dispatcher& dispatcher;
  ServerOptions options;
  Hub* hub;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::unique_ptr<asio::thread_pool> workers;
  std::atomic<bool> draining{false};
  std::atomic<int> queued{0};
  std::atomic<uint64_t> next_connection{1};
  std::atomic<int64_t> open_connections{0};
  std::atomic<int64_t> rejected_connections{0};
  // Set before the IO threads stop, so a handler waiting for a streamed
  // request body gives up instead of blocking the pool's join forever.
  std::atomic<bool> io_stopped{false};
  std::atomic<size_t> max_queued_body_bytes{0};  // MaxQueuedBodyBytesForTest
  std::chrono::steady_clock::time_point last_accept_warning{};
  uint16_t bound_port = 0;

  asio::io_context control;  // signals and the shutdown sequence
  std::atomic<bool> shutdown_started{false};
  std::thread drainer;       // waits for in-flight requests, then stops the IO threads

  awaitable<void> Accept(tcp::acceptor& acceptor);
  awaitable<void> Serve(beast::tcp_stream stream, uint64_t connection_id);
  // Runs the handler on the worker pool, or returns a 503 when `max_queued`
  // requests already wait for it.
  awaitable<Response> DispatchOnPool(Request& request, const Match& match);
  // Reads a streamed request body into its channel. Returns at the end of the
  // body, after passing a read error on to the handler, or once the handler
  // returned.
  awaitable<void> ReadStreamedBody(beast::tcp_stream& stream, beast::flat_buffer& buffer, StreamedBody& body);
  // Reads up to `size` more body bytes into `piece`, each socket read with
  // `deadline`. Returns the read error, none when the piece is full or the
  // body ended. With `enforce_rate`, fails with timed_out once the body's
  // socket time passes stream_stall_timeout at under stream_min_rate / 8.
  awaitable<boost::system::error_code> ReadBodyPiece(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                                     StreamedBody& body, std::string& piece, size_t size,
                                                     std::chrono::seconds deadline, bool enforce_rate);
  // Runs DispatchOnPool, then stops the body's reader, which may wait for bytes
  // or queue space that the returned handler will never take.
  awaitable<Response> DispatchThenStopReader(beast::tcp_stream& stream, StreamedBody& body, Request& request,
                                             const Match& match);
  // Writes a streamed body after its headers. Returns the first write error
  // (operation_aborted when the producer failed) and the body bytes written.
  awaitable<std::pair<boost::system::error_code, size_t>> WriteBodyStream(beast::tcp_stream& stream, BodyStream& body,
                                                                         bool chunked, const std::string& request_id);
  // Writes the interim "100 Continue" a client that sent `Expect:
  // 100-continue` waits for before it sends the body. Returns false when the
  // write failed (the client is gone).
  awaitable<bool> WriteContinue(beast::tcp_stream& stream);
  // Reads and discards what the client still sends (the wait of a lingering
  // close) until it closes its side, `max_time` passed, no byte came for
  // linger_idle_timeout, or linger_max_bytes were read. The caller closes
  // the socket afterwards. REQUIRES: the sending side is shut down.
  awaitable<void> DiscardUntilClientCloses(beast::tcp_stream& stream, std::chrono::steady_clock::duration max_time,
                                           uint64_t connection_id);
  void BeginShutdown();
};

namespace {

// Returns a new request id: a random per-thread prefix and a counter, 16 hex
// digits. It is unique within a process run and costs no system call, where a
// random id per request measured one getrandom call each. Ids only correlate
// log lines, so they need not be unpredictable.
std::string NewRequestId() {
  thread_local const uint64_t prefix = std::stoull(RandomHex(4), nullptr, 16) << 32;
  thread_local uint32_t counter = 0;
  return fmt::format("{:016x}", prefix | ++counter);
}

std::string RequestIdFrom(std::string_view incoming) {
  // Accept a caller's id only when it is short and plain, so it cannot
  // inject anything into log lines; otherwise make one.
  if (!incoming.empty() && incoming.size() <= 64 &&
      std::all_of(incoming.begin(), incoming.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; })) {
    return std::string(incoming);
  }
  return NewRequestId();
}

// Appends `value` without CR or LF, so no header value can split the head.
void AppendHeaderValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
}

// Writes the status line, headers and body as one buffer. Beast's serializer
// measured about a fifth of all instructions of a health check, most of it
// in buffer-sequence bookkeeping; a single contiguous write avoids it.
std::string SerializeResponse(const Response& response, std::string_view request_id, unsigned version,
                              bool keep_alive, bool head_request) {
  std::string out;
  out.reserve(192 + response.body.size());
  out += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
  out += "\r\nServer: tally\r\nX-Request-Id: ";
  AppendHeaderValue(out, request_id);
  if (!response.content_type.empty()) {
    out += "\r\nContent-Type: ";
    AppendHeaderValue(out, response.content_type);
  }
  for (const auto& [name, value] : response.headers) {
    out += "\r\n";
    AppendHeaderValue(out, name);
    out += ": ";
    AppendHeaderValue(out, value);
  }
  // 1xx and 204 responses carry no Content-Length (RFC 9110 §8.6). A
  // streamed body is chunked, or for HTTP/1.0 ends when the connection does.
  if (response.stream) {
    if (version != 10) out += "\r\nTransfer-Encoding: chunked";
  } else if (response.status >= 200 && response.status != 204) {
    out += "\r\nContent-Length: ";
    out += std::to_string(response.body.size());
  }
  if (!keep_alive) {
    out += "\r\nConnection: close";
  } else if (version == 10) {
    out += "\r\nConnection: keep-alive";
  }
  out += "\r\n\r\n";
  if (!head_request) out += response.body;
  return out;
}

// A cookie rides along on any page's WebSocket, so a session-authenticated
// upgrade must come from this server's own origin (cross-site WebSocket
// hijacking). Token and key-pair clients are not browsers and may connect.
bool SameOriginOrNotSession(const Request& request, const Principal& principal) {
  if (!principal.via_session) return true;
  std::string_view origin = request.Header("origin");
  const size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return false;
  origin.remove_prefix(scheme_end + 3);
  return !origin.empty() && origin == request.Header("host");
}

// The method as a metrics label: a known method, or "other", so clients
// sending made-up methods cannot create unbounded series.
std::string_view MetricMethod(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

Response SimpleError(int status, std::string_view message, std::string_view path, std::string_view request_id) {
  Errc code = status == 413   ? Errc::kPayloadTooLarge
              : status == 503 ? Errc::kUnavailable
              : status == 404 ? Errc::kNotFound
                              : Errc::kInvalidArgument;
  return ErrorResponse(Error{code, std::string(message), {}, {}}, path, request_id, status);
}

// The file of a spooled request body. It is removed when the request is
// done, whether or not a response was sent.
struct SpooledFile {
  explicit SpooledFile(std::string file) : path(std::move(file)) {}
  SpooledFile(const SpooledFile&) = delete;
  SpooledFile& operator=(const SpooledFile&) = delete;
  ~SpooledFile() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
  std::string path;
};

std::string SpoolPath(const std::string& dir) {
  const std::filesystem::path base = dir.empty() ? std::filesystem::temp_directory_path() : std::filesystem::path(dir);
  return (base / ("tally-body-" + RandomHex(12))).string();
}

// True when the media type of `content_type` (parameters ignored) is one of
// the route's stream_body_types.
bool StreamsBody(const Route& route, std::string_view content_type) {
  std::string_view media_type = content_type.substr(0, content_type.find(';'));
  while (!media_type.empty() && (media_type.back() == ' ' || media_type.back() == '\t')) media_type.remove_suffix(1);
  while (!media_type.empty() && (media_type.front() == ' ' || media_type.front() == '\t')) media_type.remove_prefix(1);
  return std::any_of(route.stream_body_types.begin(), route.stream_body_types.end(),
                     [&](const std::string& type) { return beast::iequals(media_type, type); });
}

// A streamed request body is read in pieces of this size, and at most
// kBodyQueuePieces wait for the handler. One upload thus buffers at most
// (kBodyQueuePieces + 2) pieces: the queued ones, the one the reader waits
// to queue and the one on its way to the handler.
constexpr size_t kBodyPieceSize = 256 * 1024;
constexpr size_t kBodyQueuePieces = 4;
// How often a handler waiting for body bytes checks whether the IO threads
// stopped (shutdown past its drain timeout).
constexpr auto kStopCheckInterval = std::chrono::milliseconds(100);

struct BodyPiece {
  std::string bytes;
  bool last = false;  // the body ends with these bytes
};

// Request::body_stream: a queue of pieces from the connection's reader (on
// its IO thread) to the handler (on a pool thread). A full queue suspends
// the reader, so the client's sending waits for the handler.
class RequestBodyStream final : public BodyStream {
 public:
  // An error code in a message ends the body with that error.
  using Channel = asio::experimental::concurrent_channel<void(boost::system::error_code, BodyPiece)>;

  RequestBodyStream(const asio::any_io_executor& executor, size_t limit, const std::atomic<bool>& io_stopped,
                    std::atomic<size_t>& max_queued_bytes)
      : channel_(executor, kBodyQueuePieces),
        limit_(limit),
        io_stopped_(io_stopped),
        max_queued_bytes_(max_queued_bytes) {}

  Channel& channel() { return channel_; }

  // Bytes the server read before the handler started, returned first.
  void SetPrefix(std::string bytes) { prefix_ = std::move(bytes); }

  // Counts `bytes` read from the socket and not yet taken by the handler.
  void AddQueued(size_t bytes) {
    const size_t queued = queued_bytes_.fetch_add(bytes) + bytes;
    size_t max = max_queued_bytes_.load();
    while (queued > max && !max_queued_bytes_.compare_exchange_weak(max, queued)) {
    }
  }

  // NOTE: blocks a pool thread per streamed upload while it waits for the
  // client, so worker_threads uploads from slow clients can hold the whole
  // pool and delay every other kPool request.
  Result<bool> Next(std::string& chunk) override {
    if (failure_) return *failure_;
    if (finished_) return false;
    if (!prefix_.empty()) {
      chunk += prefix_;
      prefix_.clear();
      prefix_.shrink_to_fit();
      return true;
    }

    // The channel completes the receive on the connection's IO thread.
    using Received = std::pair<boost::system::error_code, BodyPiece>;
    auto promise = std::make_shared<std::promise<Received>>();
    std::future<Received> received = promise->get_future();
    channel_.async_receive([promise](boost::system::error_code error, BodyPiece piece) {
      promise->set_value(Received{error, std::move(piece)});
    });
    while (received.wait_for(kStopCheckInterval) == std::future_status::timeout) {
      if (io_stopped_.load()) {
        failure_ = Error::Unavailable("The server stopped before the request body arrived");
        return *failure_;
      }
    }
    auto [error, piece] = received.get();
    if (error) {
      failure_ = ErrorFor(error);
      return *failure_;
    }

    queued_bytes_.fetch_sub(piece.bytes.size());
    if (chunk.empty()) {
      chunk = std::move(piece.bytes);
    } else {
      chunk += piece.bytes;
    }
    finished_ = piece.last;
    return !piece.last;
  }

 private:
  Error ErrorFor(const boost::system::error_code& error) const {
    if (error == bhttp::error::body_limit) {
      return Error::TooLarge(fmt::format("Request body is larger than this endpoint's limit of {} bytes", limit_));
    }
    if (error == beast::error::timeout) return Error::Invalid("The request body was not received in time");
    if (error == boost::system::errc::timed_out) {
      return Error::Invalid(
          "The request body arrived too slowly to be read while it was sent; send it again from a faster "
          "connection");
    }
    if (error.category() == bhttp::make_error_code(bhttp::error::bad_chunk).category() &&
        error != bhttp::error::partial_message && error != bhttp::error::end_of_stream) {
      return Error::Invalid("The request body is malformed: " + error.message());
    }
    return Error::Invalid("The request body ended before its declared length");
  }

  Channel channel_;
  const size_t limit_;
  const std::atomic<bool>& io_stopped_;
  std::atomic<size_t>& max_queued_bytes_;
  std::atomic<size_t> queued_bytes_{0};
  // Touched by Next only, whose calls never overlap.
  std::optional<Error> failure_;
  bool finished_ = false;
  std::string prefix_;
};

// A request whose body reaches the handler while it arrives. The parser has
// read the header; the reader coroutine reads the rest into `stream`.
struct StreamedBody {
  explicit StreamedBody(bhttp::request_parser<bhttp::string_body>&& header_parser)
      : parser(std::move(header_parser)) {}

  bhttp::request_parser<bhttp::buffer_body> parser;
  std::shared_ptr<RequestBodyStream> stream;  // also Request::body_stream
  std::string request_id;
  // Set on the IO thread once the handler returned; stops the reader.
  bool handler_done = false;
  // The handler reads the rest through `stream`; false once the read-ahead
  // got the whole body, or spooled it for a slow client.
  bool streaming = false;
  // Socket time and bytes read so far, for the minimum rate.
  double read_seconds = 0;
  size_t read_bytes = 0;
};

}  // namespace

awaitable<Response> Server::Impl::DispatchOnPool(Request& request, const Match& match) {
  // Bound the work waiting for the pool: past the limit, an immediate 503
  // with Retry-After serves clients better than a growing queue and timeouts.
  if (queued.fetch_add(1) >= options.max_queued) {
    queued.fetch_sub(1);
    dispatcher.metrics().rejected_overload.fetch_add(1);
    TALLY_LOG_WARN("event=request_rejected reason=overload request_id={} queued={}", request.request_id,
                   options.max_queued);
    co_return SimpleError(503, "The server is overloaded; retry after a moment", request.path, request.request_id);
  }
  Response response = co_await asio::co_spawn(
      workers->get_executor(),
      [this, &request, &match]() -> awaitable<Response> {
        queued.fetch_sub(1);
        co_return dispatcher.Handle(request, match);
      },
      use_awaitable);
  co_return response;
}

awaitable<std::pair<boost::system::error_code, size_t>> Server::Impl::WriteBodyStream(beast::tcp_stream& stream,
                                                                                     BodyStream& body, bool chunked,
                                                                                     const std::string& request_id) {
  size_t total = 0;
  for (;;) {
    // The producer may read the database, so it runs on the pool. GCC 12
    // destroys non-trivial captures of a lambda passed to co_spawn twice, so
    // the lambda captures plain pointers only.
    std::string piece;
    BodyStream* producer = &body;
    std::string* out = &piece;
    auto produce = [producer, out]() -> awaitable<Result<bool>> { co_return producer->Next(*out); };
    Result<bool> more = co_await asio::co_spawn(workers->get_executor(), produce, use_awaitable);
    if (!more) {
      TALLY_LOG_ERROR("event=response_stream_failed request_id={} bytes={} error=\"{}\" detail=\"{}\"", request_id,
                      total, more.error().message, more.error().detail);
      co_return std::pair{boost::system::error_code(asio::error::operation_aborted), total};
    }
    std::string wire;
    if (!piece.empty()) {
      if (chunked) {
        wire = fmt::format("{:x}\r\n", piece.size());
        wire += piece;
        wire += "\r\n";
      } else {
        wire = std::move(piece);
      }
    }
    if (!*more && chunked) wire += "0\r\n\r\n";
    if (!wire.empty()) {
      stream.expires_after(options.write_timeout);
      auto [error, written] = co_await asio::async_write(stream, asio::buffer(wire), kAsTuple);
      if (error) co_return std::pair{error, total};
      total += written;
    }
    if (!*more) co_return std::pair{boost::system::error_code(), total};
  }
}

awaitable<boost::system::error_code> Server::Impl::ReadBodyPiece(beast::tcp_stream& stream,
                                                                 beast::flat_buffer& buffer, StreamedBody& body,
                                                                 std::string& piece, size_t size,
                                                                 std::chrono::seconds deadline, bool enforce_rate) {
  const size_t before = piece.size();
  piece.resize(before + size);
  auto& target = body.parser.get().body();
  target.data = piece.data() + before;
  target.size = size;
  boost::system::error_code error;
  const double stall_seconds = static_cast<double>(options.stream_stall_timeout.count());
  while (target.size > 0 && !body.parser.is_done() && !body.handler_done) {
    const size_t room = target.size;
    const auto started = std::chrono::steady_clock::now();
    stream.expires_after(deadline);
    auto [read_error, read_bytes] = co_await bhttp::async_read_some(stream, buffer, body.parser, kAsTuple);
    body.read_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    body.read_bytes += room - target.size;
    if (read_error == bhttp::error::need_buffer) break;  // the piece is full
    if (read_error) {
      error = read_error;
      break;
    }
    if (enforce_rate && body.read_seconds >= stall_seconds &&
        static_cast<double>(body.read_bytes) < options.stream_min_rate / 8 * body.read_seconds) {
      error = boost::system::errc::make_error_code(boost::system::errc::timed_out);
      break;
    }
  }
  stream.expires_never();
  piece.resize(piece.size() - target.size);
  target.data = nullptr;
  target.size = 0;
  co_return error;
}

awaitable<void> Server::Impl::ReadStreamedBody(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                              StreamedBody& body) {
  if (!body.streaming) co_return;
  RequestBodyStream::Channel& channel = body.stream->channel();
  size_t total = 0;
  for (;;) {
    // Fill one piece. The deadline covers each socket read, not the wait for
    // queue space, so a slow handler cannot time out a client that sends
    // steadily. The handler may hold a database write lock while it reads,
    // so a client that stalls, or trickles after a fast start, is cut off.
    BodyPiece piece;
    boost::system::error_code error = co_await ReadBodyPiece(stream, buffer, body, piece.bytes, kBodyPieceSize,
                                                             options.stream_stall_timeout, /*enforce_rate=*/true);
    if (body.handler_done) co_return;

    if (error) {
      TALLY_LOG_WARN("event=request_body_failed request_id={} bytes={} error=\"{}\"", body.request_id, total,
                     error.message());
      piece.bytes.clear();
    }
    piece.last = !error && body.parser.is_done();
    total += piece.bytes.size();
    body.stream->AddQueued(piece.bytes.size());
    const bool last = piece.last;
    auto [send_error] = co_await channel.async_send(error, std::move(piece), kAsTuple);
    // A failed send means the handler returned and closed the channel.
    if (send_error || error || last) co_return;
  }
}

awaitable<Response> Server::Impl::DispatchThenStopReader(beast::tcp_stream& stream, StreamedBody& body,
                                                         Request& request, const Match& match) {
  Response response = co_await DispatchOnPool(request, match);
  body.handler_done = true;
  // The reader may wait in async_send for queue space. close() completes
  // only waiting receivers, so cancel() must complete that send first. After
  // close() the channel would treat the waiting sender as a receiver.
  body.stream->channel().cancel();
  body.stream->channel().close();
  stream.cancel();
  co_return response;
}

awaitable<bool> Server::Impl::WriteContinue(beast::tcp_stream& stream) {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  stream.expires_after(options.write_timeout);
  auto [error, written] = co_await asio::async_write(stream, asio::buffer(kContinue), kAsTuple);
  co_return !error;
}

awaitable<void> Server::Impl::DiscardUntilClientCloses(beast::tcp_stream& stream,
                                                      std::chrono::steady_clock::duration max_time,
                                                      uint64_t connection_id) {
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + max_time;
  constexpr size_t kDiscardSize = 64 * 1024;
  const auto discard = std::make_unique<char[]>(kDiscardSize);
  size_t discarded = 0;
  std::string_view ended_by = "client_closed";
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      ended_by = "time_cap";
      break;
    }
    // On expiry the stream closes the socket and the read fails with
    // beast::error::timeout.
    const bool idle_first = deadline - now > options.linger_idle_timeout;
    stream.expires_after(idle_first ? std::chrono::steady_clock::duration(options.linger_idle_timeout) : deadline - now);
    auto [error, read] = co_await stream.async_read_some(asio::buffer(discard.get(), kDiscardSize), kAsTuple);
    discarded += read;
    if (error == beast::error::timeout) {
      ended_by = idle_first ? "idle_cap" : "time_cap";
      break;
    }
    if (error) break;  // the client closed or reset the connection, so nothing more arrives
    if (discarded >= options.linger_max_bytes) {
      ended_by = "byte_cap";
      break;
    }
  }
  stream.expires_never();

  // A client that closes after reading the response is the normal case.
  // Only a cap ending the wait is the client's fault and worth a warning.
  const auto waited_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  if (ended_by == "client_closed") {
    TALLY_LOG_DEBUG("event=linger_done connection={} discarded_bytes={} duration_ms={}", connection_id, discarded,
                    waited_ms);
  } else {
    TALLY_LOG_WARN("event=linger_cut_off connection={} reason={} discarded_bytes={} duration_ms={}", connection_id,
                   ended_by, discarded, waited_ms);
  }
}

awaitable<void> Server::Impl::Serve(beast::tcp_stream stream, uint64_t connection_id) {
  open_connections.fetch_add(1);
  struct ConnectionCount {
    std::atomic<int64_t>& open;
    ~ConnectionCount() { open.fetch_sub(1); }
  } counted{open_connections};
  beast::flat_buffer buffer;
  const std::string remote = [&] {
    boost::system::error_code ec;
    auto endpoint = stream.socket().remote_endpoint(ec);
    return ec ? std::string("-") : endpoint.address().to_string();
  }();
  // Set when the last response leaves request bytes unread (see
  // ServerOptions::linger_timeout).
  bool linger = false;
  std::chrono::steady_clock::duration linger_time{};

  for (;;) {
    // Headers: the idle deadline covers the wait for a keep-alive client's
    // next request as well as a slow sender of headers.
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
    // No body limit while reading headers: Beast would otherwise reject a
    // large Content-Length against its 1 MiB default before the route, whose
    // own limit applies below, is known.
    parser.body_limit(boost::none);
    parser.eager(false);
    stream.expires_after(options.idle_timeout);
    auto [header_error, header_bytes] = co_await bhttp::async_read_header(stream, buffer, parser, kAsTuple);
    if (header_error == bhttp::error::end_of_stream || header_error == asio::error::operation_aborted ||
        header_error == asio::error::connection_reset || header_error == beast::error::timeout ||
        header_error == asio::error::eof) {
      break;
    }

    Request request;
    request.received_at = std::chrono::steady_clock::now();
    request.remote_address = remote;
    std::optional<Response> early;  // a response decided before the handler runs
    bool close_after = false;

    if (header_error) {
      request.request_id = NewRequestId();
      request.path = "/";
      const bool too_big = header_error == bhttp::error::header_limit;
      early = SimpleError(too_big ? 431 : 400,
                          too_big ? "Request headers are too large" : "Malformed HTTP request: " + header_error.message(),
                          "/", request.request_id);
      close_after = true;
    }

    Match match;
    // Read from the header before a spooling parser takes it over.
    unsigned version = 11;
    bool header_keep_alive = false;
    std::optional<SpooledFile> spooled;  // removes the body's file when the request is done
    std::optional<StreamedBody> streamed;  // a body the handler reads while it arrives
    // The client expects 100 Continue and was not sent it, so it may hold
    // back the body.
    bool body_withheld = false;
    if (!early) {
      const auto& header = parser.get();
      request.method = std::string(header.method_string());
      for (const auto& field : header) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        request.headers.emplace_back(std::move(name), std::string(field.value()));
      }
      request.request_id = RequestIdFrom(request.Header("x-request-id"));
      if (auto parsed = Dispatcher::ParseTarget(header.target(), request); !parsed) {
        request.path = "/";
        early = ErrorResponse(parsed.error(), "/", request.request_id);
        close_after = true;
      }
    }

    if (!early) {
      match = dispatcher.router().FindEncoded(request.method, request.raw_path);
      // Limit the body before reading it, per route: an upload route may take
      // large files while a JSON route keeps a small cap against abuse.
      const size_t limit = match.route ? match.route->body_limit : size_t{1} << 20;
      parser.body_limit(limit);
      const auto declared = parser.content_length();
      // RFC 9110 (the Expect field) requires servers to ignore the
      // expectation in an HTTP/1.0 request.
      const bool expects_continue =
          parser.get().version() == 11 && beast::iequals(request.Header("expect"), "100-continue");
      body_withheld = expects_continue;

      // A large upload that the route's access rule rejects (no or bad
      // credentials) gets its error before any of its body is read, so an
      // anonymous client cannot make the server buffer or spool it.
      const bool large_upload = !parser.is_done() && match.route && !draining.load() &&
                                (match.route->spool_body || !match.route->stream_body_types.empty()) &&
                                (!declared || *declared >= options.spool_threshold) &&
                                !(declared && *declared > limit);
      std::optional<Response> rejection;
      if (large_upload) {
        rejection = co_await asio::co_spawn(
            workers->get_executor(),
            [this, &request, &match]() -> awaitable<std::optional<Response>> {
              co_return dispatcher.Admit(request, match);
            },
            use_awaitable);
      }

      if (!parser.is_done() && (!match.route || draining.load())) {
        // The response (404, 405 or 503) does not depend on the body, so it
        // goes out without reading the body, whatever its size, and the
        // connection closes after it (a lingering close when bytes follow).
        close_after = true;
      } else if (declared && *declared > limit) {
        early = SimpleError(413, fmt::format("Request body is larger than this endpoint's limit of {} bytes", limit),
                            request.path, request.request_id);
        close_after = true;  // the unread body makes the connection unusable
      } else if (rejection) {
        early = std::move(rejection);
        close_after = true;
      } else if (!parser.is_done() && match.route && StreamsBody(*match.route, request.Header("content-type")) &&
                 (!declared || *declared >= options.spool_threshold)) {
        // The handler parses a large body while it arrives, instead of
        // after all of it was written to a spool file. The reading starts
        // with the handler, below.
        version = parser.get().version();
        header_keep_alive = parser.get().keep_alive();
        streamed.emplace(std::move(parser));
        streamed->parser.body_limit(limit);
        streamed->stream = std::make_shared<RequestBodyStream>(stream.get_executor(), limit, io_stopped,
                                                               max_queued_body_bytes);
        streamed->request_id = request.request_id;
        if (expects_continue && !co_await WriteContinue(stream)) break;
        body_withheld = false;

        // Read ahead on this IO thread and time the client, to choose
        // between streaming the rest and spooling it.
        std::string ahead;
        boost::system::error_code ahead_error;
        const auto ahead_started = std::chrono::steady_clock::now();
        while (!ahead_error && ahead.size() < options.stream_read_ahead && !streamed->parser.is_done()) {
          ahead_error = co_await ReadBodyPiece(stream, buffer, *streamed, ahead, kBodyPieceSize,
                                               options.read_timeout, /*enforce_rate=*/false);
        }
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - ahead_started).count();
        if (ahead_error == bhttp::error::body_limit) {
          early = SimpleError(413, fmt::format("Request body is larger than this endpoint's limit of {} bytes", limit),
                              request.path, request.request_id);
          close_after = true;
        } else if (ahead_error) {
          break;  // timeout or peer gone mid-body: no one to respond to
        } else if (streamed->parser.is_done()) {
          request.body = std::move(ahead);
        } else if (options.stream_read_ahead == 0 ||
                   static_cast<double>(ahead.size()) >= options.stream_min_rate * elapsed) {
          // The minimum rate applies from here: a fast start must not
          // cover a trickle afterwards.
          streamed->streaming = true;
          streamed->read_seconds = 0;
          streamed->read_bytes = 0;
          streamed->stream->SetPrefix(std::move(ahead));
          request.body_stream = streamed->stream;
        } else {
          // A slow client: the rest goes to a file before the handler runs.
          spooled.emplace(SpoolPath(options.spool_dir));
          std::ofstream out(spooled->path, std::ios::binary | std::ios::trunc);
          boost::system::error_code spool_error;
          while (out && !spool_error) {
            out.write(ahead.data(), static_cast<std::streamsize>(ahead.size()));
            ahead.clear();
            if (streamed->parser.is_done()) break;
            spool_error = co_await ReadBodyPiece(stream, buffer, *streamed, ahead, kBodyPieceSize,
                                                 options.read_timeout, /*enforce_rate=*/false);
          }
          out.close();
          if (spool_error == bhttp::error::body_limit) {
            early = SimpleError(413, fmt::format("Request body is larger than this endpoint's limit of {} bytes",
                                                 limit),
                                request.path, request.request_id);
            close_after = true;
          } else if (spool_error) {
            break;  // timeout or peer gone mid-body: no one to respond to
          } else if (!out) {
            TALLY_LOG_ERROR("event=spool_failed request_id={} path_dir={}", request.request_id, options.spool_dir);
            early = SimpleError(503, "The server cannot store this upload right now; retry later", request.path,
                                request.request_id);
            close_after = true;
          } else {
            request.body_file = spooled->path;
          }
        }
      } else if (!parser.is_done() && match.route && match.route->spool_body &&
                 (!declared || *declared >= options.spool_threshold)) {
        // A large upload goes to a file, so memory does not grow with it.
        // The header was read by the string parser; a parser of another
        // body type takes it over before any body byte is read.
        version = parser.get().version();
        header_keep_alive = parser.get().keep_alive();
        spooled.emplace(SpoolPath(options.spool_dir));
        bhttp::request_parser<bhttp::file_body> file_parser(std::move(parser));
        file_parser.body_limit(limit);
        beast::error_code open_error;
        file_parser.get().body().open(spooled->path.c_str(), beast::file_mode::write, open_error);
        if (open_error) {
          TALLY_LOG_ERROR("event=spool_failed request_id={} error=\"{}\"", request.request_id, open_error.message());
          early = SimpleError(503, "The server cannot store this upload right now; retry later", request.path,
                              request.request_id);
          close_after = true;
        } else {
          if (expects_continue && !co_await WriteContinue(stream)) break;
          body_withheld = false;
          stream.expires_after(options.read_timeout);
          auto [body_error, body_bytes] = co_await bhttp::async_read(stream, buffer, file_parser, kAsTuple);
          file_parser.get().body().close();
          if (body_error == bhttp::error::body_limit) {
            early = SimpleError(413, fmt::format("Request body is larger than this endpoint's limit of {} bytes", limit),
                                request.path, request.request_id);
            close_after = true;
          } else if (body_error) {
            break;  // timeout or peer gone mid-body: no one to respond to
          } else {
            request.body_file = spooled->path;
          }
        }
      } else if (!parser.is_done()) {
        if (expects_continue && !co_await WriteContinue(stream)) break;
        body_withheld = false;
        stream.expires_after(options.read_timeout);
        auto [body_error, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, kAsTuple);
        if (body_error == bhttp::error::body_limit) {
          early = SimpleError(413, fmt::format("Request body is larger than this endpoint's limit of {} bytes", limit),
                              request.path, request.request_id);
          close_after = true;
        } else if (body_error) {
          break;  // timeout or peer gone mid-body: no one to respond to
        }
      }
    }

    // A spooling or streaming parser took over the header from `parser`.
    const bool parser_moved = spooled || streamed;
    if (!parser_moved) {
      version = parser.get().version();
      header_keep_alive = parser.get().keep_alive();
    }
    const bool keep_alive = !early && header_keep_alive;
    if (!early && !parser_moved) request.body = std::move(parser.get().body());

    if (!early && !parser_moved && hub && (request.path == "/api/ws" || request.path == "/api/ws/") &&
        boost::beast::websocket::is_upgrade(parser.get())) {
      // Authentication may read the database: resolve it on the pool.
      Result<Principal> principal = co_await asio::co_spawn(
          workers->get_executor(),
          [this, &request]() -> awaitable<Result<Principal>> { co_return dispatcher.Authenticate(request); },
          use_awaitable);
      if (principal && principal->kind != Principal::Kind::kAnonymous && SameOriginOrNotSession(request, *principal)) {
        // Hand over the socket, not the stream: a moved-from tcp_stream
        // must not be destroyed by this frame.
        StartWebSocketSession(stream.release_socket(), parser.release(), *principal, *hub, workers->get_executor(),
                              connection_id);
        co_return;
      }
      early = !principal ? ErrorResponse(principal.error(), request.path, request.request_id)
              : principal->kind == Principal::Kind::kAnonymous
                  ? ErrorResponse(Error::Unauthorized("Authentication credentials were not provided."), request.path,
                                  request.request_id)
                  : ErrorResponse(Error::Forbidden("A browser session may open a WebSocket only from this server's "
                                                   "own pages (the Origin must match the Host)"),
                                  request.path, request.request_id);
      close_after = true;
    }

    dispatcher.metrics().in_flight.fetch_add(1);
    Response response;
    if (early) {
      response = std::move(*early);
    } else if (draining.load()) {
      response = SimpleError(503, "The server is shutting down; retry on another instance", request.path,
                             request.request_id);
      close_after = true;
    } else if (request.method == "OPTIONS" && !request.Header("access-control-request-method").empty()) {
      response = Dispatcher::Preflight(request);
    } else if (streamed && streamed->streaming) {
      // The reader and the handler run together; both have returned here,
      // so neither touches this frame's stream, buffer or parser later.
      using asio::experimental::awaitable_operators::operator&&;
      response = co_await (ReadStreamedBody(stream, buffer, *streamed) &&
                           DispatchThenStopReader(stream, *streamed, request, match));
    } else if (match.route && match.route->dispatch == Dispatch::kInline) {
      // Inline routes skip the coroutine frame of DispatchOnPool: they are
      // the hot, cheap ones (health, version).
      response = dispatcher.Handle(request, match);
    } else {
      response = co_await DispatchOnPool(request, match);
    }
    // Whatever of a streamed body was not read would be taken for the next
    // request.
    if (streamed && !streamed->parser.is_done()) close_after = true;
    // A spooled body was read whole when it reached its file.
    const bool body_unread = streamed  ? !streamed->parser.is_done()
                             : spooled ? request.body_file.empty()
                                       : !parser.is_done();
    Dispatcher::AddCorsHeaders(request, response);

    // An HTTP/1.0 client learns where a streamed body ends only by the close.
    const bool close_delimited = response.stream && version == 10;
    const bool keep_open = keep_alive && !close_after && !close_delimited && !draining.load();
    size_t body_bytes = response.body.size();
    const std::string wire =
        SerializeResponse(response, request.request_id, version, keep_open, request.method == "HEAD");

    stream.expires_after(options.write_timeout);
    auto [write_error, written] = co_await asio::async_write(stream, asio::buffer(wire), kAsTuple);
    if (!write_error && response.stream && request.method != "HEAD") {
      auto [stream_error, streamed] = co_await WriteBodyStream(stream, *response.stream, version != 10,
                                                               request.request_id);
      write_error = stream_error;
      body_bytes += streamed;
    }
    dispatcher.metrics().in_flight.fetch_sub(1);

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - request.received_at).count();
    const std::string_view route =
        match.route ? std::string_view(match.route->pattern) : (response.status == 404 ? "unmatched" : "-");
    dispatcher.metrics().ObserveRequest(route, MetricMethod(request.method), response.status, seconds);
    if (options.access_log) {
      // The path only: query strings can carry tokens, and bodies user content.
      TALLY_LOG_INFO("event=http_request request_id={} connection={} method={} path={} status={} bytes={} duration_us={}",
                     request.request_id, connection_id, LogValue(request.method), LogValue(request.path),
                     response.status, body_bytes,
                     static_cast<int64_t>(seconds * 1e6));
    }

    if (write_error) break;
    if (!keep_open) {
      // Bytes already received past this request (pipelined, or sent after
      // a request that asked to close) cause the same reset as a body.
      boost::system::error_code ignored;
      linger = body_unread || buffer.size() > 0 || stream.socket().available(ignored) > 0;
      // A client waiting for 100 Continue has not sent the body and does not
      // send it once it reads the final response, so a short wait suffices.
      linger_time = body_withheld ? std::min(options.linger_timeout, options.linger_idle_timeout)
                                  : options.linger_timeout;
      break;
    }
  }

  // Shut down the sending side first, so the client reads the end of the
  // response, while a lingering close still reads from the socket.
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  if (linger) co_await DiscardUntilClientCloses(stream, linger_time, connection_id);
  stream.close();
}

awaitable<void> Server::Impl::Accept(tcp::acceptor& acceptor) {
  auto executor = co_await asio::this_coro::executor;
  size_t next_context = 0;
  for (;;) {
    // Each connection lives on one IO thread's context, chosen in turn.
    auto& context = *contexts[next_context++ % contexts.size()];
    auto [error, socket] = co_await acceptor.async_accept(context, kAsTuple);
    if (error == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (error) {
      // Out of descriptors or a transient network error: pause instead of
      // spinning, and keep serving the connections already open.
      // Logged at most once a second: out of descriptors, this fires per accept.
      const auto now = std::chrono::steady_clock::now();
      if (now - last_accept_warning > std::chrono::seconds(1)) {
        last_accept_warning = now;
        TALLY_LOG_WARN("event=accept_failed error=\"{}\" open_connections={}", error.message(), open_connections.load());
      }
      asio::steady_timer pause(executor, std::chrono::milliseconds(100));
      co_await pause.async_wait(kAsTuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true), error);
    const uint64_t connection_id = next_connection.fetch_add(1);
    if (open_connections.load() >= options.max_connections) {
      // Past the cap, refuse politely instead of running out of descriptors.
      rejected_connections.fetch_add(1);
      static constexpr std::string_view kBusy =
          "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      socket.write_some(asio::buffer(kBusy), error);
      socket.close(error);
      continue;
    }
    asio::co_spawn(context, Serve(beast::tcp_stream(std::move(socket)), connection_id),
                   [connection_id](std::exception_ptr failure) {
                     if (!failure) return;
                     try {
                       std::rethrow_exception(failure);
                     } catch (const std::exception& exception) {
                       TALLY_LOG_ERROR("event=connection_failed connection={} error=\"{}\"", connection_id,
                                       exception.what());
                     }
                   });
  }
}

Server::Server(Dispatcher& dispatcher, ServerOptions options, Hub* hub)
    : impl_(std::make_unique<Impl>(dispatcher, std::move(options), hub)) {}

Server::~Server() {
  impl_->io_stopped.store(true);
  for (auto& context : impl_->contexts) context->stop();
  if (impl_->workers) impl_->workers->join();
}

Result<void> Server::Start() {
  Impl& impl = *impl_;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(impl.options.host, ec);
  if (ec) return Error::Invalid(fmt::format("--host {} is not an IP address", impl.options.host));

  impl.workers = std::make_unique<asio::thread_pool>(std::max(1, impl.options.worker_threads));
  uint16_t port = impl.options.port;
  for (int i = 0; i < std::max(1, impl.options.io_threads); ++i) {
    impl.contexts.push_back(std::make_unique<asio::io_context>(1));
  }

  // One acceptor, without SO_REUSEPORT: a second server on a taken port must
  // fail to bind instead of silently sharing the port's connections.
  auto acceptor = std::make_unique<tcp::acceptor>(*impl.contexts.front());
  const tcp::endpoint endpoint(address, port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error::Unavailable(fmt::format("Cannot listen on {}:{}: {}", impl.options.host, port, ec.message()));
  }
  port = acceptor->local_endpoint().port();
  impl.acceptors.push_back(std::move(acceptor));
  impl.bound_port = port;

  asio::co_spawn(*impl.contexts.front(), impl.Accept(*impl.acceptors.front()), asio::detached);
  TALLY_LOG_INFO("event=server_listening address={}:{} io_threads={} worker_threads={}", impl.options.host, port,
                 impl.contexts.size(), impl.options.worker_threads);
  return Ok();
}

uint16_t Server::port() const { return impl_->bound_port; }

size_t Server::MaxQueuedBodyBytesForTest() const { return impl_->max_queued_body_bytes.load(); }

void Server::Impl::BeginShutdown() {
  if (shutdown_started.exchange(true)) return;
  draining.store(true);
  TALLY_LOG_INFO("event=server_draining in_flight={}", dispatcher.metrics().in_flight.load());
  for (size_t i = 0; i < acceptors.size(); ++i) {
    asio::post(*contexts.front(), [acceptor = acceptors[i].get()] {
      boost::system::error_code ignored;
      acceptor->close(ignored);
    });
  }

  // Wait on a separate thread so the IO threads keep finishing requests.
  drainer = std::thread([this] {
    const auto deadline = std::chrono::steady_clock::now() + options.drain_timeout;
    while (dispatcher.metrics().in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    const int64_t abandoned = dispatcher.metrics().in_flight.load();
    if (abandoned > 0) TALLY_LOG_WARN("event=server_drain_timeout abandoned_requests={}", abandoned);
    io_stopped.store(true);
    for (auto& context : contexts) context->stop();
    control.stop();
  });
}

void Server::Shutdown() {
  asio::post(impl_->control, [impl = impl_.get()] { impl->BeginShutdown(); });
}

void Server::Run() {
  Impl& impl = *impl_;
  asio::signal_set signals(impl.control, SIGINT, SIGTERM);
  signals.async_wait([&impl](const boost::system::error_code& error, int signal_number) {
    if (error) return;
    TALLY_LOG_INFO("event=signal_received signal={}", signal_number);
    impl.BeginShutdown();
  });

  std::vector<std::thread> threads;
  for (auto& context : impl.contexts) {
    threads.emplace_back([context = context.get()] { context->run(); });
  }
  auto guard = asio::make_work_guard(impl.control);
  impl.control.run();
  for (auto& thread : threads) thread.join();
  if (impl.drainer.joinable()) impl.drainer.join();
  impl.workers->join();
  TALLY_LOG_INFO("event=server_stopped");
}

}  // namespace tally::http
