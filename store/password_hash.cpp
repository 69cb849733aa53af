#include "store/password_hash.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

namespace sekisho::store {

namespace {

std::string describe(const Argon2Params& params) {
    return "m=" + std::to_string(params.memory_kib) + ",t=" + std::to_string(params.iterations) +
           ",p=" + std::to_string(params.parallelism);
}

std::string random_salt() {
    std::string salt(kPasswordSaltBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size())) != 1) {
        throw PasswordHashError("password hashing: the random number generator (OpenSSL RAND_bytes) failed");
    }
    return salt;
}

// Reads "<key>=<decimal>" at the front of text and advances past it.
bool take_number(std::string_view& text, std::string_view key, std::uint32_t& value) {
    if (text.substr(0, key.size()) != key) return false;
    text.remove_prefix(key.size());
    const char* end = text.data() + text.size();
    auto [next, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || next == text.data()) return false;
    text.remove_prefix(static_cast<std::size_t>(next - text.data()));
    return true;
}

bool take_literal(std::string_view& text, std::string_view literal) {
    if (text.substr(0, literal.size()) != literal) return false;
    text.remove_prefix(literal.size());
    return true;
}

// Unpadded standard base64 of exactly `bytes` bytes, as libargon2 encodes salt and tag.
bool is_base64(std::string_view text, std::size_t bytes) {
    auto allowed = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
               c == '/';
    };
    return text.size() == (bytes * 4 + 2) / 3 && std::all_of(text.begin(), text.end(), allowed);
}

} // namespace

std::string hash_password(std::string_view password, const Argon2Params& params) {
    const std::string salt = random_salt();
    std::size_t length = argon2_encodedlen(params.iterations, params.memory_kib, params.parallelism,
                                           kPasswordSaltBytes, kPasswordTagBytes, Argon2_id);
    std::vector<char> encoded(length + 1, '\0');
    int rc = argon2id_hash_encoded(params.iterations, params.memory_kib, params.parallelism, password.data(),
                                   password.size(), salt.data(), salt.size(), kPasswordTagBytes,
                                   encoded.data(), encoded.size());
    if (rc != ARGON2_OK) {
        throw PasswordHashError("password hashing: Argon2id with " + describe(params) +
                                " failed: " + argon2_error_message(rc) +
                                " (check the password hashing parameters in the configuration)");
    }
    return std::string(encoded.data());
}

bool verify_password(std::string_view password, const std::string& encoded) noexcept {
    // libargon2 decodes the parameters from the text itself and rejects anything malformed
    // (ARGON2_DECODING_FAIL and friends); only ARGON2_OK means the password matches.
    if (encoded.rfind("$argon2id$", 0) != 0) return false;
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool needs_rehash(const std::string& encoded, const Argon2Params& params) {
    std::string_view text = encoded;
    std::uint32_t version = 0, memory = 0, iterations = 0, parallelism = 0;
    bool parsed = take_literal(text, "$argon2id$") && take_number(text, "v=", version) &&
                  take_literal(text, "$") && take_number(text, "m=", memory) && take_literal(text, ",") &&
                  take_number(text, "t=", iterations) && take_literal(text, ",") &&
                  take_number(text, "p=", parallelism) && take_literal(text, "$");
    if (!parsed || version != ARGON2_VERSION_NUMBER) return true;
    // Salt and tag as hash_password writes them: unpadded base64 of 16 and 32 bytes.
    std::size_t dollar = text.find('$');
    if (dollar == std::string_view::npos || !is_base64(text.substr(0, dollar), kPasswordSaltBytes) ||
        !is_base64(text.substr(dollar + 1), kPasswordTagBytes)) {
        return true;
    }
    return std::tie(memory, iterations, parallelism) !=
           std::tie(params.memory_kib, params.iterations, params.parallelism);
}

const std::string& dummy_hash(const Argon2Params& params) {
    static std::mutex mutex;
    // std::map nodes never move, so the returned references stay valid for the process.
    static std::map<std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>, std::string> hashes;
    std::lock_guard lock(mutex);
    auto key = std::make_tuple(params.memory_kib, params.iterations, params.parallelism);
    auto found = hashes.find(key);
    if (found != hashes.end()) return found->second;
    // The password is random and thrown away: nothing can ever verify against this hash.
    const std::string secret = random_salt() + random_salt();
    return hashes.emplace(key, hash_password(secret, params)).first->second;
}

} // namespace sekisho::store
