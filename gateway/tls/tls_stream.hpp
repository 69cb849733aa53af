// The server side of a TLS connection, OpenSSL straight on the socket.
//
// Boost.Asio's ssl::stream runs OpenSSL through a BIO pair and keeps two fixed 17 KiB
// buffers of its own: 68 KiB per connection, busy or idle, and two copies of every record.
// Here OpenSSL reads and writes the non-blocking socket itself (SSL_set_fd); when it wants
// to read or write, the operation waits for the socket to be ready and tries again. With
// SSL_MODE_RELEASE_BUFFERS an idle connection holds no record buffer at all.
//
// It is a Beast stream (async_read_some / async_write_some) with beast::tcp_stream's
// deadline: expires_after() covers every operation started until the next call; at the
// deadline the pending operations end with beast::error::timeout, and so does every later
// one until the deadline is set again. beast::get_lowest_layer() of it is itself.
//
// One read and one write may be pending at the same time (a WebSocket tunnel), on one
// thread: the stream is not thread-safe, like every Asio I/O object. The first stream
// sets SIGPIPE to ignored for the process (OpenSSL writes with write(2)).
#pragma once

#include <boost/asio/append.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <span>

namespace sekisho::gateway {

class TlsStream {
public:
    using executor_type = boost::asio::ip::tcp::socket::executor_type;
    using error_code = boost::system::error_code;

    // Takes the accepted socket; the handshake is the server's. Throws when OpenSSL cannot
    // make the connection object (out of memory).
    TlsStream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& context);
    ~TlsStream();
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    executor_type get_executor() noexcept { return core_->socket.get_executor(); }
    SSL* native_handle() noexcept { return ssl_; }
    boost::asio::ip::tcp::socket& socket() noexcept { return core_->socket; }

    void expires_after(std::chrono::steady_clock::duration d);
    void expires_never();
    // Ends the pending operations with operation_aborted.
    void cancel();

    template <typename Token>
    auto async_handshake(Token&& token) {
        return async_step<void(error_code)>(Kind::handshake, {}, std::forward<Token>(token));
    }
    // Sends close_notify and waits for the peer's (or its end of the stream).
    template <typename Token>
    auto async_shutdown(Token&& token) {
        return async_step<void(error_code)>(Kind::shutdown, {}, std::forward<Token>(token));
    }
    // Reads into the first non-empty buffer of the sequence.
    template <typename MutableBuffers, typename Token>
    auto async_read_some(const MutableBuffers& buffers, Token&& token) {
        boost::asio::mutable_buffer first;
        for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers); ++it)
            if (boost::asio::mutable_buffer b(*it); b.size() > 0) {
                first = b;
                break;
            }
        return async_step<void(error_code, std::size_t)>(Kind::read, Span{first.data(), first.size()},
                                                          std::forward<Token>(token));
    }
    // Completes when a read would find something: bytes OpenSSL holds already, or the socket
    // readable. An idle connection waits here with no read buffer at all.
    template <typename Token>
    auto async_wait_readable(Token&& token) {
        auto attempter = [waited = false](TlsStream& s) mutable {
            Attempt a;
            if (!waited && SSL_has_pending(s.ssl_) == 0) a.then = Attempt::Then::wait_read;
            waited = true;
            return a;
        };
        return async_compose_op<void(error_code)>(std::move(attempter), std::forward<Token>(token));
    }
    // Writes from the sequence; several buffers (an HTTP header and a body) go out in one
    // TLS record of up to 16 KiB instead of one record each.
    template <typename ConstBuffers, typename Token>
    auto async_write_some(const ConstBuffers& buffers, Token&& token) {
        // The sequence object is copied: Beast hands over temporaries.
        auto attempter = [buffers](TlsStream& s) { return s.attempt(Kind::write, gather(buffers, write_scratch())); };
        return async_compose_op<void(error_code, std::size_t)>(std::move(attempter), std::forward<Token>(token));
    }

