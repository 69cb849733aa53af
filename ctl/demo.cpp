#include "ctl/demo.hpp"

#include "ctl/demo_init.hpp"
#include "operations/usage_error.hpp"

#include <iostream>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing and registry commands it shares

namespace {

const std::string kUsage =
    "usage: sekishoctl demo init DIR [--listen HOST:PORT] [--upstream URL] [--force]\n"
    "\n"
    "  init    create DIR with a demo PKI (root CA, device-issuing CA, CRLs, gateway server\n"
    "          certificate, assertion signing key), the registry with one demo terminal\n"
    "          enrolled by a one-time ticket (its key, certificate and PKCS#12 in DIR/pki),\n"
    "          DIR/sekisho.yaml for the gateway and DIR/demo.json describing it all.\n"
    "\n"
    "  --listen HOST:PORT  gateway listener (default 127.0.0.1:8443); the admin listener\n"
    "                      is 127.0.0.1:<PORT + 1000>\n"
    "  --upstream URL      the demo backend (default http://127.0.0.1:8080)\n"
    "  --force             overwrite an existing demo in DIR\n";

} // namespace

int run_demo(const std::vector<std::string>& args) {
    if (args.empty()) throw UsageError("demo: missing subcommand", kUsage);
    if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        std::cout << kUsage;
        return 0;
    }
    if (args[0] == "init") {
        std::vector<std::string> rest(args.begin() + 1, args.end());
        for (const auto& arg : rest) {
            if (arg == "--help" || arg == "-h") {
                std::cout << kUsage;
                return 0;
            }
        }
        DemoInitOptions options;
        try {
            options = parse_demo_init_options(rest);
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("demo init: ") + e.what(), kUsage);
        }
        return run_demo_init(options);
    }
    throw UsageError("demo: unknown subcommand '" + args[0] + "'", kUsage);
}

} // namespace sekisho::ctl
