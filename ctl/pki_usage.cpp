#include "ctl/pki_usage.hpp"

#include <map>

namespace sekisho::ctl {

namespace {

const std::string kKeys =
    "  --pkcs11-module PATH  the PKCS#11 library for pkcs11: keys (e.g. libsofthsm2.so)\n"
    "  A key SPEC is an RFC 7512 URI such as\n"
    "  \"pkcs11:token=ca;object=device-ca;type=private;pin-source=/root/ca.pin\" (the key stays in\n"
    "  the token; nothing of it is written) or an existing PEM key file. Without one, a new EC\n"
    "  P-256 key is written next to the certificate with mode 0600. Give the PIN in a pin-source\n"
    "  file: a pin-value= on the command line is readable by every user in /proc/PID/cmdline.\n";

const std::string kOrg = "  --org NAME     subject O of the CA certificates (default Sekisho)\n";
const std::string kCaName =
    "  --ca-name N    the issuing CA's name: its files N.crt, N.key, N.crl, N-bundle.pem and\n"
    "                 enrollment.ca.name (default device-ca)\n";
const std::string kCrlDays =
    "  --crl-days N   nextUpdate of the issuing CA's empty CRL, in days (default 1; the gateway's\n"
    "                 enrollment listener re-issues it from the registry)\n";
const std::string kRootCrlDays =
    "  --root-crl-days N  nextUpdate of the root's empty CRL, in days (default 180, at most 366).\n"
    "                 The root signs its CRL rarely, on its own machine: replace it before then,\n"
    "                 as the gateway refuses every terminal once a CRL is out of date\n";
const std::string kCrlUrlBase =
    "  --crl-url-base URL  the issuing CA certificate gets a CRL distribution point for the\n"
    "                 root's CRL, URL/crl/root-ca.crl; use enrollment.public_url, where the\n"
    "                 enrollment listener serves it (default: no distribution point)\n";
const std::string kForceJson = "  --force        replace what the folder already holds\n"
                               "  --json         print one JSON document instead of text\n";

const std::string kGroup =
    "usage: sekishoctl pki <subcommand> [options]\n"
    "\n"
    "subcommands:\n"
    "  init --dir DIR [--root-key SPEC] [--ca-key SPEC] [--root-days N] [--ca-days N]\n"
    "                                   root CA and device-issuing CA in one folder\n"
    "  init-root --dir R [--root-key SPEC] [--root-days N]\n"
    "                                   the root alone, for an offline machine\n"
    "  init-ca --dir D [--ca-key SPEC]  the issuing CA's key and CSR (D/device-ca.csr)\n"
    "  sign-ca --root-dir R --csr FILE --out FILE [--ca-days N] [--crl-url-base URL]\n"
    "                                   on the root's machine: issue the issuing CA certificate\n"
    "  import-ca --dir D --cert FILE --root FILE [--root-crl FILE]\n"
    "                                   complete D with the signed certificate\n"
    "  crl-root --dir R [--days N] [--revoke-ca FILE --reason R]...\n"
    "                                   on the root's machine: re-sign the root's CRL\n"
    "  show --dir DIR                   the CA certificates, fingerprints and expiry\n"
    "  assertion-key --out FILE         a new identity assertion key for a rotation, and its kid\n"
    "  operator-ca --dir D              the operator CA, for administrators' certificates\n"
    "  operator-cert --dir D --user ID --out PREFIX\n"
    "                                   an administrator's certificate (CN = user id)\n"
    "  operator-revoke --dir D --cert FILE  revoke it: the operator CRL signed again\n"
    "  rollover status|retire           an issuing-CA rollover: who still holds the old CA's\n"
    "                                   certificates; revoking them and ending its trust\n"
    "\n"
    "Check the root's SHA-256 fingerprint out of band before trusting it anywhere.\n"
    "Run 'sekishoctl pki <subcommand> --help' for details.\n";

const std::map<std::string, std::string> kSubcommands = {
    {"init", "usage: sekishoctl pki init --dir DIR [--root-key SPEC] [--ca-key SPEC] [--pkcs11-module PATH]\n"
             "           [--org NAME] [--root-days N] [--ca-days N] [--crl-days N] [--root-crl-days N]\n"
             "           [--crl-url-base URL] [--ca-name N] [--force]\n"
             "\n"
             "Creates DIR (mode 0700) with root-ca.crt, device-ca.crt (the issuing CA, pathlen 0, signed\n"
             "by the root), device-ca-bundle.pem (issuing CA + root, for tls.client_ca) and the empty\n"
             "CRLs root-ca.crl and device-ca.crl. Refuses a DIR that already holds a CA unless --force.\n"
             "\n"
             "  --root-key SPEC  the root's key (default: new, DIR/root-ca.key)\n"
             "  --ca-key SPEC    the issuing CA's key (default: new, DIR/device-ca.key)\n"
             "  --root-days N    root validity in days (default 3650)\n"
             "  --ca-days N      issuing CA validity in days (default 1825, at most --root-days)\n" +
                 kOrg + kCaName + kCrlDays + kRootCrlDays + kCrlUrlBase + kForceJson + kKeys},
    {"init-root",
     "usage: sekishoctl pki init-root --dir R [--root-key SPEC] [--pkcs11-module PATH] [--org NAME]\n"
     "           [--root-days N] [--root-crl-days N] [--force]\n"
     "\n"
     "Creates the root CA alone (R/root-ca.crt, R/root-ca.key unless --root-key, R/root-ca.crl),\n"
     "for a machine that stays offline. Sign issuing CAs there with 'pki sign-ca'.\n"
     "\n" +
         kOrg + kRootCrlDays + kForceJson + kKeys},
    {"init-ca", "usage: sekishoctl pki init-ca --dir D [--ca-key SPEC] [--pkcs11-module PATH] [--org NAME]\n"
                "           [--ca-name N] [--force]\n"
                "\n"
                "Creates the issuing CA's key (D/device-ca.key unless --ca-key) and its certificate request\n"
                "D/device-ca.csr. Take the CSR to the root's machine ('pki sign-ca'), bring the certificate\n"
                "back ('pki import-ca'). The CSR asks for no extensions: the CRL distribution point is\n"
                "chosen where it is signed (sign-ca --crl-url-base).\n"
                "\n" +
                    kOrg + kCaName + kForceJson + kKeys},
    {"sign-ca", "usage: sekishoctl pki sign-ca --root-dir R --csr FILE --out FILE [--ca-days N]\n"
                "           [--crl-url-base URL] [--root-key SPEC] [--pkcs11-module PATH] [--force]\n"
                "\n"
                "Checks the CSR (EC P-256/P-384 or RSA >= 2048, SHA-256 or stronger, valid signature) and\n"
                "writes to FILE an issuing CA certificate (pathlen 0) for its key and subject, signed by\n"
                "the root in R (R/root-ca.crt; key R/root-ca.key unless --root-key).\n"
                "\n"
                "  --ca-days N  validity in days (default 1825; must end before the root does)\n" +
                    kCrlUrlBase +
                    "  --force      overwrite FILE\n"
                    "  --json       print one JSON document instead of text\n" +
                    kKeys},
    {"import-ca", "usage: sekishoctl pki import-ca --dir D --cert FILE --root FILE [--root-crl FILE]\n"
                  "           [--ca-key SPEC] [--pkcs11-module PATH] [--crl-days N] [--ca-name N] [--force]\n"
                  "\n"
                  "Checks that FILE is a CA certificate for D's key (or --ca-key) that chains to the root\n"
                  "certificate, then writes D/device-ca.crt, D/root-ca.crt, D/device-ca-bundle.pem and an\n"
                  "empty D/device-ca.crl signed with the CA key. --root-crl copies the root's CRL (checked\n"
                  "against the root) to D/root-ca.crl, which the gateway needs next to the bundle.\n"
                  "\n" +
                      kCaName + kCrlDays + kForceJson + kKeys},
    {"crl-root",
     "usage: sekishoctl pki crl-root --dir R [--root-key SPEC] [--pkcs11-module PATH] [--days N]\n"
     "           [--revoke-ca CERTFILE --reason R]... [--out FILE] [--json]\n"
     "\n"
     "Re-signs the root's CRL R/root-ca.crl with the root (R/root-ca.crt; key R/root-ca.key unless\n"
     "--root-key): every entry it lists stays, each --revoke-ca issuing CA certificate (signed by\n"
     "this root) is added with its reason, the crlNumber grows by one, and nextUpdate is N days\n"
     "from now. The file is replaced in one rename (mode 0644). Do it well before nextUpdate: a\n"
     "gateway refuses every terminal once the root's CRL has expired. Then copy the CRL to each\n"
     "gateway's root-ca.crl (tls.crl) and reload it (SIGHUP); the command prints these steps.\n"
     "\n"
     "  --days N          nextUpdate in days (default 180, at most 366)\n"
     "  --revoke-ca FILE  an issuing CA certificate to revoke (its key leaked, it was retired);\n"
     "                    repeat it, each with its own --reason\n"
     "  --reason R        cACompromise, keyCompromise, superseded, cessationOfOperation,\n"
     "                    affiliationChanged, privilegeWithdrawn or unspecified\n"
     "  --out FILE        write the new CRL there instead of R/root-ca.crl\n"
     "  --json            print one JSON document instead of text\n" +
         kKeys},
    {"show", "usage: sekishoctl pki show --dir DIR [--ca-name N] [--json]\n"
             "\n"
             "Shows the root and issuing CA certificates in DIR: subject, expiry, SHA-256 fingerprint.\n"},
    {"assertion-key",
     "usage: sekishoctl pki assertion-key --out FILE [--force] [--json]\n"
     "\n"
     "Writes a new EC P-256 key for the identity assertion (X-Sekisho-Jwt-Assertion) to FILE\n"
     "(mode 0600) and its public half next to it (FILE with the extension .pub), and prints its\n"
     "kid: the RFC 7638 thumbprint under which every gateway given the file publishes it. For a\n"
     "rotation, list it in assertion.next_keys first and let it sign (assertion.signing_key)\n"
     "no sooner than 5 minutes later (README, \"rotating it\"). Refuses to overwrite either\n"
     "file unless --force.\n"},
    {"operator-ca",
     "usage: sekishoctl pki operator-ca --dir D [--ca-key SPEC] [--pkcs11-module PATH] [--org NAME]\n"
     "           [--ca-days N] [--days N] [--force] [--json]\n"
     "\n"
     "Creates the operator CA, apart from the terminals' CAs: D/operator-ca.crt, its key\n"
     "(D/operator-ca.key unless --ca-key) and the empty CRL D/operator-ca.crl. The admin listener\n"
     "trusts it (admin.tls.client_ca, admin.tls.crl) for administrators' certificates.\n"
     "\n"
     "  --ca-days N    the CA's validity in days (default 1825)\n"
     "  --days N       nextUpdate of its CRL, in days (default 180)\n" +
         kOrg + kForceJson + kKeys},
    {"operator-cert",
     "usage: sekishoctl pki operator-cert --dir D --user ID --out PREFIX [--days N] [--ca-key SPEC]\n"
     "           [--pkcs11-module PATH] [--org NAME] [--force] [--json]\n"
     "\n"
     "Issues an administrator's certificate from the operator CA in D: PREFIX.crt (subject CN =\n"
     "ID, the user id in the registry; clientAuth) and a new key PREFIX.key (mode 0600). With\n"
     "the account's password it opens the administration API ('sekishoctl --remote').\n"
     "\n"
     "  --days N       validity in days (default 365)\n" +
         kOrg + kForceJson + kKeys},
    {"operator-revoke",
     "usage: sekishoctl pki operator-revoke --dir D --cert FILE [--reason R] [--days N] [--ca-key SPEC]\n"
     "           [--pkcs11-module PATH] [--json]\n"
     "\n"
     "Revokes an administrator's certificate (one who left, or a lost key): signs D/operator-ca.crl\n"
     "again with it added to what it listed. Copy the CRL to admin.tls.crl and reload the gateways.\n"
     "\n"
     "  --reason R     an RFC 5280 reason (default affiliationChanged; keyCompromise for a lost key)\n"
     "  --days N       nextUpdate of the CRL, in days (default 180): sign it again before then\n" +
         kKeys},
};

const std::string kRolloverCommon =
    "\n"
    "  --config FILE  the gateway configuration (enrollment.ca, enrollment.previous_cas,\n"
    "                 tls.client_ca and the registry); default $SEKISHO_CONFIG, else\n"
    "                 /etc/sekisho/sekisho.yaml\n"
    "  --actor NAME   who is acting, for the ledger; default admin:$SUDO_USER (or $USER)\n"
    "  --json         print one JSON document instead of text\n";

const std::map<std::string, std::string> kRollover = {
    {"",
     "usage: sekishoctl pki rollover <status|retire> [--config FILE] [options]\n"
     "\n"
     "  status                           per issuing CA, the active devices still holding one of\n"
     "                                   its valid certificates\n"
     "  retire --ca NAME --reason superseded|cACompromise [--dry-run] [--yes]\n"
     "                                   revoke what is left of a previous CA, end its trust\n"
     "\n"
     "The procedure is in the README, \"Rolling over the issuing CA\".\n" +
         kRolloverCommon},
    {"status",
     "usage: sekishoctl pki rollover status [--config FILE] [--json]\n"
     "\n"
     "For enrollment.ca (current), each of enrollment.previous_cas (previous) and any other issuer\n"
     "the registry names: the active devices holding a valid (unrevoked, unexpired) certificate\n"
     "of it, those of them holding no other CA's (a retirement revokes these devices whole), the\n"
     "suspended devices holding one, and its valid certificates.\n" +
         kRolloverCommon},
    {"retire",
     "usage: sekishoctl pki rollover retire --ca NAME --reason superseded|cACompromise\n"
     "           [--dry-run] [--yes] [--config FILE] [--json]\n"
     "\n"
     "Retires NAME, one of enrollment.previous_cas: revokes every valid certificate it issued in\n"
     "one registry transaction (a device left without a valid certificate is revoked whole; one\n"
     "that renewed from the current CA keeps that certificate), then removes the CA's certificate\n"
     "from the tls.client_ca bundle. Gateways on this registry refuse the revoked terminals within\n"
     "one registry poll, and stop trusting the CA at their next reload. Without --yes nothing is\n"
     "changed: the command lists what would be revoked and exits with status 1.\n"
     "\n"
     "  --reason R  superseded (a planned rollover) or cACompromise (its key leaked)\n"
     "  --dry-run   only list what would be revoked\n"
     "  --yes       retire it\n" +
         kRolloverCommon},
};

} // namespace

const std::string& pki_rollover_usage(const std::string& subcommand) {
    auto it = kRollover.find(subcommand);
    return it == kRollover.end() ? kRollover.at("") : it->second;
}

const std::string& pki_usage() {
    return kGroup;
}

const std::string& pki_usage(const std::string& subcommand) {
    auto it = kSubcommands.find(subcommand);
    return it == kSubcommands.end() ? kGroup : it->second;
}

} // namespace sekisho::ctl
