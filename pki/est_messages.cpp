#include "pki/est_messages.hpp"

#include "pki/certificate.hpp"
#include "pki/random.hpp"
#include "codec/hex.hpp"
#include "codec/random.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pkcs7.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace sekisho::pki {
namespace {

using Pkcs7Ptr = std::unique_ptr<PKCS7, OsslDeleter<PKCS7_free>>;
using Pkcs8Ptr = std::unique_ptr<PKCS8_PRIV_KEY_INFO, OsslDeleter<PKCS8_PRIV_KEY_INFO_free>>;

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::size_t kLineLength = 64;

// The 6-bit value of a base64 character, or -1.
int sextet_of(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Unencrypted PKCS#8 PrivateKeyInfo, DER.
std::string pkcs8_der_of(EVP_PKEY* key) {
    Pkcs8Ptr info(EVP_PKEY2PKCS8(key));
    if (!info) throw OpensslError("serverkeygen: cannot export the private key as PKCS#8");
    unsigned char* der = nullptr;
    const int length = i2d_PKCS8_PRIV_KEY_INFO(info.get(), &der);
    if (length < 0) throw OpensslError("serverkeygen: cannot encode the private key");
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_clear_free(der, static_cast<std::size_t>(length));
    return out;
}

void append_part(std::string& body, const std::string& boundary, std::string_view content_type,
                 std::string_view base64_content) {
    body += "--" + boundary + "\r\n";
    body += "Content-Type: ";
    body += content_type;
    body += "\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    body += base64_content;
    body += "\r\n"; // with the next "--boundary": the delimiter (RFC 2046 §5.1.1)
}

} // namespace

std::string certs_only_pkcs7_der(const std::vector<X509*>& certs) {
    if (certs.empty()) throw std::invalid_argument("certs-only PKCS#7: no certificates given");
    Pkcs7Ptr p7(PKCS7_new());
    if (!p7 || PKCS7_set_type(p7.get(), NID_pkcs7_signed) != 1) {
        throw OpensslError("certs-only PKCS#7: cannot create a SignedData");
    }
    // Content type id-data without content, as `openssl crl2pkcs7` writes it.
    PKCS7* content = PKCS7_new();
    if (content == nullptr) throw OpensslError("certs-only PKCS#7: out of memory");
    content->type = OBJ_nid2obj(NID_pkcs7_data);
    if (PKCS7_set_content(p7.get(), content) != 1) {
        PKCS7_free(content);
        throw OpensslError("certs-only PKCS#7: cannot set the content type");
    }
    for (X509* cert : certs) {
        if (cert == nullptr) throw std::invalid_argument("certs-only PKCS#7: a certificate is null");
        if (PKCS7_add_certificate(p7.get(), cert) != 1) {
            throw OpensslError("certs-only PKCS#7: cannot add certificate " + subject_of(cert));
        }
    }
    unsigned char* der = nullptr;
    const int length = i2d_PKCS7(p7.get(), &der);
    if (length < 0) throw OpensslError("certs-only PKCS#7: cannot encode");
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return out;
}

std::vector<X509Ptr> certificates_from_pkcs7_der(std::string_view der) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
    if (!p7) throw OpensslError("the data is not a DER-encoded PKCS#7 message");
    if (PKCS7_type_is_signed(p7.get()) == 0 || p7->d.sign == nullptr) {
        throw std::runtime_error("the PKCS#7 message is not a SignedData (certs-only) message");
    }
    std::vector<X509Ptr> out;
    STACK_OF(X509)* certs = p7->d.sign->cert;
    for (int i = 0; i < sk_X509_num(certs); ++i) {
        X509* cert = sk_X509_value(certs, i);
        if (X509_up_ref(cert) != 1) throw OpensslError("cannot keep a PKCS#7 certificate");
        out.emplace_back(cert);
    }
    return out;
}

