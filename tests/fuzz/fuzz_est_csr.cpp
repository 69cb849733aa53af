// Target: what an EST client sends and what the CA then judges — base64 (pki/est_messages),
// the /simpleenroll body (parse_est_csr: base64 DER or PEM), the DER and PEM CSR parsers,
// the CSR policy (pki/csr_policy) on whatever parses, and the certs-only PKCS#7 reader.
// Input: the request body; the same bytes are also tried as DER.
//
// Invariants: base64 decoding inverts encoding, with and without line breaks; each parser
// either returns a request or throws std::runtime_error (anything else escapes and is a
// finding); a parsed request re-encodes to DER that parses again; check_csr's verdict is
// whole — ok with a public key and no reason, or refused with a reason and no key; the
// certificates of a PKCS#7 survive writing them out and reading them back.
#include "fuzz_support.hpp"

#include "pki/est_messages.hpp"

#include <openssl/err.h>

#include <stdexcept>
#include <string>

using namespace sekisho;
using namespace sekisho::pki;

namespace {

std::string der_of(X509_REQ* csr) {
    unsigned char* der = nullptr;
    const int length = i2d_X509_REQ(csr, &der);
    FUZZ_CHECK(length > 0);
    std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(length));
    OPENSSL_free(der);
    return out;
}

void judge(X509ReqPtr csr) {
    FUZZ_CHECK(csr);
    const auto again = parse_csr_der(der_of(csr.get())); // throws if it does not round-trip
    FUZZ_CHECK(again);
    static const CsrPolicy by_default;
    static const CsrPolicy rsa_only{true, 3072, false, {}};
    for (const auto* policy : {&by_default, &rsa_only}) {
        const auto check = check_csr(csr.get(), *policy);
        if (check.ok) FUZZ_CHECK(check.public_key && check.reason.empty());
        else FUZZ_CHECK(!check.public_key && !check.reason.empty());
    }
}

template <typename Parse>
void try_parse(Parse parse) {
    try {
        judge(parse());
    } catch (const std::runtime_error&) {
        // refused, as documented
    }
    ERR_clear_error();
}

void check_base64(std::string_view input) {
    const auto decoded = base64_decode(input);
    if (decoded) {
        FUZZ_CHECK(base64_decode(base64_encode(*decoded, false)) == decoded);
        FUZZ_CHECK(base64_decode(base64_encode(*decoded, true)) == decoded);
        try {
            const auto certs = certificates_from_pkcs7_der(*decoded);
            if (!certs.empty()) {
                std::vector<X509*> raw;
                for (const auto& c : certs) raw.push_back(c.get());
                FUZZ_CHECK(certificates_from_pkcs7_der(certs_only_pkcs7_der(raw)).size() == certs.size());
            }
        } catch (const std::runtime_error&) {
        }
        ERR_clear_error();
    }
    const auto encoded = base64_encode(input, false);
    FUZZ_CHECK(encoded.size() % 4 == 0);
    FUZZ_CHECK(base64_decode(encoded) == std::string(input));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_view(data, size);
    check_base64(input);
    try_parse([&] { return parse_est_csr(input); });
    try_parse([&] { return parse_csr_der(input); });
    try_parse([&] { return parse_csr_pem(input); });
    return 0;
}
