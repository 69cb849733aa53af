#include "pki/crl.hpp"

#include "pki/certificate.hpp"
#include "pki/x509_build.hpp"

#include <openssl/bn.h>

#include <array>
#include <utility>

namespace sekisho::pki {

using namespace detail;

namespace {

using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, OsslDeleter<ASN1_INTEGER_free>>;
using Asn1EnumPtr = std::unique_ptr<ASN1_ENUMERATED, OsslDeleter<ASN1_ENUMERATED_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, OsslDeleter<ASN1_TIME_free>>;
using RevokedPtr = std::unique_ptr<X509_REVOKED, OsslDeleter<X509_REVOKED_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OsslDeleter<X509_EXTENSION_free>>;

constexpr std::array<std::pair<RevocationReason, const char*>, 10> kReasonNames = {{
    {RevocationReason::unspecified, "unspecified"},
    {RevocationReason::key_compromise, "keyCompromise"},
    {RevocationReason::ca_compromise, "cACompromise"},
    {RevocationReason::affiliation_changed, "affiliationChanged"},
    {RevocationReason::superseded, "superseded"},
    {RevocationReason::cessation_of_operation, "cessationOfOperation"},
    {RevocationReason::certificate_hold, "certificateHold"},
    {RevocationReason::remove_from_crl, "removeFromCRL"},
    {RevocationReason::privilege_withdrawn, "privilegeWithdrawn"},
    {RevocationReason::aa_compromise, "aACompromise"},
}};

Asn1IntegerPtr serial_from_hex(const std::string& hex, const std::string& what) {
    BIGNUM* raw = nullptr;
    const bool all_hex = !hex.empty() && hex.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    if (!all_hex || BN_hex2bn(&raw, hex.c_str()) != static_cast<int>(hex.size())) {
        BN_free(raw);
        throw std::runtime_error(what + ": serial '" + hex + "' is not a hexadecimal number");
    }
    BignumPtr bn(raw);
    Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    if (!serial) throw OpensslError(what + ": cannot encode serial " + hex);
    return serial;
}

void add_entry(X509_CRL* crl, const RevokedCertificate& entry, const std::string& what) {
    const std::string where = what + ", serial " + entry.serial_hex;
    RevokedPtr revoked(X509_REVOKED_new());
    Asn1TimePtr when(ASN1_TIME_new());
    if (!revoked || !when) throw OpensslError(where + ": out of memory");
    set_time(when.get(), entry.revoked_at, where + " revocationDate");
    Asn1IntegerPtr serial = serial_from_hex(entry.serial_hex, what);
    if (X509_REVOKED_set_serialNumber(revoked.get(), serial.get()) != 1 ||
        X509_REVOKED_set_revocationDate(revoked.get(), when.get()) != 1) {
        throw OpensslError(where + ": cannot build the entry");
    }
    if (entry.reason != RevocationReason::unspecified) {
        // RFC 5280: reasonCode SHOULD be absent rather than "unspecified".
        Asn1EnumPtr code(ASN1_ENUMERATED_new());
        if (!code || ASN1_ENUMERATED_set(code.get(), static_cast<long>(entry.reason)) != 1 ||
            X509_REVOKED_add1_ext_i2d(revoked.get(), NID_crl_reason, code.get(), 0, 0) != 1) {
            throw OpensslError(where + ": cannot add the reason code");
        }
    }
    if (X509_CRL_add0_revoked(crl, revoked.get()) != 1) {
        throw OpensslError(where + ": cannot add the entry");
    }
    revoked.release(); // now owned by the CRL
}

void add_authority_key_id(X509_CRL* crl, X509* issuer, const std::string& what) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, nullptr, nullptr, crl, 0);
    ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always"));
    if (!ext || X509_CRL_add_ext(crl, ext.get(), -1) != 1) {
        throw OpensslError(what + ": cannot add authorityKeyIdentifier");
    }
}

} // namespace

