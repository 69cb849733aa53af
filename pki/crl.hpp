// Certificate revocation lists (X.509 v2 CRLs) signed by a CA.
#pragma once

#include "pki/ca.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::pki {

// RFC 5280 §5.3.1 CRLReason codes (7 is unused by the RFC).
enum class RevocationReason {
    unspecified = 0,
    key_compromise = 1,
    ca_compromise = 2,
    affiliation_changed = 3,
    superseded = 4,
    cessation_of_operation = 5,
    certificate_hold = 6,
    remove_from_crl = 8,
    privilege_withdrawn = 9,
    aa_compromise = 10,
};

struct RevokedCertificate {
    std::string serial_hex;  // as serial_hex_of() prints it
    TimePoint revoked_at;
    RevocationReason reason = RevocationReason::unspecified;
};

struct CrlProfile {
    TimePoint this_update;  // lastUpdate
    TimePoint next_update;  // relying parties treat the CRL as stale after this
    std::uint64_t crl_number = 1; // must grow with every CRL the CA publishes
    std::vector<RevokedCertificate> revoked;
    // Set: a delta CRL (RFC 5280 §5.2.4) updating the complete CRL with this crlNumber,
    // marked by the critical deltaCRLIndicator. Its entries are what changed since that CRL:
    // new revocations and holds, and removeFromCRL for a hold lifted or an entry dropped.
    std::optional<std::uint64_t> delta_of = std::nullopt;
    // A complete CRL's freshestCRL (§5.2.6): where its delta CRLs are; empty: none.
    std::string freshest_crl = {};
};

// A v2 CRL with crlNumber and authorityKeyIdentifier, one entry (with reasonCode unless
// unspecified) per revoked certificate, signed by issuer. Throws naming the CA and the
// offending serial.
X509CrlPtr build_crl(const CrlProfile& profile, const Issuer& issuer);

// What a CRL lists, read back so that it can be re-signed with more entries (`sekishoctl
// pki crl-root`): its crlNumber (0 when it has none) and every entry with its date and
// reasonCode. Throws naming `what` when an entry cannot be read.
struct CrlContents {
    std::uint64_t crl_number = 0;
    std::vector<RevokedCertificate> revoked;
};
CrlContents read_crl(X509_CRL* crl, const std::string& what);
// Its crlNumber alone (0 when it has none), without reading its entries; throws naming `what`
// when it cannot be read.
std::uint64_t crl_number_of(X509_CRL* crl, const std::string& what);

// The DER encoding, as a CRL distribution point serves it (application/pkix-crl).
std::string crl_to_der(X509_CRL* crl);

// "keyCompromise" etc. (RFC 5280 names) ↔ RevocationReason; parsing throws on unknown names.
std::string to_string(RevocationReason reason);
RevocationReason parse_revocation_reason(const std::string& name);

} // namespace sekisho::pki