std::string base64_encode(std::string_view bytes, bool line_breaks) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4 * 65 / 64 + 1);
    std::size_t line = 0;
    auto put = [&](char c) {
        out += c;
        if (line_breaks && ++line == kLineLength) {
            out += '\n';
            line = 0;
        }
    };
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
        if (n > 1) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (n > 2) group |= static_cast<unsigned char>(bytes[i + 2]);
        put(kAlphabet[(group >> 18) & 0x3f]);
        put(kAlphabet[(group >> 12) & 0x3f]);
        put(n > 1 ? kAlphabet[(group >> 6) & 0x3f] : '=');
        put(n > 2 ? kAlphabet[group & 0x3f] : '=');
    }
    if (line_breaks && line != 0) out += '\n';
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size() / 4 * 3);
    std::array<int, 4> quad{};
    std::size_t filled = 0;
    std::size_t padding = 0;
    for (char c : text) {
        if (is_space(c)) continue;
        if (padding > 0 && filled == 0) return std::nullopt; // data after the final '='
        int value = 0;
        if (c == '=') {
            if (filled < 2) return std::nullopt; // "=" can only be the 3rd or 4th character
            ++padding;
        } else {
            if (padding > 0) return std::nullopt; // "Zg=g"
            value = sextet_of(c);
            if (value < 0) return std::nullopt;
        }
        quad[filled++] = value;
        if (filled < 4) continue;
        const std::uint32_t group =
            (static_cast<std::uint32_t>(quad[0]) << 18) | (static_cast<std::uint32_t>(quad[1]) << 12) |
            (static_cast<std::uint32_t>(quad[2]) << 6) | static_cast<std::uint32_t>(quad[3]);
        out += static_cast<char>((group >> 16) & 0xff);
        if (padding < 2) out += static_cast<char>((group >> 8) & 0xff);
        if (padding < 1) out += static_cast<char>(group & 0xff);
        filled = 0;
    }
    if (filled != 0) return std::nullopt; // not a multiple of 4
    return out;
}

X509ReqPtr parse_est_csr(std::string_view body) {
    constexpr const char* kExpected =
        "EST expects a base64-encoded DER PKCS#10 CSR (Content-Type: application/pkcs10)";
    if (body.find("-----BEGIN") != std::string_view::npos) return parse_csr_pem(body);
    std::optional<std::string> der = base64_decode(body);
    if (!der) throw std::runtime_error(std::string("the request body is not base64: ") + kExpected);
    if (der->empty()) throw std::runtime_error(std::string("the request body is empty: ") + kExpected);
    try {
        return parse_csr_der(*der);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string("the request body is base64 but not a CSR (") + e.what() +
                                 "): " + kExpected);
    }
}

MultipartBody serverkeygen_multipart(EVP_PKEY* private_key, X509* certificate) {
    if (private_key == nullptr || certificate == nullptr) {
        throw std::invalid_argument("serverkeygen: a private key and a certificate are required");
    }
    if (X509_check_private_key(certificate, private_key) != 1) {
        ERR_clear_error();
        throw std::invalid_argument("serverkeygen: the private key does not belong to certificate " +
                                    subject_of(certificate));
    }
    std::string key_der = pkcs8_der_of(private_key);
    std::string key_base64 = base64_encode(key_der, true);
    OPENSSL_cleanse(key_der.data(), key_der.size());

    MultipartBody out;
    // Base64 never contains '-', so "--sekisho-..." cannot occur inside a part.
    out.boundary = "sekisho-" + codec::to_lower_hex(codec::random_bytes(16));
    out.content_type = "multipart/mixed; boundary=" + out.boundary;
    append_part(out.body, out.boundary, "application/pkcs8", key_base64);
    OPENSSL_cleanse(key_base64.data(), key_base64.size());
    append_part(out.body, out.boundary, "application/pkcs7-mime; smime-type=certs-only",
                base64_encode(certs_only_pkcs7_der({certificate}), true));
    out.body += "--" + out.boundary + "--\r\n";
    return out;
}

} // namespace sekisho::pki
