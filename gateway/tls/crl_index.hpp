// The revocation lists a verifier checks, each verified once when it is loaded: a terminal's
// handshake then costs a hash lookup whatever the size of its CA's CRL (issue 18), where
// OpenSSL's own check re-verifies the whole CRL's signature — every byte of it hashed — on
// each chain verification. The same rules as OpenSSL's check otherwise: every certificate of
// the chain must be covered by a CRL of its issuer, signed by that issuer, current (or an
// expired one on the operator's opt-out), not listing its serial.
#pragma once

#include "pki/ossl.hpp"

#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace sekisho::gateway {

class CrlIndex {
public:
    // cas: the trusted CAs (tls.client_ca), to verify each CRL against its issuer at load.
    // A CRL none of them signed (its issuer arrives in a client's chain) is kept whole and
    // verified against that issuer the first time it is needed.
    // Returns why the CRL cannot be used ("" when it can): a partitioned
    // (issuingDistributionPoint) or delta CRL, or a critical extension this index does not
    // read. Such a CRL covers nothing, so its issuer's certificates are refused unless another
    // CRL covers them (fail closed, as OpenSSL refuses a CRL it cannot interpret).
    std::string add(pki::X509CrlPtr crl, const std::vector<pki::X509Ptr>& cas);

    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    std::int64_t valid_until() const { return valid_until_; } // the earliest nextUpdate

    // For cert, whose issuer is issuer (itself for a self-signed root), at `now` (Unix s):
    // X509_V_OK, or X509_V_ERR_CERT_REVOKED, X509_V_ERR_UNABLE_TO_GET_CRL,
    // X509_V_ERR_CRL_SIGNATURE_FAILURE, X509_V_ERR_CRL_NOT_YET_VALID or
    // X509_V_ERR_CRL_HAS_EXPIRED (a current CRL is preferred to an expired one of the same
    // issuer, and a CRL that lists the serial wins over one that does not).
    int check(X509* cert, X509* issuer, std::int64_t now) const;

private:
    struct Entry {
        std::string issuer;                      // DER of the CRL issuer's name
        std::int64_t this_update = 0;
        std::int64_t next_update = std::numeric_limits<std::int64_t>::max();
        std::unordered_set<std::string> revoked; // serial numbers, as their content bytes
        mutable std::vector<pki::X509Ptr> signers;   // CA certificates its signature verified with
        mutable std::vector<pki::X509Ptr> rejected;  // ... and did not
        pki::X509CrlPtr unverified;              // kept only while no trusted CA has verified it
        bool unusable = false;                   // see add()
    };
    bool signed_by(const Entry& entry, X509* issuer) const;

    std::vector<std::unique_ptr<Entry>> entries_;
    std::unordered_multimap<std::string, const Entry*> by_issuer_;
    std::int64_t valid_until_ = std::numeric_limits<std::int64_t>::max();
    mutable std::mutex lazy_mutex_; // the lazily verified entries' signers/rejected
};

// DER of a name, the index's key.
std::string name_der(const X509_NAME* name);

} // namespace sekisho::gateway
