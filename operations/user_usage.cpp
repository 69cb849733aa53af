#include "operations/user_usage.hpp"

#include "operations/device_usage.hpp"

#include <map>

namespace sekisho::operations {

namespace {

const std::string kPasswordNote =
    "\n"
    "  --password-stdin  read the password as one line from standard input instead of\n"
    "                    generating one; it must pass the password policy (at least 8\n"
    "                    characters, 3 of upper-case, lower-case, digits and symbols, not the\n"
    "                    id or name, not a common password)\n";

// The texts are built on first use, not at static initialisation: they include
// registry_options_usage(), defined in another file.
const std::string& common() { return registry_options_usage(); }

std::string group_text() {
    return
    "usage: sekishoctl user [--config FILE] [--json] <subcommand> [options]\n"
    "\n"
    "subcommands:\n"
    "  add ID --facility F --role R [--role R2 ...] [--name \"Display Name\"]\n"
    "         [--password-stdin] [--must-change] [--break-glass]\n"
    "                                   a new user (a generated password is shown once)\n"
    "  reset-password ID --identity-check NOTE [--password-stdin]\n"
    "                                   a temporary password, changed at the next login\n"
    "  disable ID --reason TEXT         refuse the user's logins until enabled\n"
    "  enable ID --reason TEXT          allow a disabled user again\n"
    "  unlock ID                        lift a lockout after failed logins\n"
    "  break-glass-open ID --reason TEXT [--for DURATION]\n"
    "                                   let an emergency account log in for a while\n"
    "  break-glass-close ID --reason TEXT\n"
    "                                   end that period early (its sessions end too)\n"
    "  disable-unused [--days N] [--dry-run]\n"
    "                                   disable accounts unused for N days\n"
    "  list [--facility F]              the users\n"
    "  show ID                          one user: status, roles, logins, failures, lock\n" +
    common() +
    "\nPassword hashes are never shown. Every change is in the registry's ledger\n"
    "('sekishoctl device ledger'). Run 'sekishoctl user <subcommand> --help' for details.\n";
}

std::map<std::string, std::string> subcommand_texts() {
    return {
    {"add",
     "usage: sekishoctl user add ID --facility F --role R [--role R2 ...] [--name \"Display Name\"]\n"
     "                           [--password-stdin] [--must-change] [--break-glass]\n"
     "\n"
     "Creates an active user ID (1 to 64 of A-Z a-z 0-9 . _ @ -, unique regardless of case) of\n"
     "facility F with the given roles ([a-z0-9_-]+). Without --password-stdin a random\n"
     "20-character temporary password is generated and printed this once (JSON:\n"
     "\"temporary_password\"); the user must change it at the first login.\n"
     "\n"
     "  --name TEXT       the display name (default: the id)\n"
     "  --must-change     with --password-stdin: force a change at the first login\n"
     "  --break-glass     an emergency account: it logs in only while a period opened with\n"
     "                    'user break-glass-open' lasts (and auth.break_glass.enabled is true)\n" +
         kPasswordNote + common()},
    {"reset-password",
     "usage: sekishoctl user reset-password ID --identity-check NOTE [--password-stdin]\n"
     "\n"
     "Replaces the user's password with a random 20-character temporary one, printed this once\n"
     "(JSON: \"temporary_password\"); the user must change it at the next login. NOTE says how\n"
     "the person's identity was checked (e.g. \"staff card shown at the ward desk\"); it goes to\n"
     "the ledger as the reason of user.password_reset.\n" +
         kPasswordNote +
         "                    (the user must still change it at the next login; the last 5\n"
         "                    passwords are refused)\n" +
         common()},
    {"disable",
     "usage: sekishoctl user disable ID --reason TEXT\n"
     "\n"
     "Disables an active user: the gateway refuses the user's logins until enabled again.\n" +
         common()},
    {"enable",
     "usage: sekishoctl user enable ID --reason TEXT\n"
     "\n"
     "Enables a disabled user again.\n" +
         common()},
    {"unlock",
     "usage: sekishoctl user unlock ID\n"
     "\n"
     "Lifts a lockout after failed logins and forgets the failures in the lockout window.\n" +
         common()},
    {"break-glass-open",
     "usage: sekishoctl user break-glass-open ID --reason TEXT [--for DURATION]\n"
     "\n"
     "Opens the period in which the emergency account ID (made with 'user add --break-glass')\n"
     "may log in: DURATION (e.g. 2h) or auth.break_glass.max_duration (default 4h), never longer.\n"
     "Needs auth.break_glass.enabled: true in the gateway configuration. The reason goes to the\n"
     "ledger; every login and every request of the account is an alert-level event.\n" +
         common()},
    {"break-glass-close",
     "usage: sekishoctl user break-glass-close ID --reason TEXT\n"
     "\n"
     "Ends an open break-glass period now; the gateway ends the account's sessions at once.\n" +
         common()},
    {"disable-unused",
     "usage: sekishoctl user disable-unused [--days N] [--dry-run]\n"
     "\n"
     "Disables every active account unused for N days (default: auth.disable_unused_after),\n"
     "as the gateway does daily when that key is set. Used means the last login, or the last\n"
     "change by an administrator (created, enabled, password reset). Never disabled: break-glass\n"
     "accounts, and the last active user with role admin. Each disable is in the ledger\n"
     "(user.disable) with this actor and the reason.\n"
     "\n"
     "  --days N     1 to 3650\n"
     "  --dry-run    list what would be disabled and change nothing\n" +
         common()},
    {"list",
     "usage: sekishoctl user list [--facility F]\n"
     "\n"
     "Lists the users, ordered by id; --facility only those of facility F.\n" +
         common()},
    {"show",
     "usage: sekishoctl user show ID\n"
     "\n"
     "Shows one user: name, facility, roles, status, whether the password must be changed, the\n"
     "last login (time and source), failed logins since then and any lock. Never the hash.\n" +
         common()},
    };
}

} // namespace

const std::string& user_usage() {
    static const std::string text = group_text();
    return text;
}

const std::string& user_usage(const std::string& subcommand) {
    static const std::map<std::string, std::string> texts = subcommand_texts();
    auto it = texts.find(subcommand);
    return it == texts.end() ? user_usage() : it->second;
}

} // namespace sekisho::operations
