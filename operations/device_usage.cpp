#include "operations/device_usage.hpp"

#include <map>

namespace sekisho::operations {

namespace {

const std::string kCommon =
    "\n"
    "common options:\n"
    "  --config FILE  gateway configuration naming the registry (registry.sqlite or\n"
    "                 registry.postgresql); default\n"
    "                 $SEKISHO_CONFIG, else /etc/sekisho/sekisho.yaml\n"
    "  --json         print one JSON document instead of text\n"
    "The ledger records who acts: here the OS user (local:NAME); from a management terminal,\n"
    "'sekishoctl --remote URL ...' runs the command on the gateway as the administrator its\n"
    "operator certificate and password authenticate (see 'sekishoctl --help').\n";

const std::string kGroup =
    "usage: sekishoctl device [--config FILE] [--json] <subcommand> [options]\n"
    "\n"
    "subcommands:\n"
    "  register --facility F --name N --cert FILE [--issuer NAME]\n"
    "                                   import an existing terminal certificate as a new device\n"
    "  list [--facility F] [--status S] [--limit N] [--after ID] | list --expiring 30d\n"
    "                                   the registered devices\n"
    "  show ID|FINGERPRINT              one device and its certificates\n"
    "  suspend ID --reason TEXT         refuse the device until it is resumed\n"
    "  resume ID --reason TEXT          admit a suspended device again\n"
    "  revoke ID [--reason R]           refuse the device for good and revoke its certificates\n"
    "  revoke-many (--issuer NAME | --facility F | --issued-before DATE)... --reason R\n"
    "           [--dry-run] [--yes]      revoke every device or certificate that matches, at once\n"
    "  ledger [--since SEQ] [--limit N] the append-only record of every registry change\n"
    "  ticket create --facility F --name N [--ttl 24h] [--uses 1] [--temporary [--validity 24h]]\n"
    "                                   a one-time enrollment ticket (its code is shown once)\n"
    "  ticket list [--all]              the enrollment tickets (--all: also expired ones)\n"
    "  ticket show ID                   one enrollment ticket\n" +
    kCommon + "\nRun 'sekishoctl device <subcommand> --help' for details.\n";

const std::string kTicket =
    "usage: sekishoctl device [--config FILE] [--json] ticket <create|list|show> [options]\n"
    "\n"
    "  ticket create --facility F --name N [--ttl 24h] [--uses 1]\n"
    "  ticket list [--all]\n"
    "  ticket show ID\n"
    "\n"
    "No subcommand ever shows a ticket's code again after create printed it.\n" +
    kCommon;

const std::map<std::string, std::string> kSubcommands = {
    {"ticket", kTicket},
    {"ticket create",
     "usage: sekishoctl device ticket create --facility F --name N [--ttl DURATION] [--uses N]\n"
     "           [--temporary [--validity DURATION]]\n"
     "\n"
     "Creates a one-time enrollment ticket for a terminal named N of facility F and prints\n"
     "{\"ticket_id\", \"code\", \"expires_at\", \"enroll_url\"} as JSON. The code is shown this\n"
     "once: the registry keeps only its salted hash. enroll_url is enrollment.public_url of the\n"
     "configuration + /enroll?ticket=ID.\n"
     "\n"
     "  --ttl DURATION  how long the ticket stays valid: a number with s, m, h or d\n"
     "                  (default 24h, at most 30d)\n"
     "  --uses N        how many enrollments it allows (default 1, at most 100)\n"
     "  --temporary     a temporary credential, the stand-in for a lost or stolen terminal: the\n"
     "                  certificate lives only --validity, the device is marked temporary in the\n"
     "                  registry and in every event about it, and it never renews\n"
     "  --validity D    the temporary certificate's validity, 1h to 7d (default\n"
     "                  enrollment.temporary_validity, 24h)\n" +
         kCommon},
    {"ticket list",
     "usage: sekishoctl device ticket list [--all]\n"
     "\n"
     "Lists the enrollment tickets that have not expired (used and locked ones included), newest\n"
     "first; --all lists the expired ones too. Codes are never shown.\n" +
         kCommon},
    {"ticket show",
     "usage: sekishoctl device ticket show ID\n"
     "\n"
     "Shows one enrollment ticket: facility, device name, state, expiry, uses, failed codes and\n"
     "the device it enrolled. The code is never shown.\n" +
         kCommon},
    {"register",
     "usage: sekishoctl device register --facility F --name N --cert FILE [--issuer NAME]\n"
     "\n"
     "Imports an existing terminal certificate (PEM; the first certificate in FILE) as a new\n"
     "active device of facility F named N. The certificate must carry the clientAuth extended\n"
     "key usage, must not be expired, and must not be registered already.\n"
     "\n"
     "  --issuer NAME  the issuing CA's name in the registry; default the issuer's CN\n" +
         kCommon},
    {"list",
     "usage: sekishoctl device list [--facility F] [--status active|suspended|revoked]\n"
     "                              [--limit N] [--after ID]\n"
     "       sekishoctl device list --expiring DURATION [--facility F] [--limit N]\n"
     "\n"
     "Lists the registered devices, ordered by facility and name, a page at a time: at most\n"
     "--limit devices (1 to 1000, default 1000). When there are more, the last line (with\n"
     "--json, the field next) names the device to give as --after for the next page.\n"
     "\n"
     "  --expiring 30d  the active devices whose newest certificate runs out within the\n"
     "                  period (or ran out within the last one), soonest first\n" +
         kCommon},
    {"show",
     "usage: sekishoctl device show ID|FINGERPRINT\n"
     "\n"
     "Shows one device (by id, dev-..., or by the SHA-256 fingerprint of one of its\n"
     "certificates, hex with or without colons) and its certificates.\n" +
         kCommon},
    {"suspend",
     "usage: sekishoctl device suspend ID|FINGERPRINT --reason TEXT\n"
     "\n"
     "Suspends an active device: a gateway using this registry refuses it until it is resumed.\n" +
         kCommon},
    {"resume",
     "usage: sekishoctl device resume ID|FINGERPRINT --reason TEXT\n"
     "\n"
     "Admits a suspended device again. A revoked device cannot be resumed.\n" +
         kCommon},
    {"revoke",
     "usage: sekishoctl device revoke ID|FINGERPRINT [--reason R]\n"
     "\n"
     "Revokes the device and every certificate of it. This is final.\n"
     "\n"
     "  --reason R  keyCompromise, cessationOfOperation, affiliationChanged, superseded or\n"
     "              unspecified (default); it goes on the CRL\n" +
         kCommon},
    {"revoke-many",
     "usage: sekishoctl device revoke-many (--issuer NAME | --facility F | --issued-before DATE)...\n"
     "           --reason R [--dry-run] [--yes]\n"
     "\n"
     "Revokes, in one registry transaction, every valid certificate that matches all the given\n"
     "criteria, of devices not yet revoked. A device left with no valid certificate is revoked as\n"
     "a whole (as is, with --facility alone, one that has none); a device that keeps another\n"
     "certificate (say one renewed from a new issuing CA) stays active with it. A gateway using\n"
     "this registry ends the connections and sessions of every revoked device within one\n"
     "registry poll (half a second). Without --yes nothing is revoked: the command lists\n"
     "what would be and exits with status 1.\n"
     "\n"
     "  --issuer NAME        certificates of this issuing CA (its name in the registry, the CA\n"
     "                       certificate's CN, as 'device show' and 'pki rollover status' print it)\n"
     "  --facility F         devices of facility F\n"
     "  --issued-before DATE certificates issued before DATE: 2026-04-01 (00:00 JST),\n"
     "                       2026-04-01T09:30 (JST) or with an offset, 2026-04-01T00:30:00Z\n"
     "  --reason R           cACompromise, keyCompromise, superseded, affiliationChanged,\n"
     "                       cessationOfOperation or unspecified; it goes on the CRL\n"
     "  --dry-run            only list the devices and certificates that would be revoked\n"
     "  --yes                revoke them (the confirmation; scripts give it too)\n" +
         kCommon},
    {"ledger",
     "usage: sekishoctl device ledger [--since SEQ] [--limit N]\n"
     "\n"
     "Prints the registry's append-only ledger, oldest first: who changed what, when, why.\n"
     "\n"
     "  --since SEQ  only entries after sequence number SEQ (default 0: from the start)\n"
     "  --limit N    at most N entries (default 1000)\n" +
         kCommon},
};

} // namespace

const std::string& device_usage() { return kGroup; }

const std::string& registry_options_usage() { return kCommon; }

const std::string& device_usage(const std::string& subcommand) {
    auto it = kSubcommands.find(subcommand);
    return it == kSubcommands.end() ? kGroup : it->second;
}

} // namespace sekisho::operations
