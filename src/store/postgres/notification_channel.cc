#include "store/postgres/notification_channel.h"

#include <libpq-fe.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "core/log.h"

namespace tally::store {

namespace {

bool IsIdentifier(std::string_view text) {
  if (text.empty() || text.size() > 63 || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) {
    return false;
  }
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// Connects and issues LISTEN; nullptr (and a warning) on failure.
PGconn* ConnectAndListen(const std::string& url, const std::string& channel) {
  PGconn* connection = PQconnectdb(url.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    TALLY_LOG_WARN("event=notification_channel_connect_failed url={} error=\"{}\"", RedactUrl(url),
                   PQerrorMessage(connection));
    PQfinish(connection);
    return nullptr;
  }
  PQsetNoticeProcessor(connection, [](void*, const char*) {}, nullptr);
  PGresult* result = PQexec(connection, ("LISTEN " + channel).c_str());
  const bool listening = PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  if (!listening) {
    TALLY_LOG_WARN("event=notification_channel_listen_failed channel={} error=\"{}\"", channel,
                   PQerrorMessage(connection));
    PQfinish(connection);
    return nullptr;
  }
  return connection;
}

}  // namespace

NotificationChannel::NotificationChannel(std::string url, std::string channel, Handler handler)
    : url_(std::move(url)), channel_(std::move(channel)), handler_(std::move(handler)) {}

Result<std::unique_ptr<NotificationChannel>> NotificationChannel::Open(const std::string& url, std::string channel,
                                                                       Handler handler) {
  if (!IsIdentifier(channel)) return Error::InvalidField("channel", "Use a plain identifier such as tally_hub");
  // Listen before returning: a wrong URL fails the start, and every
  // notification sent after Open() returns is heard.
  PGconn* connection = ConnectAndListen(url, channel);
  if (!connection) return Error::Unavailable("Cannot listen for notifications on the database; check --database-url");

  std::unique_ptr<NotificationChannel> opened(new NotificationChannel(url, std::move(channel), std::move(handler)));
  if (pipe2(opened->wake_pipe_, O_NONBLOCK | O_CLOEXEC) != 0) {
    PQfinish(connection);
    return Error::Internal("pipe2 failed for the channel");
  }
  opened->thread_ = std::thread([raw = opened.get(), connection] { raw->Run(connection); });
  return opened;
}

NotificationChannel::~NotificationChannel() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  if (wake_pipe_[1] >= 0) (void)!write(wake_pipe_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  for (int fd : wake_pipe_) {
    if (fd >= 0) close(fd);
  }
}

bool NotificationChannel::Notify(std::string payload) {
  if (payload.size() > kMaxPayloadBytes) return false;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= kMaxQueued) return false;
    queue_.push_back(std::move(payload));
  }
  (void)!write(wake_pipe_[1], "x", 1);
  return true;
}

void NotificationChannel::Run(pg_conn* connection) {
  auto backoff = std::chrono::milliseconds(100);
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }

    // (Re)connect with back-off; sends queued meanwhile wait.
    if (!connection) {
      connection = ConnectAndListen(url_, channel_);
      if (!connection) {
        pollfd wake{wake_pipe_[0], POLLIN, 0};
        poll(&wake, 1, static_cast<int>(backoff.count()));
        backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
        continue;
      }
      backoff = std::chrono::milliseconds(100);
    }

    // Send everything queued.
    std::deque<std::string> outgoing;
    {
      std::lock_guard lock(mutex_);
      outgoing.swap(queue_);
    }
    for (const std::string& payload : outgoing) {
      const char* values[2] = {channel_.c_str(), payload.c_str()};
      PGresult* result = PQexecParams(connection, "SELECT pg_notify($1, $2)", 2, nullptr, values, nullptr, nullptr, 0);
      if (PQresultStatus(result) != PGRES_TUPLES_OK) {
        TALLY_LOG_WARN("event=notification_send_failed channel={} bytes={} error=\"{}\"", channel_, payload.size(),
                       PQerrorMessage(connection));
      }
      PQclear(result);
    }

    // Hand out what the sends already read, wait for more or a wake-up,
    // then hand out what arrived.
    DeliverPending(connection);
    pollfd fds[2] = {{PQsocket(connection), POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    poll(fds, 2, 1000);
    if (fds[1].revents & POLLIN) {
      char drain[64];
      while (read(wake_pipe_[0], drain, sizeof drain) > 0) {
      }
    }
    if (!PQconsumeInput(connection) || PQstatus(connection) != CONNECTION_OK) {
      TALLY_LOG_WARN("event=notification_channel_lost channel={} error=\"{}\"", channel_, PQerrorMessage(connection));
      PQfinish(connection);
      connection = nullptr;
      continue;
    }
    DeliverPending(connection);
  }
  if (connection) PQfinish(connection);
}

void NotificationChannel::DeliverPending(pg_conn* connection) {
  while (PGnotify* notification = PQnotifies(connection)) {
    handler_(notification->extra ? std::string_view(notification->extra) : std::string_view());
    PQfreemem(notification);
  }
}

}  // namespace tally::store
