#include "session/session_id.hpp"

#include "codec/sha256.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace sekisho::session {

namespace {
constexpr std::string_view base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
}

std::string new_session_id() {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("the random generator failed; no session id can be made");
    std::string out;
    out.reserve(kSessionIdChars);
    std::uint32_t acc = 0;
    int bits = 0;
    for (unsigned char b : bytes) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += base64url[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0) out += base64url[(acc << (6 - bits)) & 0x3f];
    return out;
}

std::string hash_session_id(std::string_view id) {
    return codec::sha256_hex(id);
}

bool is_well_formed_session_id(std::string_view id) {
    if (id.size() != kSessionIdChars) return false;
    for (char c : id)
        if (base64url.find(c) == std::string_view::npos) return false;
    return true;
}

} // namespace sekisho::session
