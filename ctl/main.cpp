// sekishoctl: the administrator's tool. main() only dispatches to a command group.
#include "ctl/audit.hpp"
#include "ctl/backup.hpp"
#include "ctl/demo.hpp"
#include "ctl/incident.hpp"
#include "ctl/pki.hpp"
#include "ctl/remote.hpp"
#include "ctl/report.hpp"
#include "ctl/store.hpp"
#include "operations/device.hpp"
#include "operations/disclose.hpp"
#include "operations/usage_error.hpp"
#include "operations/user.hpp"
#include "pki/pem_io.hpp"
#include "pki/printable.hpp"

#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

// On the host: the OS user acts, and prints here.
sekisho::operations::Invocation local_invocation() {
    sekisho::operations::Invocation invocation;
    invocation.actor = sekisho::operations::local_actor();
    invocation.out = &std::cout;
    invocation.in = &std::cin;
    invocation.read_file = [](const std::string& path) { return sekisho::pki::read_file(path); };
    return invocation;
}

int run_device(const std::vector<std::string>& args) { return sekisho::operations::run_device(args, local_invocation()); }
int run_user(const std::vector<std::string>& args) { return sekisho::operations::run_user(args, local_invocation()); }
int run_disclose(const std::vector<std::string>& args) {
    return sekisho::operations::run_disclose(args, local_invocation());
}

struct CommandGroup {
    const char* name;
    const char* summary;
    int (*run)(const std::vector<std::string>& args);
};

constexpr CommandGroup kGroups[] = {
    {"audit", "the audit trail: verify, search, export; retention (purge) and legal holds", sekisho::ctl::run_audit},
    {"backup", "back up, verify, restore and prune the registry, configuration, certificates and keys",
     sekisho::ctl::run_backup},
    {"demo", "set up a self-contained demo (CA, certificates, configuration)", sekisho::ctl::run_demo},
    {"disclose", "the MDS/SDS self-disclosure from the live configuration; verify a signed one",
     run_disclose},
    {"device", "terminals in the device registry (register, list, suspend, revoke, ledger, ...)",
     run_device},
    {"incident", "incident records: open, note, link alerts, close, list, show (a timeline)",
     sekisho::ctl::run_incident},
    {"pki", "the certificate authorities: root and device-issuing CA, offline root, show",
     sekisho::ctl::run_pki},
    {"report", "the periodic review of accounts, devices, certificates and administrators (review)",
     sekisho::ctl::run_report},
    {"store", "the registry's storage: migrate a PostgreSQL schema, copy a SQLite file into it",
     sekisho::ctl::run_store},
    {"user", "people in the user registry (add, reset-password, disable, enable, unlock, list, show)",
     run_user},
};

std::string usage() {
    std::string text = "usage: sekishoctl <command> [args...]\n\ncommands:\n";
    for (const auto& group : kGroups) {
        text += "  " + std::string(group.name) + std::string(10 - std::strlen(group.name), ' ') +
                group.summary + "\n";
    }
    text += "\nRun 'sekishoctl <command> --help' for the command's options.\n\n";
    text += sekisho::ctl::remote_usage();
    return text;
}

// Runs a command group: a usage mistake is exit status 2 with the usage, any other error 1.
template <typename Run>
int guarded(const char* name, Run run) {
    try {
        return run();
    } catch (const sekisho::operations::UsageError& e) {
        std::cerr << "sekishoctl: " << sekisho::pki::printable(e.what()) << "\n\n" << e.usage();
        return 2;
    } catch (const std::exception& e) {
        // Errors name what they are about, which may be a value a terminal sent.
        // A configuration error lists one problem per line: each line escaped on its own.
        std::string_view text = e.what();
        std::cerr << "sekishoctl " << name << ": ";
        for (bool first = true; first || !text.empty(); first = false) {
            const auto end = text.find('\n');
            std::cerr << (first ? "" : "  ") << sekisho::pki::printable(std::string(text.substr(0, end))) << "\n";
            text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        }
        return 1;
    }
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << usage();
        return 2;
    }
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << usage();
        return 0;
    }
    if (sekisho::ctl::wants_remote(args)) return guarded("remote", [&] { return sekisho::ctl::run_remote(args); });
    for (const auto& group : kGroups) {
        if (args[0] == group.name) return guarded(group.name, [&] { return group.run({args.begin() + 1, args.end()}); });
    }
    std::cerr << "sekishoctl: unknown command '" << sekisho::pki::printable(args[0]) << "'\n\n" << usage();
    return 2;
}
