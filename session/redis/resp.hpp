// RESP2, the Redis wire protocol, without a transport: commands are formatted and replies
// parsed by hiredis (Debian's 0.14, whose own connection has no TLS); the bytes travel over
// our Asio connection (redis_connection.hpp). Replies are copied into plain values so that
// nothing of hiredis escapes this file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;

namespace sekisho::session::redis {

struct Reply {
    enum class Type { nil, integer, text, status, error, array };
    Type type = Type::nil;
    std::int64_t integer = 0;
    std::string text;            // bulk string, status or error message
    std::vector<Reply> elements; // array

    bool is_nil() const { return type == Type::nil; }
    bool is_error() const { return type == Type::error; }
};

// The RESP encoding of one command (binary-safe arguments).
std::string format_command(const std::vector<std::string>& argv);

// Thrown for bytes that are not RESP: the connection cannot be trusted any more.
struct ProtocolError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class ReplyReader {
public:
    ReplyReader();
    ~ReplyReader();
    ReplyReader(const ReplyReader&) = delete;
    ReplyReader& operator=(const ReplyReader&) = delete;

    void feed(std::string_view bytes);     // throws ProtocolError
    std::optional<Reply> next();           // a complete reply, if the bytes fed hold one; throws ProtocolError

private:
    struct Free {
        void operator()(redisReader* r) const;
    };
    std::unique_ptr<redisReader, Free> reader_;
};

} // namespace sekisho::session::redis
