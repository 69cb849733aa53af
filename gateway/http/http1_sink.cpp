#include "gateway/http/http1_sink.hpp"

#include "gateway/http/wire.hpp"

#include <boost/asio/write.hpp>

namespace sekisho::gateway {

void Http1Sink::arm() {
    beast::get_lowest_layer(stream_).expires_after(write_timeout_);
}

Task<boost::system::error_code> Http1Sink::write_response(Response& res) {
    boost::system::error_code ec;
    serializer_.reset(); // a relayed response that broke off: its message is gone
    arm();
    co_await http::async_write(stream_, res, awaitable_ec(ec));
    co_return ec;
}

Task<boost::system::error_code> Http1Sink::write_header(Relayed& res) {
    boost::system::error_code ec;
    serializer_.emplace(res);
    arm();
    co_await http::async_write_header(stream_, *serializer_, awaitable_ec(ec));
    if (ec || serializer_->is_done()) serializer_.reset();
    co_return ec;
}

// With a buffer_body, the serializer stops with need_buffer once the piece is out: that is
// the end of this piece, not an error. After the last piece it writes the final chunk.
// Nothing to do once the message is complete (a header-only response).
Task<boost::system::error_code> Http1Sink::write_body(Relayed& res) {
    boost::system::error_code ec;
    if (!serializer_) co_return ec;
    arm();
    co_await http::async_write(stream_, *serializer_, awaitable_ec(ec));
    if (ec == http::error::need_buffer) ec = {};
    if (!ec && !res.body().more && !serializer_->is_done()) {
        res.body().data = nullptr;
        res.body().size = 0;
        co_await http::async_write(stream_, *serializer_, awaitable_ec(ec));
    }
    if (ec || serializer_->is_done()) serializer_.reset();
    co_return ec;
}

// Header and body in one buffer and one write (one TLS record for a small answer).
Task<boost::system::error_code> Http1Sink::write_whole(Relayed& res) {
    boost::system::error_code ec;
    serializer_.reset();
    std::string wire = response_head_wire(res.base());
    if (res.body().data) wire.append(static_cast<const char*>(res.body().data), res.body().size);
    arm();
    co_await asio::async_write(stream_, asio::buffer(wire), awaitable_ec(ec));
    co_return ec;
}

} // namespace sekisho::gateway
