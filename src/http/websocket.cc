#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <deque>

#include "core/json.h"
#include "core/log.h"
#include "http/websocket_session.h"

namespace tally::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace bj = boost::json;
using asio::awaitable;
using asio::use_awaitable;

namespace {

constexpr size_t kMaxInboundBytes = 64 * 1024;
constexpr size_t kMaxQueuedMessages = 1024;

// The client-safe text of `error`, with the faulty field when it names one:
// a WebSocket client has no other place to learn which field was wrong.
std::string ClientMessage(const Error& error) {
  if (error.fields.empty()) return error.message;
  return error.fields.front().field + ": " + error.fields.front().message;
}

class WebSocketSession final : public Subscriber, public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(beast::tcp_stream stream, Principal principal, Hub& hub, asio::any_io_executor workers,
                   uint64_t connection_id)
      : ws_(std::move(stream)),
        principal_(principal),
        hub_(hub),
        workers_(std::move(workers)),
        connection_id_(connection_id) {}

  // Called from any thread: hops onto the connection's executor to queue.
  void Deliver(std::shared_ptr<const std::string> message) override {
    asio::post(ws_.get_executor(), [self = shared_from_this(), message = std::move(message)] {
      self->Enqueue(message);
    });
  }

  awaitable<void> Run(beast::http::request<beast::http::string_body> upgrade) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(kMaxInboundBytes);
    beast::get_lowest_layer(ws_).expires_never();  // the websocket timeouts take over

    auto [accept_error] = co_await ws_.async_accept(upgrade, asio::as_tuple(use_awaitable));
    if (accept_error) co_return;
    TALLY_LOG_INFO("event=websocket_opened connection={} user_id={} project_id={}", connection_id_,
                   principal_.user_id, principal_.project_id);

    beast::flat_buffer buffer;
    for (;;) {
      auto [read_error, bytes] = co_await ws_.async_read(buffer, asio::as_tuple(use_awaitable));
      if (read_error) break;  // closed, timed out, too large or aborted: all end the session
      const std::string text = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      co_await HandleClientMessage(text);
    }

    hub_.UnsubscribeAll(this);
    TALLY_LOG_INFO("event=websocket_closed connection={}", connection_id_);
  }

 private:
  awaitable<void> HandleClientMessage(const std::string& text) {
    boost::system::error_code ec;
    bj::value parsed = bj::parse(text, ec);
    const bj::object* message = !ec && parsed.is_object() ? &parsed.as_object() : nullptr;
    const bj::value* type = message ? message->if_contains("type") : nullptr;
    const bj::value* topic = message ? message->if_contains("topic") : nullptr;
    if (!type || !type->is_string() || !topic || !topic->is_string()) {
      Reply(bj::object{{"type", "error"},
                       {"message", "Send {\"type\":\"subscribe\"|\"unsubscribe\",\"topic\":\"…\"} as JSON"}});
      co_return;
    }
    const std::string topic_name(topic->as_string());

    if (type->as_string() == "unsubscribe") {
      hub_.Unsubscribe(topic_name, this);
      Reply(bj::object{{"type", "unsubscribed"}, {"topic", topic_name}});
      co_return;
    }
    if (type->as_string() == "message") {
      // Passed to the topic's handler on the worker pool, which may write
      // the database; a failure goes back to this client alone.
      auto self = shared_from_this();
      auto handle = [self, topic_name, data = bj::value(message->contains("data") ? message->at("data") : nullptr)]()
          -> awaitable<std::string> {
        auto handled = self->hub_.HandleMessage(self->principal_, topic_name, data, self.get());
        co_return handled ? std::string() : ClientMessage(handled.error());
      };
      const std::string failure = co_await asio::co_spawn(workers_, std::move(handle), use_awaitable);
      if (!failure.empty()) Reply(bj::object{{"type", "error"}, {"topic", topic_name}, {"message", failure}});
      co_return;
    }
    if (type->as_string() != "subscribe") {
      Reply(bj::object{{"type", "error"},
                       {"topic", topic_name},
                       {"message", "Unknown type; use subscribe, unsubscribe or message"}});
      co_return;
    }

    // The topic check may read the database: run it on the worker pool. The
    // callable is a named local on purpose: GCC 12 destroys a lambda
    // temporary inside a co_await expression twice (a double free of its
    // captured string, seen in a crash here).
    auto self = shared_from_this();
    auto check = [self, topic_name]() -> awaitable<std::string> {
      auto subscribed = self->hub_.Subscribe(self->principal_, topic_name, self);
      co_return subscribed ? std::string() : ClientMessage(subscribed.error());
    };
    const std::string failure = co_await asio::co_spawn(workers_, std::move(check), use_awaitable);
    if (failure.empty()) {
      Reply(bj::object{{"type", "subscribed"}, {"topic", topic_name}});
    } else {
      Reply(bj::object{{"type", "error"}, {"topic", topic_name}, {"message", failure}});
    }
  }

  void Reply(const bj::object& body) { Enqueue(std::make_shared<const std::string>(json::Serialize(body))); }

  // Runs on the connection's executor.
  void Enqueue(std::shared_ptr<const std::string> message) {
    if (closing_) return;
    if (queue_.size() >= kMaxQueuedMessages) {
      // A subscriber this far behind would only grow memory: drop it.
      closing_ = true;
      TALLY_LOG_WARN("event=websocket_slow_consumer connection={} queued={}", connection_id_, queue_.size());
      ws_.async_close(websocket::close_reason(websocket::close_code::policy_error, "too slow"),
                      [self = shared_from_this()](boost::system::error_code) {});
      return;
    }
    queue_.push_back(std::move(message));
    if (!writing_) WriteNext();
  }

  void WriteNext() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(asio::buffer(*queue_.front()), [self = shared_from_this()](boost::system::error_code error, size_t) {
      self->queue_.pop_front();
      if (error || self->queue_.empty() || self->closing_) {
        self->writing_ = false;
        if (error) self->queue_.clear();
        return;
      }
      self->WriteNext();
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  Principal principal_;
  Hub& hub_;
  asio::any_io_executor workers_;
  uint64_t connection_id_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false;
  bool closing_ = false;
};

}  // namespace

void StartWebSocketSession(asio::ip::tcp::socket socket, beast::http::request<beast::http::string_body> upgrade,
                           Principal principal, Hub& hub, asio::any_io_executor workers, uint64_t connection_id) {
  auto executor = socket.get_executor();
  auto session = std::make_shared<WebSocketSession>(beast::tcp_stream(std::move(socket)), principal, hub,
                                                    std::move(workers), connection_id);
  asio::co_spawn(executor, [session, upgrade = std::move(upgrade)]() mutable { return session->Run(std::move(upgrade)); },
                 [connection_id](std::exception_ptr failure) {
                   if (!failure) return;
                   try {
                     std::rethrow_exception(failure);
                   } catch (const std::exception& exception) {
                     TALLY_LOG_ERROR("event=websocket_failed connection={} error=\"{}\"", connection_id, exception.what());
                   }
                 });
}

}  // namespace tally::http
