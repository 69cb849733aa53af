// Target: the RESP reader (session/redis/resp) as the gateway feeds it what a Redis server,
// or whatever answers in its place, sends.
// Input: any bytes, fed in pieces whose sizes come from the input itself.
//
// Invariants: no crash, no hang; every failure is a ProtocolError (never another exception);
// nothing is held without bound (the reader refuses more than 16 MiB pending or a million
// elements); feeding the same bytes in one piece or in many gives the same replies until
// the first error.
#include "session/redis/resp.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace redis = sekisho::session::redis;

namespace {

bool same(const redis::Reply& a, const redis::Reply& b) {
    if (a.type != b.type || a.integer != b.integer || a.text != b.text || a.elements.size() != b.elements.size())
        return false;
    for (std::size_t i = 0; i < a.elements.size(); ++i)
        if (!same(a.elements[i], b.elements[i])) return false;
    return true;
}

// Replies read until the first error; `failed` tells whether one came.
std::vector<redis::Reply> read_all(const std::string& bytes, std::size_t step, bool& failed) {
    redis::ReplyReader reader;
    std::vector<redis::Reply> out;
    failed = false;
    try {
        for (std::size_t at = 0; at < bytes.size(); at += step) {
            reader.feed(std::string_view(bytes).substr(at, step));
            while (auto r = reader.next()) out.push_back(std::move(*r));
        }
    } catch (const redis::ProtocolError&) {
        failed = true;
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::size_t step = 1 + data[0] % 16;
    const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);
    bool whole_failed = false, pieces_failed = false;
    const auto whole = read_all(bytes, bytes.size() + 1, whole_failed);
    const auto pieces = read_all(bytes, step, pieces_failed);
    // Pieces see an error no later than the whole; before it, the same replies in order.
    const std::size_t common = std::min(whole.size(), pieces.size());
    for (std::size_t i = 0; i < common; ++i)
        if (!same(whole[i], pieces[i])) __builtin_trap();
    if (!whole_failed && !pieces_failed && whole.size() != pieces.size()) __builtin_trap();
    return 0;
}
