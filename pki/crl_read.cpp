// Reading a CRL's number and entries back (crl.hpp: read_crl), the inverse of build_crl:
// re-signing a CRL must keep every entry it had, with its original date and reason.
#include "pki/crl.hpp"

#include "pki/certificate.hpp"

#include <openssl/bn.h>

namespace sekisho::pki {

namespace {

using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OsslDeleter<ASN1_INTEGER_free>>;
using Asn1EnumPtr = std::unique_ptr<ASN1_ENUMERATED, OsslDeleter<ASN1_ENUMERATED_free>>;

std::string serial_hex(const ASN1_INTEGER* serial, const std::string& what) {
    BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    char* hex = bn ? BN_bn2hex(bn.get()) : nullptr;
    if (hex == nullptr) throw OpensslError(what + ": cannot read the serial of an entry");
    std::string out(hex);
    OPENSSL_free(hex);
    return out;
}

RevocationReason reason_of(X509_REVOKED* entry, const std::string& what) {
    int critical = 0;
    Asn1EnumPtr code(static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, &critical, nullptr)));
    if (!code) {
        if (critical == -1) return RevocationReason::unspecified; // absent: RFC 5280's "unspecified"
        throw std::runtime_error(what + ": an entry's reasonCode cannot be read");
    }
    const long value = ASN1_ENUMERATED_get(code.get());
    for (int known : {0, 1, 2, 3, 4, 5, 6, 8, 9, 10})
        if (value == known) return static_cast<RevocationReason>(value);
    throw std::runtime_error(what + ": an entry has the unknown reasonCode " + std::to_string(value));
}

} // namespace

std::uint64_t crl_number_of(X509_CRL* crl, const std::string& what) {
    int critical = 0;
    Asn1IntegerPtr number(static_cast<ASN1_INTEGER*>(X509_CRL_get_ext_d2i(crl, NID_crl_number, &critical, nullptr)));
    if (!number) {
        if (critical != -1) throw std::runtime_error(what + ": the crlNumber cannot be read");
        return 0;
    }
    std::uint64_t value = 0;
    if (ASN1_INTEGER_get_uint64(&value, number.get()) != 1)
        throw std::runtime_error(what + ": the crlNumber is not a number below 2^64");
    return value;
}

CrlContents read_crl(X509_CRL* crl, const std::string& what) {
    CrlContents out;
    out.crl_number = crl_number_of(crl, what);
    STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(crl);
    for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
        X509_REVOKED* entry = sk_X509_REVOKED_value(entries, i);
        const auto when = unix_seconds(X509_REVOKED_get0_revocationDate(entry));
        if (!when) throw std::runtime_error(what + ": an entry's revocationDate cannot be read");
        out.revoked.push_back({serial_hex(X509_REVOKED_get0_serialNumber(entry), what),
                               TimePoint(std::chrono::seconds(*when)), reason_of(entry, what)});
    }
    return out;
}

} // namespace sekisho::pki
