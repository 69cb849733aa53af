#include "gateway/auth/csrf.hpp"

#include "codec/hex.hpp"
#include "codec/sealed.hpp"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <charconv>
#include <stdexcept>

namespace sekisho::gateway::auth {
namespace {

constexpr std::int64_t kLoginTokenSeconds = 3600;

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool equal_tokens(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace

CsrfKeys::CsrfKeys() {
    if (RAND_bytes(key_.data(), static_cast<int>(key_.size())) != 1)
        throw std::runtime_error("the random generator failed; no CSRF key");
}

CsrfKeys::CsrfKeys(std::string_view cluster_secret) : CsrfKeys() {
    if (!cluster_secret.empty()) key_ = codec::derive_key(cluster_secret, "sekisho-csrf", "csrf tokens v1");
}

std::string CsrfKeys::mac(std::string_view message) const {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
              reinterpret_cast<const unsigned char*>(message.data()), message.size(), out, &length))
        throw std::runtime_error("HMAC-SHA256 failed");
    return codec::to_lower_hex(out, length);
}

std::string CsrfKeys::login_token(std::string_view device, std::chrono::system_clock::time_point now) const {
    const auto issued = std::to_string(unix_seconds(now));
    return issued + "." + mac("login|" + std::string(device) + "|" + issued);
}

bool CsrfKeys::check_login_token(std::string_view token, std::string_view device,
                                 std::chrono::system_clock::time_point now) const {
    const auto dot = token.find('.');
    if (dot == std::string_view::npos) return false;
    std::int64_t issued = 0;
    const auto digits = token.substr(0, dot);
    if (std::from_chars(digits.data(), digits.data() + digits.size(), issued).ptr != digits.data() + digits.size())
        return false;
    // Compared without subtracting: a forged "-9223372036854775808" must not overflow.
    const auto now_s = unix_seconds(now);
    if (issued > now_s || issued < now_s - kLoginTokenSeconds) return false;
    return equal_tokens(token.substr(dot + 1), mac("login|" + std::string(device) + "|" + std::string(digits)));
}

std::string CsrfKeys::session_token(std::string_view session_hash) const {
    return mac("session|" + std::string(session_hash));
}

bool CsrfKeys::check_session_token(std::string_view token, std::string_view session_hash) const {
    return equal_tokens(token, session_token(session_hash));
}

} // namespace sekisho::gateway::auth