private:
    enum class Kind { handshake, read, write, shutdown };
    struct Span {
        void* data = nullptr;
        std::size_t size = 0;
    };
    // What one write sends: the single non-empty buffer as it is, or up to a TLS record's
    // worth of several copied into scratch. The same sequence always gives the same bytes,
    // so a retried SSL_write sees what the first attempt saw.
    template <typename ConstBuffers>
    static Span gather(const ConstBuffers& buffers, std::span<char> scratch) {
        // One pass: Beast's buffer sequences (a buffer per header field) are slow to walk.
        // The first buffer is copied only once a second one shows it is not alone.
        boost::asio::const_buffer first;
        std::size_t copied = 0;
        for (auto it = boost::asio::buffer_sequence_begin(buffers), end = boost::asio::buffer_sequence_end(buffers);
             it != end && copied < scratch.size(); ++it) {
            const boost::asio::const_buffer b(*it);
            if (b.size() == 0) continue;
            if (first.size() == 0) {
                first = b;
                if (b.size() >= scratch.size()) break;
                continue;
            }
            if (copied == 0) copied = boost::asio::buffer_copy(boost::asio::buffer(scratch.data(), scratch.size()), first);
            copied += boost::asio::buffer_copy(boost::asio::buffer(scratch.data() + copied, scratch.size() - copied), b);
        }
        if (copied == 0) return {const_cast<void*>(first.data()), first.size()};
        return {scratch.data(), copied};
    }
    // One per thread: an attempt copies into it and writes from it before returning.
    static std::span<char> write_scratch();

    // What one attempt of an operation came to.
    struct Attempt {
        enum class Then { complete, wait_read, wait_write } then = Then::complete;
        error_code ec;
        std::size_t bytes = 0;
    };
    Attempt attempt(Kind kind, Span span);
    bool expired() const noexcept { return core_->expired; }

    // How many completions run inline, one inside the other, on this thread right now.
    struct InlineDepth {
        static constexpr int kMax = 8;
        static bool available() noexcept;
        InlineDepth() noexcept { ++depth(); }
        ~InlineDepth() { --depth(); }
        InlineDepth(const InlineDepth&) = delete;
        InlineDepth& operator=(const InlineDepth&) = delete;
        static int& depth() noexcept;
    };

    // Runs attempts until one completes, waiting for the socket in between. An attempt that
    // completes at once is delivered through dispatch on the stream's executor: inline when
    // the caller runs on it (the connection's own thread), as a continuation of the caller.
    template <typename Signature, typename Attempter>
    struct Op {
        TlsStream* stream;
        Attempter attempter;
        enum class Phase { start, waiting, deliver } phase = Phase::start;

        template <typename Self>
        void operator()(Self& self, error_code ec = {}, std::size_t bytes = 0) {
            if (phase == Phase::deliver) return finish(self, ec, bytes);
            if (phase == Phase::waiting && ec) {
                if (stream->expired()) ec = make_timeout();
                return finish(self, ec, 0);
            }
            Attempt a;
            if (stream->expired()) a.ec = make_timeout();
            else a = attempter(*stream);
            if (a.then != Attempt::Then::complete) {
                phase = Phase::waiting;
                auto& socket = stream->socket();
                socket.async_wait(a.then == Attempt::Then::wait_read ? socket.wait_read : socket.wait_write,
                                  std::move(self));
                return;
            }
            if (phase == Phase::start) {
                // Done at once (the bytes were there, the socket took them). The caller goes
                // on now, on this thread, instead of behind every handler the reactor queued:
                // under load each such round waits for the other connections' handshakes
                // (docs/benchmarks.md, resumed handshakes). Nested at most InlineDepth::kMax
                // deep, so a loop of immediate completions cannot grow the stack.
                phase = Phase::deliver;
                auto executor = stream->get_executor();
                if (InlineDepth::available()) {
                    const InlineDepth nested;
                    boost::asio::dispatch(executor, boost::asio::append(std::move(self), a.ec, a.bytes));
                } else {
                    boost::asio::post(executor, boost::asio::append(std::move(self), a.ec, a.bytes));
                }
                return;
            }
            finish(self, a.ec, a.bytes);
        }

        template <typename Self>
        static void finish(Self& self, error_code ec, std::size_t bytes) {
            if constexpr (std::is_same_v<Signature, void(error_code)>) self.complete(ec);
            else self.complete(ec, bytes);
        }
    };
    static error_code make_timeout();

    template <typename Signature, typename Token>
    auto async_step(Kind kind, Span span, Token&& token) {
        auto attempter = [kind, span](TlsStream& s) { return s.attempt(kind, span); };
        return async_compose_op<Signature>(std::move(attempter), std::forward<Token>(token));
    }
    template <typename Signature, typename Attempter, typename Token>
    auto async_compose_op(Attempter attempter, Token&& token) {
        return boost::asio::async_compose<Token, Signature>(Op<Signature, Attempter>{this, std::move(attempter)},
                                                            token, core_->socket);
    }

    struct Core {
        explicit Core(boost::asio::ip::tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}
        boost::asio::ip::tcp::socket socket;
        boost::asio::steady_timer timer;
        std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
        bool armed = false;   // a wait on the timer is pending
        bool expired = false; // the deadline passed: operations fail until it is set again
        unsigned generation = 0;
    };
    static void arm(const std::shared_ptr<Core>& core, std::chrono::steady_clock::time_point at);

    // The deadline timer (and the closed socket object) outlive the stream until the timer's
    // last handler has run, so a deadline that fires as the connection ends touches nothing
    // freed.
    std::shared_ptr<Core> core_;
    SSL* ssl_ = nullptr;
    bool broken_ = false;            // a fatal error: no close_notify any more
    bool close_notify_sent_ = false; // shutdown waits for the peer's
    std::size_t shutdown_drained_ = 0; // application bytes dropped while waiting for it
};

} // namespace sekisho::gateway
