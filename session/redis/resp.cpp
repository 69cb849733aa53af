#include "session/redis/resp.hpp"

#include <hiredis/hiredis.h>

namespace sekisho::session::redis {
namespace {

// Bounds on what a server may make us hold: a reply's bytes still being received, and the
// elements of one array. A hostile or broken Redis ("$999999999999", "*2000000000") is a
// protocol error, never memory without bound. Our largest replies (a session list) stay far below.
constexpr std::size_t kMaxPendingBytes = 16 * 1024 * 1024;
constexpr int kMaxElements = 1'000'000;

// hiredis builds replies through these: straight into our Reply tree. A child lives in its
// parent's elements (sized when the parent was made); only the root is allocated alone.
Reply* place(const redisReadTask* task) {
    if (!task->parent) return new Reply();
    auto* parent = static_cast<Reply*>(task->parent->obj);
    return &parent->elements[static_cast<std::size_t>(task->idx)];
}

void* make_string(const redisReadTask* task, char* text, size_t len) {
    Reply* r = place(task);
    r->type = task->type == REDIS_REPLY_ERROR    ? Reply::Type::error
              : task->type == REDIS_REPLY_STATUS ? Reply::Type::status
                                                 : Reply::Type::text;
    r->text.assign(text, len);
    return r;
}

void* make_array(const redisReadTask* task, int elements) {
    if (elements < 0 || elements > kMaxElements) return nullptr; // hiredis reports it as an error
    Reply* r = place(task);
    r->type = Reply::Type::array;
    r->elements.resize(static_cast<std::size_t>(elements));
    return r;
}

void* make_integer(const redisReadTask* task, long long value) {
    Reply* r = place(task);
    r->type = Reply::Type::integer;
    r->integer = value;
    return r;
}

void* make_nil(const redisReadTask* task) {
    Reply* r = place(task);
    r->type = Reply::Type::nil;
    return r;
}

void free_reply(void* root) { delete static_cast<Reply*>(root); }

redisReplyObjectFunctions reply_functions{make_string, make_array, make_integer, make_nil, free_reply};

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

ReplyReader::ReplyReader() : reader_(redisReaderCreateWithFunctions(&reply_functions)) {
    if (!reader_) throw std::bad_alloc();
}

ReplyReader::~ReplyReader() = default;

void ReplyReader::feed(std::string_view bytes) {
    if (redisReaderFeed(reader_.get(), bytes.data(), bytes.size()) != REDIS_OK)
        throw ProtocolError(std::string("Redis protocol: ") + reader_->errstr);
    if (reader_->len - reader_->pos > kMaxPendingBytes)
        throw ProtocolError("Redis protocol: a reply larger than " + std::to_string(kMaxPendingBytes >> 20) + " MiB");
}

std::optional<Reply> ReplyReader::next() {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK)
        throw ProtocolError(std::string("Redis protocol: ") + reader_->errstr);
    if (!raw) return std::nullopt;
    std::unique_ptr<Reply> reply(static_cast<Reply*>(raw));
    return std::move(*reply);
}

} // namespace sekisho::session::redis
