#include "gateway/http/http1_sink.hpp"

namespace sekisho::gateway {

void Http1Sink::arm() {
    beast::get_lowest_layer(stream_).expires_after(write_timeout_);
}

Task<boost::system::error_code> Http1Sink::write_response(Response& res) {
    boost::system::error_code ec;
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

Task<boost::system::error_code> Http1Sink::write_whole(Relayed& res) {
    serializer_.emplace(res);
    co_return co_await write_body(res);
}

} // namespace sekisho::gateway
