#include "pki/random.hpp"

#include "codec/random.hpp"

#include "pki/ossl.hpp"

#include <openssl/rand.h>

#include <string_view>

namespace sekisho::pki {

std::string random_password(std::size_t length) {
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // Rejection sampling keeps every character equally likely (256 % 62 != 0).
    constexpr unsigned kLimit = 256 - 256 % kAlphabet.size();
    std::string out;
    while (out.size() < length) {
        for (unsigned char c : codec::random_bytes(length)) {
            if (c < kLimit && out.size() < length) out += kAlphabet[c % kAlphabet.size()];
        }
    }
    return out;
}

} // namespace sekisho::pki
