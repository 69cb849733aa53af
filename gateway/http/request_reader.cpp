#include "gateway/http/request_reader.hpp"

namespace sekisho::gateway {

Task<HeaderRead> read_header_block(ClientStream& stream, beast::flat_buffer& buffer,
                                   const config::Config& cfg, bool first_request) {
    auto& tcp = beast::get_lowest_layer(stream);
    // An idle kept-alive connection waits keepalive_idle for a new request; once a request
    // has begun, its whole header must arrive within request_header (slowloris).
    bool header_clock_started = first_request || buffer.size() > 0;
    tcp.expires_after(header_clock_started ? cfg.timeouts.request_header : cfg.timeouts.keepalive_idle);
    for (;;) {
        std::string_view data(static_cast<const char*>(buffer.data().data()), buffer.size());
        if (auto end = data.find("\r\n\r\n"); end != std::string_view::npos) {
            if (end + 4 > cfg.limits.max_header_bytes) break;
            co_return HeaderRead{end + 4, std::nullopt, false};
        }
        if (data.size() > cfg.limits.max_header_bytes) break;
        boost::system::error_code ec;
        if (buffer.size() == 0) {
            // Between requests a connection holds no buffer: it is given back, and taken
            // again when the next request's bytes are there (5,000 idle terminals, 20 MiB).
            buffer.shrink_to_fit();
            co_await stream.async_wait_readable(awaitable_ec(ec));
        }
        std::size_t n = 0;
        if (!ec) n = co_await stream.async_read_some(buffer.prepare(4096), awaitable_ec(ec));
        buffer.commit(n);
        if (ec) {
            if (ec == beast::error::timeout && buffer.size() > 0)
                co_return HeaderRead{0,
                                     Rejection{http::status::request_timeout, RequestRejection::timeout,
                                               "request header not complete in time"},
                                     false};
            co_return HeaderRead{0, std::nullopt, true};
        }
        if (!header_clock_started) { // the first byte of a request starts its header clock
            header_clock_started = true;
            tcp.expires_after(cfg.timeouts.request_header);
        }
    }
    co_return HeaderRead{0,
                         Rejection{http::status::request_header_fields_too_large,
                                   RequestRejection::header_too_large,
                                   "request header larger than limits.max_header_bytes"},
                         false};
}

} // namespace sekisho::gateway
