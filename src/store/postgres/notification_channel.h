// NotificationChannel: PostgreSQL LISTEN/NOTIFY on one channel, on a
// connection of its own, so processes sharing a database can pass each
// other small messages (the live-event relay of the WebSocket hub).
//
// One thread owns the connection: it sends queued payloads with pg_notify,
// waits for notifications and calls the handler for each one, this
// process's own included (the caller filters those). A lost connection is
// reopened with back-off and LISTEN is issued again. Notifications sent
// while it was down are lost, because PostgreSQL does not keep them.
//
// Delivery is at most once and best effort: a full send queue or a payload
// over kMaxPayloadBytes is dropped, and Notify() returns false.
//
// Thread-safety: Notify() may be called from any thread. The handler runs
// on the channel's thread and must not block for long.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.h"

struct pg_conn;

namespace tally::store {

class NotificationChannel {
 public:
  using Handler = std::function<void(std::string_view payload)>;

  // PostgreSQL rejects NOTIFY payloads of 8000 bytes or more.
  static constexpr size_t kMaxPayloadBytes = 7999;
  // Payloads waiting to be sent; beyond this, Notify() drops new ones.
  static constexpr size_t kMaxQueued = 10000;

  // Connects to `url`, listens on `channel` (a plain identifier) and starts
  // the thread. kUnavailable when the first connection fails;
  // kInvalidArgument for a channel that is not an identifier.
  [[nodiscard]] static Result<std::unique_ptr<NotificationChannel>> Open(const std::string& url, std::string channel,
                                                                         Handler handler);

  // Stops the thread and closes the connection; queued payloads are dropped.
  ~NotificationChannel();

  // Queues `payload` for every listener of the channel, this one included.
  // Returns false when it was dropped (too large, or the queue is full).
  bool Notify(std::string payload);

 private:
  NotificationChannel(std::string url, std::string channel, Handler handler);
  void Run(pg_conn* connection);  // takes ownership of the listening connection
  void DeliverPending(pg_conn* connection);  // calls the handler for each buffered notification

  const std::string url_;
  const std::string channel_;
  const Handler handler_;

  std::mutex mutex_;  // guards the members below
  std::deque<std::string> queue_;
  bool stopping_ = false;

  int wake_pipe_[2] = {-1, -1};  // written by Notify() to end the thread's wait
  std::thread thread_;
};

}  // namespace tally::store
