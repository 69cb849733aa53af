#include "gateway/tls/crl_index.hpp"

#include "pki/certificate.hpp"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/x509.h>

#include <algorithm>

namespace sekisho::gateway {

namespace {

std::string serial_bytes(const ASN1_INTEGER* serial) {
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(serial)),
                       static_cast<std::size_t>(ASN1_STRING_length(serial))) +
           (ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER ? "-" : "");
}

bool verifies(X509_CRL* crl, X509* ca) {
    EVP_PKEY* key = X509_get0_pubkey(ca);
    const bool ok = key && X509_CRL_verify(crl, key) == 1;
    ERR_clear_error();
    return ok;
}

bool same_certificate(X509* a, X509* b) {
    return a == b || X509_cmp(a, b) == 0;
}

std::string unsupported(X509_CRL* crl) {
    if (X509_CRL_get_ext_by_NID(crl, NID_issuing_distribution_point, -1) >= 0)
        return "a partitioned CRL (issuingDistributionPoint)";
    if (X509_CRL_get_ext_by_NID(crl, NID_delta_crl, -1) >= 0) return "a delta CRL (deltaCRLIndicator)";
    for (int i = 0; i < X509_CRL_get_ext_count(crl); ++i) {
        X509_EXTENSION* ext = X509_CRL_get_ext(crl, i);
        const int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
        if (X509_EXTENSION_get_critical(ext) && nid != NID_crl_number && nid != NID_authority_key_identifier)
            return "a critical extension it does not read";
    }
    return {};
}

} // namespace

std::string name_der(const X509_NAME* name) {
    const unsigned char* der = nullptr;
    std::size_t len = 0;
    if (!name || X509_NAME_get0_der(const_cast<X509_NAME*>(name), &der, &len) != 1) return {};
    return std::string(reinterpret_cast<const char*>(der), len);
}

std::string CrlIndex::add(pki::X509CrlPtr crl, const std::vector<pki::X509Ptr>& cas) {
    auto entry = std::make_unique<Entry>();
    entry->issuer = name_der(X509_CRL_get_issuer(crl.get()));
    auto why = unsupported(crl.get());
    if (!why.empty()) {
        entry->unusable = true;
        by_issuer_.emplace(entry->issuer, entry.get());
        entries_.push_back(std::move(entry));
        return why;
    }
    if (auto t = pki::unix_seconds(X509_CRL_get0_lastUpdate(crl.get()))) entry->this_update = *t;
    if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl.get()))
        if (auto t = pki::unix_seconds(next)) entry->next_update = *t;
    valid_until_ = std::min(valid_until_, entry->next_update);
    const STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
    for (int i = 0; i < sk_X509_REVOKED_num(revoked); ++i)
        entry->revoked.insert(serial_bytes(X509_REVOKED_get0_serialNumber(sk_X509_REVOKED_value(revoked, i))));
    for (const auto& ca : cas) {
        if (name_der(X509_get_subject_name(ca.get())) != entry->issuer) continue;
        if (verifies(crl.get(), ca.get())) {
            X509_up_ref(ca.get());
            entry->signers.emplace_back(ca.get());
        } else {
            X509_up_ref(ca.get());
            entry->rejected.emplace_back(ca.get());
        }
    }
    // Verified once by a trusted CA: its revocations are all that is needed from now on
    // (the parsed CRL itself is many times its file's size in memory).
    if (entry->signers.empty()) entry->unverified = std::move(crl);
    by_issuer_.emplace(entry->issuer, entry.get());
    entries_.push_back(std::move(entry));
    return {};
}

bool CrlIndex::signed_by(const Entry& entry, X509* issuer) const {
    std::lock_guard lock(lazy_mutex_);
    for (const auto& signer : entry.signers)
        if (same_certificate(signer.get(), issuer)) return true;
    for (const auto& other : entry.rejected)
        if (same_certificate(other.get(), issuer)) return false;
    if (!entry.unverified) return false;
    // An issuer the client's chain brought: verified once, remembered (bounded: a client
    // could send many different certificates under the same name).
    const bool ok = verifies(entry.unverified.get(), issuer);
    auto& list = ok ? entry.signers : entry.rejected;
    if (list.size() < 64) {
        X509_up_ref(issuer);
        list.emplace_back(issuer);
    }
    return ok;
}

int CrlIndex::check(X509* cert, X509* issuer, std::int64_t now) const {
    const auto range = by_issuer_.equal_range(name_der(X509_get_issuer_name(cert)));
    if (range.first == range.second) return X509_V_ERR_UNABLE_TO_GET_CRL;
    const auto serial = serial_bytes(X509_get0_serialNumber(cert));
    int best = X509_V_ERR_UNABLE_TO_GET_CRL; // what the most telling CRL of the issuer says
    auto rank = [](int err) {
        switch (err) {
        case X509_V_ERR_CERT_REVOKED: return 6;
        case X509_V_OK: return 5;
        case X509_V_ERR_CRL_HAS_EXPIRED: return 4;
        case X509_V_ERR_CRL_NOT_YET_VALID: return 3;
        case X509_V_ERR_CRL_SIGNATURE_FAILURE: return 2;
        default: return 1;
        }
    };
    for (auto it = range.first; it != range.second; ++it) {
        const Entry& entry = *it->second;
        int verdict;
        if (entry.unusable) verdict = X509_V_ERR_UNABLE_TO_GET_CRL;
        else if (!signed_by(entry, issuer)) verdict = X509_V_ERR_CRL_SIGNATURE_FAILURE;
        else if (entry.revoked.count(serial)) verdict = X509_V_ERR_CERT_REVOKED;
        else if (now < entry.this_update) verdict = X509_V_ERR_CRL_NOT_YET_VALID;
        else if (now > entry.next_update) verdict = X509_V_ERR_CRL_HAS_EXPIRED;
        else verdict = X509_V_OK;
        if (rank(verdict) > rank(best)) best = verdict;
    }
    return best;
}

} // namespace sekisho::gateway
