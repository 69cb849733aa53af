#include "session/redis/resp.hpp"

#include <hiredis/hiredis.h>

namespace sekisho::session::redis {
namespace {

Reply copy_reply(const redisReply& r) {
    Reply out;
    switch (r.type) {
    case REDIS_REPLY_INTEGER:
        out.type = Reply::Type::integer;
        out.integer = r.integer;
        break;
    case REDIS_REPLY_STRING:
        out.type = Reply::Type::text;
        out.text.assign(r.str, r.len);
        break;
    case REDIS_REPLY_STATUS:
        out.type = Reply::Type::status;
        out.text.assign(r.str, r.len);
        break;
    case REDIS_REPLY_ERROR:
        out.type = Reply::Type::error;
        out.text.assign(r.str, r.len);
        break;
    case REDIS_REPLY_ARRAY:
        out.type = Reply::Type::array;
        out.elements.reserve(r.elements);
        for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(copy_reply(*r.element[i]));
        break;
    default: // REDIS_REPLY_NIL
        break;
    }
    return out;
}

} // namespace

std::string format_command(const std::vector<std::string>& argv) {
    std::vector<const char*> args;
    std::vector<std::size_t> lengths;
    for (const auto& a : argv) {
        args.push_back(a.data());
        lengths.push_back(a.size());
    }
    char* target = nullptr;
    const int n = redisFormatCommandArgv(&target, static_cast<int>(args.size()), args.data(), lengths.data());
    if (n < 0 || !target) throw std::bad_alloc();
    std::string out(target, static_cast<std::size_t>(n));
    redisFreeCommand(target);
    return out;
}

void ReplyReader::Free::operator()(redisReader* r) const { redisReaderFree(r); }

ReplyReader::ReplyReader() : reader_(redisReaderCreate()) {
    if (!reader_) throw std::bad_alloc();
}

ReplyReader::~ReplyReader() = default;

void ReplyReader::feed(std::string_view bytes) {
    if (redisReaderFeed(reader_.get(), bytes.data(), bytes.size()) != REDIS_OK)
        throw ProtocolError(std::string("Redis protocol: ") + reader_->errstr);
}

std::optional<Reply> ReplyReader::next() {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK)
        throw ProtocolError(std::string("Redis protocol: ") + reader_->errstr);
    if (!raw) return std::nullopt;
    std::unique_ptr<redisReply, void (*)(void*)> reply(static_cast<redisReply*>(raw), freeReplyObject);
    return copy_reply(*reply);
}

} // namespace sekisho::session::redis
