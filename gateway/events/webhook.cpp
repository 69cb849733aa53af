#include "gateway/events/webhook.hpp"

#include "gateway/events/log.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>

#include <stdexcept>

namespace sekisho::gateway {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
template <typename T>
using Task = asio::awaitable<T>;

constexpr int kAttempts = 5;

template <typename Stream>
Task<unsigned> post_on(Stream& stream, const std::string& host, const std::string& target, const std::string& json) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, host);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::user_agent, "sekisho-alerts");
    req.body() = json;
    req.prepare_payload();
    co_await http::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    co_await http::async_read(stream, buffer, res, asio::use_awaitable);
    co_return res.result_int();
}

} // namespace

Webhook::Webhook(std::string url, const std::string& key) : url_(std::move(url)) {
    auto parsed = boost::urls::parse_uri(url_);
    if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty())
        throw std::invalid_argument(key + " is not an http(s) URL with a host"); // not echoed: see shown_
    tls_ = parsed->scheme() == "https";
    host_ = std::string(parsed->host());
    port_ = parsed->has_port() ? std::string(parsed->port()) : (tls_ ? "443" : "80");
    shown_ = std::string(parsed->scheme()) + "://" + host_ + ":" + port_;
    target_ = parsed->encoded_target().empty() ? "/" : std::string(parsed->encoded_target());
    sender_.start([this] { run(); });
}

Webhook::~Webhook() {
    sender_.stop(); // what is still queued is not sent: a stopping gateway does not wait for it
}

void Webhook::post(std::string json) {
    sender_.push(std::move(json));
}

bool Webhook::deliver(const std::string& json, std::string& error) {
    // Declared before the io_context: frames abandoned by a timeout die with it.
    unsigned status = 0;
    std::exception_ptr failure;
    asio::io_context io;
    auto attempt = [&]() -> Task<void> {
        tcp::resolver resolver(io);
        auto endpoints = co_await resolver.async_resolve(host_, port_, asio::use_awaitable);
        if (!tls_) {
            beast::tcp_stream stream(io);
            co_await stream.async_connect(endpoints, asio::use_awaitable);
            status = co_await post_on(stream, host_, target_, json);
            co_return;
        }
        asio::ssl::context ctx(asio::ssl::context::tls_client);
        ctx.set_default_verify_paths();
        ctx.set_verify_mode(asio::ssl::verify_peer);
        ctx.set_verify_callback(asio::ssl::host_name_verification(host_));
        beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
        SSL_set_tlsext_host_name(stream.native_handle(), host_.c_str());
        co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
        co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
        status = co_await post_on(stream, host_, target_, json);
    };
    asio::co_spawn(io, attempt, [&](std::exception_ptr e) { failure = e; });
    io.run_for(std::chrono::seconds(15));
    if (failure) {
        try {
            std::rethrow_exception(failure);
        } catch (const std::exception& e) {
            error = e.what();
        }
        return false;
    }
    if (status == 0) {
        error = "no answer within 15 s";
        return false;
    }
    if (status < 200 || status >= 300) {
        error = "HTTP " + std::to_string(status);
        return false;
    }
    return true;
}

void Webhook::run() {
    while (const auto json = sender_.next()) {
        std::string error;
        bool delivered = false;
        for (int attempt = 1; attempt <= kAttempts && !delivered; ++attempt) {
            delivered = deliver(*json, error);
            if (delivered || attempt == kAttempts) break;
            if (sender_.pause(std::chrono::seconds(1 << (attempt - 1)))) return;
        }
        if (delivered)
            log_event(spdlog::level::info, "alert.delivered", {{"webhook", shown_}});
        else
            log_event(spdlog::level::err, "alert.delivery_failed",
                      {{"webhook", shown_}, {"attempts", std::to_string(kAttempts)}, {"reason", error}});
    }
}

} // namespace sekisho::gateway
