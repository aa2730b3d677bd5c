// A WebSocket connection subscribed to Hub topics. Internal to the server:
// only server.cc and websocket.cc include this header (it brings Beast).
//
// Protocol (JSON text frames):
//   client → {"type":"subscribe","topic":"project:12:traces"}
//   client → {"type":"unsubscribe","topic":"…"}
//   client → {"type":"message","topic":"…","data":…} to a subscribed topic
//            whose TopicHandler takes messages (hub.h)
//   server → {"type":"subscribed","topic":"…"} or
//            {"type":"error","topic":"…","message":"…"}
//   server → {"type":"event","topic":"…","data":{…}} for each published event
//
// Limits: inbound messages over 64 KiB close the connection (1009); a
// subscriber whose outbound queue reaches 1,024 messages is closed with 1008
// (policy) rather than buffering without bound. Pings keep idle connections
// alive and detect dead peers (Beast's suggested server timeouts).
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/hub.h"

namespace tally::http {

// Takes over `socket` after the HTTP upgrade request `upgrade` was read and
// authorized, completes the handshake and serves the connection until it
// closes. `workers` runs subscription checks, which may read the database.
void StartWebSocketSession(boost::asio::ip::tcp::socket socket,
                           boost::beast::http::request<boost::beast::http::string_body> upgrade, Principal principal,
                           Hub& hub, boost::asio::any_io_executor workers, uint64_t connection_id);

}  // namespace tally::http
