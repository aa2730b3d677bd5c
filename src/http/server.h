// The HTTP/1.1 server on Boost.Beast: accepts connections, reads requests
// with limits and deadlines, hands them to the Dispatcher and writes answers.
//
// Threads: `io_threads` threads each run their own io_context; one acceptor
// hands connections to them in turn, so no IO thread shares a queue with
// another (a shared io_context measured 0.73× of one thread here). Handlers marked Dispatch::kPool run on a pool of
// `worker_threads`; when `max_queued` requests already wait for it, new ones
// are answered 503 with Retry-After instead of queueing without bound.
//
// Shutdown: Shutdown() (or SIGINT/SIGTERM inside Run) stops accepting, answers
// any new request 503 with Connection: close, waits up to `drain_timeout` for
// requests in flight to finish, then closes every connection.
//
// WebSocket upgrades at /api/ws are authenticated like any request (a browser
// session must also come from the same origin) and handed to the Hub.
//
// Only server.cc and websocket.cc include Beast and Asio.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/dispatcher.h"

namespace tally::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                  // 0 picks a free port (tests)
  int io_threads = 1;                    // threads reading and writing sockets
  int worker_threads = 4;                // threads running kPool handlers
  int max_queued = 512;                  // kPool requests waiting before 503
  size_t header_limit = 16 * 1024;       // bytes of request line and headers; more gets 431
  std::chrono::seconds idle_timeout{60}; // keep-alive wait for the next request's headers
  std::chrono::seconds read_timeout{30}; // time to receive headers once started, and the body
  std::chrono::seconds write_timeout{60};
  std::chrono::seconds drain_timeout{10};
  bool access_log = true;                // one info line per request
  int64_t max_connections = 10000;       // open connections; more get 503 and are closed
  // Directory for the large bodies of routes with spool_body. Empty means
  // the system's temporary directory.
  std::string spool_dir;
  size_t spool_threshold = 8 << 20;      // bytes from which such a body goes to a file
  // Lingering close: when the server closes a connection after a response
  // while request bytes are still unread (413, a handler that rejected a
  // streamed body early), it stops sending and discards what the client
  // still sends until the client closes. Closing at once would make the
  // kernel send a reset in reply to those bytes, and a client still sending
  // would fail with it before reading the response. These caps end the
  // wait, and then a client still sending may get that reset.
  std::chrono::seconds linger_timeout{5};       // total time to wait for the client to finish
  std::chrono::seconds linger_idle_timeout{2};  // time without any byte from the client
  size_t linger_max_bytes = size_t{256} << 20;  // bytes discarded at most
  // Large bodies of a route's stream_body_types: the server reads this many
  // bytes first. A client that sent them at stream_min_rate or faster has
  // the rest streamed to the handler while it arrives. A slower client's body
  // is spooled to a file first, as for spool_body routes, so it never holds
  // a pool thread (or a database write lock the handler takes) while it
  // sends. 0 streams every such body at once.
  size_t stream_read_ahead = 8 << 20;
  double stream_min_rate = 32 << 20;     // bytes per second
  // While a body streams: the longest wait for the next bytes, and the
  // socket time after which the body must have averaged stream_min_rate / 8.
  std::chrono::seconds stream_stall_timeout{5};
};

class Hub;

class Server {
 public:
  // `hub`, when given, serves WebSocket upgrades at /api/ws.
  Server(Dispatcher& dispatcher, ServerOptions options, Hub* hub = nullptr);
  ~Server();

  // Binds and listens. Fails with kUnavailable naming the address when it is
  // taken or cannot be bound.
  [[nodiscard]] Result<void> Start();

  // The bound port (useful when options.port was 0).
  uint16_t port() const;

  // The maximum number of bytes of one streamed request body (Route::stream_body_types)
  // that were read from the socket and not yet taken by the handler, over
  // every request so far.
  size_t MaxQueuedBodyBytesForTest() const;

  // Runs until Shutdown() or SIGINT/SIGTERM, then drains and returns.
  void Run();

  // Starts a graceful shutdown; safe from any thread and from signal context
  // through Run's signal handling.
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tally::http
