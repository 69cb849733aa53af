#include "gateway/tls/tls_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>

#include <openssl/err.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <stdexcept>

namespace sekisho::gateway {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;

namespace {

// OpenSSL's socket BIO writes with write(2), not send(MSG_NOSIGNAL) as Asio does: a peer
// gone away would raise SIGPIPE and kill the process. Ignored once per process, as nginx
// does; the write then fails with EPIPE.
void ignore_sigpipe_once() {
    static const bool done = [] {
        std::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
    (void)done;
}

} // namespace

TlsStream::TlsStream(asio::ip::tcp::socket socket, asio::ssl::context& context)
    : core_(std::make_shared<Core>(std::move(socket))), ssl_(SSL_new(context.native_handle())) {
    ignore_sigpipe_once();
    if (!ssl_) throw std::runtime_error("TLS: cannot create a connection object");
    SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    // A read and a write may be pending at once: neither may ever need the other direction.
    SSL_set_options(ssl_, SSL_OP_NO_RENEGOTIATION);
    // A whole burst of records per recv, instead of a recv for each header and each body.
    SSL_set_read_ahead(ssl_, 1);
    core_->socket.non_blocking(true);
    if (SSL_set_fd(ssl_, static_cast<int>(core_->socket.native_handle())) != 1) {
        SSL_free(ssl_);
        throw std::runtime_error("TLS: cannot attach the socket");
    }
    SSL_set_accept_state(ssl_);
}

TlsStream::~TlsStream() {
    SSL_free(ssl_);
    // A deadline wait already queued must neither re-arm nor keep the connection open.
    auto& c = *core_;
    ++c.generation;
    c.deadline = clock::time_point::max();
    error_code ignored;
    c.socket.close(ignored);
    c.timer.cancel();
}

void TlsStream::expires_after(clock::duration d) {
    auto& c = *core_;
    c.expired = false;
    c.deadline = clock::now() + d;
    // A later deadline leaves the armed wait alone; it re-arms itself when it fires early.
    if (!c.armed || c.timer.expiry() > c.deadline) arm(core_, c.deadline);
}

void TlsStream::expires_never() {
    core_->expired = false;
    core_->deadline = clock::time_point::max();
}

void TlsStream::cancel() {
    error_code ignored;
    core_->socket.cancel(ignored);
}

void TlsStream::arm(const std::shared_ptr<Core>& core, clock::time_point at) {
    core->timer.expires_at(at); // the wait it cancels sees an older generation and returns
    core->armed = true;
    const unsigned generation = ++core->generation;
    core->timer.async_wait([core, generation](const error_code& ec) {
        if (generation != core->generation) return;
        core->armed = false;
        if (ec || core->deadline == clock::time_point::max()) return;
        if (clock::now() < core->deadline) return arm(core, core->deadline);
        core->expired = true;
        error_code ignored;
        core->socket.cancel(ignored);
    });
}

bool TlsStream::InlineDepth::available() noexcept {
    return depth() < kMax;
}

int& TlsStream::InlineDepth::depth() noexcept {
    thread_local int depth = 0;
    return depth;
}

std::span<char> TlsStream::write_scratch() {
    thread_local std::array<char, 16384> scratch; // the largest TLS plaintext record
    return scratch;
}

TlsStream::error_code TlsStream::make_timeout() {
    return boost::beast::error::timeout;
}

TlsStream::Attempt TlsStream::attempt(Kind kind, Span span) {
    Attempt a;
    if ((kind == Kind::read || kind == Kind::write) && span.size == 0) return a;
    if (!core_->socket.is_open()) { // closed (a tunnel's end): its fd number may be another file's now
        broken_ = true;
        a.ec = asio::error::bad_descriptor;
        return a;
    }
    if (kind == Kind::shutdown && broken_) {
        a.ec = asio::error::not_connected; // after a fatal error OpenSSL must not send close_notify
        return a;
    }
    ERR_clear_error();
    errno = 0;
    int ret = 0;
    switch (kind) {
    case Kind::handshake:
        ret = SSL_do_handshake(ssl_);
        break;
    case Kind::read:
        ret = SSL_read_ex(ssl_, span.data, span.size, &a.bytes);
        break;
    case Kind::write:
        ret = SSL_write_ex(ssl_, span.data, span.size, &a.bytes);
        break;
    case Kind::shutdown:
        if (!close_notify_sent_) {
            ret = SSL_shutdown(ssl_);
            if (ret == 1) return a;
            if (ret == 0) close_notify_sent_ = true;
        }
        if (close_notify_sent_) { // wait for the peer's close_notify, dropping what comes first
            std::array<char, 4096> sink;
            std::size_t n = 0;
            while ((ret = SSL_read_ex(ssl_, sink.data(), sink.size(), &n)) == 1) {
                shutdown_drained_ += n;
                if (shutdown_drained_ > 65536) { // a client still sending: no more waiting for it
                    a.ec = asio::error::connection_aborted;
                    return a;
                }
            }
            if (SSL_get_error(ssl_, ret) == SSL_ERROR_ZERO_RETURN) {
                ERR_clear_error();
                return a;
            }
        }
        break;
    }
    if (ret == 1) return a;
    const int saved_errno = errno;
    switch (SSL_get_error(ssl_, ret)) {
    case SSL_ERROR_WANT_READ:
        a.then = Attempt::Then::wait_read;
        break;
    case SSL_ERROR_WANT_WRITE:
        a.then = Attempt::Then::wait_write;
        break;
    case SSL_ERROR_ZERO_RETURN: // the peer's close_notify
        a.ec = asio::error::eof;
        break;
    case SSL_ERROR_SYSCALL:
        broken_ = true;
        a.ec = saved_errno ? error_code(saved_errno, boost::system::system_category())
                           : error_code(asio::ssl::error::stream_truncated);
        break;
    default: {
        broken_ = true;
        const unsigned long e = ERR_get_error();
        if (ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
            a.ec = asio::ssl::error::stream_truncated; // TCP ended without close_notify
        else if (e != 0)
            a.ec = error_code(static_cast<int>(e), asio::error::get_ssl_category());
        else
            a.ec = asio::ssl::error::unspecified_system_error;
        break;
    }
    }
    ERR_clear_error();
    a.bytes = 0;
    return a;
}

} // namespace sekisho::gateway
