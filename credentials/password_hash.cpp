#include "credentials/password_hash.hpp"

#include <argon2.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <map>
#include <mutex>
#include <tuple>
#include <vector>

namespace sekisho::credentials {

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

// A stored hash as hash_password writes it: parameters, 16-byte salt, 32-byte tag.
struct CanonicalHash {
    std::uint32_t memory = 0, iterations = 0, parallelism = 0;
    std::string salt, tag;
};

// Unpadded standard base64 of exactly `bytes` bytes (is_base64 checked), decoded.
std::string from_base64(std::string_view text, std::size_t bytes) {
    std::string padded(text);
    padded.append((4 - padded.size() % 4) % 4, '=');
    std::string out(padded.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(padded.data()), static_cast<int>(padded.size()));
    if (n < static_cast<int>(bytes)) return {};
    out.resize(bytes);
    return out;
}

std::optional<CanonicalHash> parse_canonical(std::string_view text) {
    CanonicalHash h;
    std::uint32_t version = 0;
    const bool parsed = take_literal(text, "$argon2id$") && take_number(text, "v=", version) &&
                        take_literal(text, "$") && take_number(text, "m=", h.memory) && take_literal(text, ",") &&
                        take_number(text, "t=", h.iterations) && take_literal(text, ",") &&
                        take_number(text, "p=", h.parallelism) && take_literal(text, "$");
    if (!parsed || version != ARGON2_VERSION_NUMBER) return std::nullopt;
    const std::size_t dollar = text.find('$');
    if (dollar == std::string_view::npos || !is_base64(text.substr(0, dollar), kPasswordSaltBytes) ||
        !is_base64(text.substr(dollar + 1), kPasswordTagBytes))
        return std::nullopt;
    h.salt = from_base64(text.substr(0, dollar), kPasswordSaltBytes);
    h.tag = from_base64(text.substr(dollar + 1), kPasswordTagBytes);
    if (h.salt.size() != kPasswordSaltBytes || h.tag.size() != kPasswordTagBytes) return std::nullopt;
    return h;
}

// Argon2id's working memory (19 MiB by default) is kept by each thread that verifies, so
// that a login does not map, fault in and unmap it again (thousands of page faults per
// hash): on one core the login storm ran 36 instead of ~25-30 logins/s. It did not change
// the proxied p99 during the storm (docs/benchmarks.md). libargon2 wipes the area before
// handing it back. Areas over kKeptArea (a configuration with a huge m) are allocated and
// freed each time instead.
constexpr std::size_t kKeptArea = 64u << 20;

std::vector<std::uint8_t>& working_area() {
    thread_local std::vector<std::uint8_t> area;
    return area;
}

int take_area(std::uint8_t** memory, std::size_t bytes) {
    if (bytes > kKeptArea) {
        *memory = static_cast<std::uint8_t*>(std::malloc(bytes));
        return *memory ? ARGON2_OK : ARGON2_MEMORY_ALLOCATION_ERROR;
    }
    auto& area = working_area();
    try {
        if (area.size() < bytes) area.resize(bytes);
    } catch (const std::bad_alloc&) {
        return ARGON2_MEMORY_ALLOCATION_ERROR;
    }
    *memory = area.data();
    return ARGON2_OK;
}

void give_area(std::uint8_t* memory, std::size_t) {
    if (memory != working_area().data()) std::free(memory);
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
    auto h = parse_canonical(encoded);
    if (!h) return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
    std::uint8_t computed[kPasswordTagBytes];
    std::string pwd(password); // libargon2 takes a mutable pointer (it may wipe the password)
    argon2_context ctx{};
    ctx.out = computed;
    ctx.outlen = kPasswordTagBytes;
    ctx.pwd = reinterpret_cast<std::uint8_t*>(pwd.data());
    ctx.pwdlen = static_cast<std::uint32_t>(pwd.size());
    ctx.salt = reinterpret_cast<std::uint8_t*>(h->salt.data());
    ctx.saltlen = kPasswordSaltBytes;
    ctx.t_cost = h->iterations;
    ctx.m_cost = h->memory;
    ctx.lanes = h->parallelism;
    ctx.threads = h->parallelism;
    ctx.version = ARGON2_VERSION_NUMBER;
    ctx.allocate_cbk = take_area;
    ctx.free_cbk = give_area;
    ctx.flags = ARGON2_DEFAULT_FLAGS;
    const int rc = argon2_verify_ctx(&ctx, h->tag.data(), Argon2_id);
    OPENSSL_cleanse(pwd.data(), pwd.size());
    return rc == ARGON2_OK;
}

bool needs_rehash(const std::string& encoded, const Argon2Params& params) {
    // Anything but the shape hash_password writes (version, unpadded base64 of a 16-byte
    // salt and a 32-byte tag) is rewritten, as are other parameters.
    const auto h = parse_canonical(encoded);
    return !h || std::tie(h->memory, h->iterations, h->parallelism) !=
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

} // namespace sekisho::credentials
