// The Beast types the gateway speaks in, named once.
#pragma once

#include "gateway/tls/tls_stream.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

namespace sekisho::gateway {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

// A terminal's connection: TLS straight on the socket (see tls_stream.hpp).
using ClientStream = TlsStream;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

template <typename T>
using Task = asio::awaitable<T>;

// Completion token for co_await that reports failure in ec instead of throwing.
inline auto awaitable_ec(boost::system::error_code& ec) {
    return asio::redirect_error(asio::use_awaitable, ec);
}

} // namespace sekisho::gateway
