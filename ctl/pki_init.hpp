// Creating the gateway's CAs: `sekishoctl pki init` (root and issuing CA in one go),
// the offline-root flow (init-root, init-ca, sign-ca, import-ca) and `pki show`.
// Each returns the JSON summary that `sekishoctl pki` prints.
#pragma once

#include "ctl/pki_dir.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace sekisho::ctl {

// What the command line said; the defaults are the documented ones.
struct PkiSettings {
    std::string dir;
    std::optional<std::string> root_key; // pkcs11: URI or PEM file; absent = generate
    std::optional<std::string> ca_key;
    std::string pkcs11_module;
    std::string organization = "Sekisho";
    std::string ca_name = kDefaultIssuingCaName;
    int root_days = 3650;
    int ca_days = 1825;
    int crl_days = 1;        // the issuing CA's CRL, which the gateway renews itself
    int root_crl_days = 180; // the root's CRL, re-signed by hand on the (offline) root machine
    // Where the enrollment listener is reached: the issuing CA certificate then points at
    // <base>/crl/root-ca.crl for the root's CRL. Absent: no CRL distribution point.
    std::optional<std::string> crl_url_base;
    bool force = false;
    // sign-ca and import-ca
    std::string root_dir;
    std::string csr;
    std::string out;
    std::string cert;
    std::string root;
    std::optional<std::string> root_crl;
    // operator-ca and crl-root: the CRL's nextUpdate (default 180); operator-cert: validity (default 365)
    std::optional<int> days;
    std::string user; // operator-cert
    std::optional<std::string> reason; // operator-revoke: an RFC 5280 reason name
    // crl-root: issuing CA certificates to add to the root's CRL, each with its reason.
    struct RevokedCa {
        std::string certificate;
        std::string reason;
    };
    std::vector<RevokedCa> revoke_ca;
};

// Root CA + issuing CA (pathlen 0) + bundle + both empty CRLs in settings.dir.
// {dir, root_ca: {...}, issuing_ca: {...}}.
boost::json::object init_pki(const PkiSettings& settings);

// The operator CA (pki_operators.cpp): DIR/operator-ca.crt, its key unless on a token, and an
// empty operator-ca.crl; separate from the terminals' CAs.
boost::json::object init_operator_ca(const PkiSettings& settings);

// An administrator's certificate from the operator CA in settings.dir: OUT.crt and OUT.key,
// subject CN = settings.user, clientAuth, valid settings.ca_days.
boost::json::object issue_operator_certificate(const PkiSettings& settings);

// The operator CA's CRL signed again with settings.cert added (settings.reason, default
// affiliationChanged), nextUpdate settings.days (default 180).
boost::json::object revoke_operator_certificate(const PkiSettings& settings);

// The root alone (for an offline machine): root-ca.crt, its key unless on a token, root-ca.crl.
boost::json::object init_root(const PkiSettings& settings);

// The issuing CA's key (unless on a token) and <ca-name>.csr, to be signed by sign-ca.
boost::json::object init_issuing_ca(const PkiSettings& settings);

// On the root's machine: checks settings.csr and writes the issuing CA certificate to
// settings.out, signed by the root in settings.root_dir.
boost::json::object sign_issuing_ca(const PkiSettings& settings);

// Back on the gateway side: checks the signed certificate (a CA, our key, chains to the
// root) and completes settings.dir like init does.
boost::json::object import_issuing_ca(const PkiSettings& settings);

// On the root's machine: re-signs settings.dir/root-ca.crl (to settings.out when given) with
// every entry it had plus settings.revoke_ca, the next crlNumber and nextUpdate
// settings.root_crl_days from now; says where to publish it. (pki_crl_root.cpp)
boost::json::object resign_root_crl(const PkiSettings& settings);

// The CA certificates found in settings.dir.
boost::json::object show_pki(const PkiSettings& settings);

// A new EC P-256 identity assertion key at settings.out (0600), its public half beside it
// (.pub) and its kid: {key, public_key, kid, next_step}.
boost::json::object new_assertion_key(const PkiSettings& settings);

} // namespace sekisho::ctl