X509CrlPtr build_crl(const CrlProfile& profile, const Issuer& issuer) {
    if (issuer.certificate == nullptr || issuer.key == nullptr) {
        throw std::runtime_error("CRL: issuer certificate and key are both required");
    }
    const std::string what = "CRL of " + subject_of(issuer.certificate);
    if (profile.next_update <= profile.this_update) {
        throw std::runtime_error(what + ": nextUpdate must be later than lastUpdate");
    }
    if (X509_check_private_key(issuer.certificate, issuer.key) != 1) {
        throw OpensslError(what + ": the signing key does not belong to the CA certificate");
    }
    require_strong_key(issuer.key, what + " (signing key)");

    X509CrlPtr crl(X509_CRL_new());
    Asn1TimePtr this_update(ASN1_TIME_new());
    Asn1TimePtr next_update(ASN1_TIME_new());
    if (!crl || !this_update || !next_update) throw OpensslError(what + ": out of memory");
    set_time(this_update.get(), profile.this_update, what + " lastUpdate");
    set_time(next_update.get(), profile.next_update, what + " nextUpdate");
    if (X509_CRL_set_version(crl.get(), X509_CRL_VERSION_2) != 1 ||
        X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer.certificate)) != 1 ||
        X509_CRL_set1_lastUpdate(crl.get(), this_update.get()) != 1 ||
        X509_CRL_set1_nextUpdate(crl.get(), next_update.get()) != 1) {
        throw OpensslError(what + ": cannot set the CRL header");
    }
    for (const auto& entry : profile.revoked) add_entry(crl.get(), entry, what);

    Asn1IntegerPtr number(ASN1_INTEGER_new());
    if (!number || ASN1_INTEGER_set_uint64(number.get(), profile.crl_number) != 1 ||
        X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number.get(), 0, 0) != 1) {
        throw OpensslError(what + ": cannot add crlNumber");
    }
    if (profile.delta_of) {
        if (*profile.delta_of >= profile.crl_number)
            throw std::runtime_error(what + ": a delta CRL's number must be above its base CRL's");
        Asn1IntegerPtr base(ASN1_INTEGER_new());
        if (!base || ASN1_INTEGER_set_uint64(base.get(), *profile.delta_of) != 1 ||
            X509_CRL_add1_ext_i2d(crl.get(), NID_delta_crl, base.get(), 1, 0) != 1) {
            throw OpensslError(what + ": cannot add deltaCRLIndicator");
        }
    }
    if (!profile.freshest_crl.empty()) {
        if (profile.delta_of) throw std::runtime_error(what + ": a delta CRL points to no fresher one");
        auto points = detail::distribution_points(profile.freshest_crl, what);
        if (X509_CRL_add1_ext_i2d(crl.get(), NID_freshest_crl, points.get(), 0, 0) != 1)
            throw OpensslError(what + ": cannot add freshestCRL " + profile.freshest_crl);
    }
    add_authority_key_id(crl.get(), issuer.certificate, what);

    if (X509_CRL_sort(crl.get()) != 1 ||
        X509_CRL_sign(crl.get(), issuer.key, signature_digest_for(issuer.key)) <= 0) {
        throw OpensslError(what + ": signing failed");
    }
    return crl;
}

std::string crl_to_der(X509_CRL* crl) {
    unsigned char* der = nullptr;
    const int len = i2d_X509_CRL(crl, &der);
    if (len <= 0) throw OpensslError("encoding a CRL as DER");
    std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
    OPENSSL_free(der);
    return out;
}

std::string to_string(RevocationReason reason) {
    for (const auto& [value, name] : kReasonNames) {
        if (value == reason) return name;
    }
    return "unspecified";
}

RevocationReason parse_revocation_reason(const std::string& name) {
    std::string accepted;
    for (const auto& [value, known] : kReasonNames) {
        if (name == known) return value;
        accepted += accepted.empty() ? known : std::string(", ") + known;
    }
    throw std::runtime_error("unknown revocation reason '" + name + "' (use one of: " + accepted + ")");
}

} // namespace sekisho::pki

