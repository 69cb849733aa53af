// sekishoctl: the administrator's tool. main() only dispatches to a command group.
#include "ctl/audit.hpp"
#include "ctl/demo.hpp"
#include "ctl/incident.hpp"
#include "ctl/device.hpp"
#include "ctl/pki.hpp"
#include "ctl/store.hpp"
#include "ctl/usage_error.hpp"
#include "ctl/user.hpp"
#include "pki/printable.hpp"

#include <cstring>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct CommandGroup {
    const char* name;
    const char* summary;
    int (*run)(const std::vector<std::string>& args);
};

constexpr CommandGroup kGroups[] = {
    {"audit", "check the audit trail: hash chain and seals (verify)", sekisho::ctl::run_audit},
    {"demo", "set up a self-contained demo (CA, certificates, configuration)", sekisho::ctl::run_demo},
    {"device", "terminals in the device registry (register, list, suspend, revoke, ledger, ...)",
     sekisho::ctl::run_device},
    {"incident", "incident records: open, note, link alerts, close, list, show (a timeline)",
     sekisho::ctl::run_incident},
    {"pki", "the certificate authorities: root and device-issuing CA, offline root, show",
     sekisho::ctl::run_pki},
    {"store", "the registry's storage: migrate a PostgreSQL schema, copy a SQLite file into it",
     sekisho::ctl::run_store},
    {"user", "people in the user registry (add, reset-password, disable, enable, unlock, list, show)",
     sekisho::ctl::run_user},
};

std::string usage() {
    std::string text = "usage: sekishoctl <command> [args...]\n\ncommands:\n";
    for (const auto& group : kGroups) {
        text += "  " + std::string(group.name) + std::string(10 - std::strlen(group.name), ' ') +
                group.summary + "\n";
    }
    text += "\nRun 'sekishoctl <command> --help' for the command's options.\n";
    return text;
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
    for (const auto& group : kGroups) {
        if (args[0] != group.name) continue;
        try {
            return group.run({args.begin() + 1, args.end()});
        } catch (const sekisho::ctl::UsageError& e) {
            std::cerr << "sekishoctl: " << sekisho::pki::printable(e.what()) << "\n\n" << e.usage();
            return 2;
        } catch (const std::exception& e) {
            // Errors name what they are about, which may be a value a terminal sent.
            // A configuration error lists one problem per line: each line escaped on its own.
            std::string_view text = e.what();
            std::cerr << "sekishoctl " << group.name << ": ";
            for (bool first = true; first || !text.empty(); first = false) {
                const auto end = text.find('\n');
                std::cerr << (first ? "" : "  ") << sekisho::pki::printable(std::string(text.substr(0, end))) << "\n";
                text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
            }
            return 1;
        }
    }
    std::cerr << "sekishoctl: unknown command '" << sekisho::pki::printable(args[0]) << "'\n\n" << usage();
    return 2;
}
