#include "credentials/ticket_code.hpp"

#include "codec/random.hpp"
#include "codec/sha256.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace sekisho::credentials {

namespace {

constexpr std::string_view kAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
constexpr std::size_t kCodeLength = 20;
constexpr std::size_t kGroupLength = 5;

} // namespace

std::string generate_ticket_code() {
    // Rejection sampling keeps every symbol equally likely (256 is not a multiple of 31).
    constexpr unsigned kLimit = 256 - 256 % kAlphabet.size();
    std::string symbols;
    while (symbols.size() < kCodeLength) {
        for (unsigned char c : codec::random_bytes(kCodeLength)) {
            if (c < kLimit && symbols.size() < kCodeLength) symbols += kAlphabet[c % kAlphabet.size()];
        }
    }
    std::string grouped;
    for (std::size_t i = 0; i < symbols.size(); ++i) {
        if (i > 0 && i % kGroupLength == 0) grouped += '-';
        grouped += symbols[i];
    }
    return grouped;
}

std::string normalize_ticket_code(std::string_view typed) {
    std::string out;
    out.reserve(typed.size());
    for (char c : typed) {
        if (c == '-' || c == ' ') continue;
        out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return out;
}

std::string hash_ticket_code(std::string_view ticket_id, std::string_view typed_code, std::string_view salt) {
    std::string input(salt);
    input.append(ticket_id).append(":").append(normalize_ticket_code(typed_code));
    std::string hash;
    try {
        hash = codec::sha256_hex(input);
    } catch (const std::exception& e) {
        OPENSSL_cleanse(input.data(), input.size());
        throw std::runtime_error("cannot hash the code of ticket " + std::string(ticket_id) + ": " + e.what());
    }
    OPENSSL_cleanse(input.data(), input.size());
    return hash;
}

bool ticket_code_matches(std::string_view ticket_id, std::string_view typed_code, std::string_view salt,
                         std::string_view expected_hash_hex) {
    std::string actual = hash_ticket_code(ticket_id, typed_code, salt);
    // Both are hex SHA-256 of fixed length; a stored value of another length never matches.
    if (actual.size() != expected_hash_hex.size()) return false;
    return CRYPTO_memcmp(actual.data(), expected_hash_hex.data(), actual.size()) == 0;
}

} // namespace sekisho::credentials
