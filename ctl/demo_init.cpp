#include "ctl/demo_init.hpp"

#include "config/load.hpp"
#include "ctl/demo_files.hpp"
#include "ctl/demo_pki.hpp"
#include "ctl/demo_terminal.hpp"
#include "operations/user_password.hpp"
#include "pki/pem_io.hpp"
#include "store/registry.hpp"

#include <iostream>
#include <memory>
#include <stdexcept>
#include <system_error>

namespace sekisho::ctl {

using namespace sekisho::operations; // the command-line plumbing and registry commands it shares

namespace fs = std::filesystem;

namespace {

// The database and the journal files SQLite keeps next to it in WAL mode.
void remove_registry(const fs::path& registry) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        const fs::path file = registry.string() + suffix;
        std::error_code ec;
        fs::remove(file, ec);
        if (ec) throw std::runtime_error("cannot remove " + file.string() + ": " + ec.message());
    }
}

// The demo user logs in with a generated password that passes the policy, added the way
// `sekishoctl user add` adds anyone; no forced change, so the demo works at once.
DemoUser add_demo_user(store::UserRegistry& users) {
    NewUser request;
    request.id = kDemoUser;
    request.display_name = "Demo Nurse";
    request.facility = kDemoFacility;
    request.roles = {"nurse"};
    request.must_change = false;
    request.actor = "demo-init";
    return DemoUser{kDemoUser, add_user(users, request).password};
}

} // namespace

DemoInitOptions parse_demo_init_options(const std::vector<std::string>& args) {
    DemoInitOptions options;
    bool have_dir = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw std::invalid_argument(arg + " needs a value");
            return args[++i];
        };
        if (arg == "--listen") {
            options.listen = value();
        } else if (arg == "--upstream") {
            options.upstream = value();
        } else if (arg == "--force") {
            options.force = true;
        } else if (arg.starts_with("-") && arg != "-") {
            throw std::invalid_argument("unknown option '" + arg + "'");
        } else if (have_dir) {
            throw std::invalid_argument("more than one DIR given ('" + options.dir.string() +
                                        "' and '" + arg + "')");
        } else {
            options.dir = arg;
            have_dir = true;
        }
    }
    if (!have_dir || options.dir.empty()) throw std::invalid_argument("missing DIR");
    // Validate now so a typo is a usage error, not a half-written demo.
    HostPort listen = parse_host_port(options.listen);
    parse_upstream_url(options.upstream);
    if (listen.port > 65535 - 1000) {
        throw std::invalid_argument("--listen port " + std::to_string(listen.port) +
                                    " leaves no room for the admin port (port + 1000)");
    }
    return options;
}

int run_demo_init(const DemoInitOptions& options) {
    DemoLayout layout;
    layout.dir = fs::absolute(options.dir).lexically_normal();
    if (!layout.dir.has_filename()) layout.dir = layout.dir.parent_path();
    layout.listen = options.listen;
    layout.listen_address = parse_host_port(options.listen);
    layout.admin_port = static_cast<std::uint16_t>(layout.listen_address.port + 1000);
    layout.enroll_port = static_cast<std::uint16_t>(layout.listen_address.port + 1);
    layout.enroll_public_url = "https://localhost:" + std::to_string(layout.enroll_port);
    layout.upstream = options.upstream;
    layout.upstream_url = parse_upstream_url(options.upstream);
    layout.registry = layout.dir / "registry.db";

    const fs::path config_path = layout.dir / "sekisho.yaml";
    if (fs::exists(config_path) && !options.force) {
        std::cerr << "sekishoctl demo init: " << config_path.string()
                  << " already exists; refusing to overwrite the demo there (use --force to "
                     "replace it, or choose another DIR)\n";
        return 1;
    }
    if (fs::exists(layout.registry) && !options.force) {
        std::cerr << "sekishoctl demo init: " << layout.registry.string()
                  << " already exists; refusing to overwrite that device registry (use --force to "
                     "replace it, or choose another DIR)\n";
        return 1;
    }
    std::error_code ec;
    for (const char* folder : {"pki", "audit"}) {
        fs::create_directories(layout.dir / folder, ec);
        if (ec) throw std::runtime_error("cannot create " + (layout.dir / folder).string() + ": " + ec.message());
    }

    const DemoPki pki = create_demo_pki(layout.dir / "pki", layout.enroll_public_url);
    remove_registry(layout.registry); // --force: the old demo's devices are gone with its CA
    // The terminal is enrolled with the configuration the gateway will run with, checked as
    // the gateway checks it, before anything refers to it.
    const std::string config_text = render_demo_config(layout);
    const config::Config config = config::load_text(config_text, config_path.string(), layout.dir.string());
    const std::shared_ptr<store::Registry> registry = store::open_registry(config.registry);
    const DemoTerminal terminal =
        enroll_demo_terminal(config, registry->devices(), registry->tickets(), pki.dir);
    const DemoUser user = add_demo_user(registry->users());
    pki::write_file(config_path.string(), config_text, 0644);
    // demo.json holds the PKCS#12 password: owner-only, like the keys.
    pki::write_file((layout.dir / "demo.json").string(), render_demo_json(layout, pki, terminal, user), 0600);

    const std::string port = std::to_string(layout.listen_address.port);
    std::cout << "Sekisho demo created in " << layout.dir.string() << "\n"
              << "  gateway config  " << config_path.string() << "\n"
              << "  listen          " << options.listen << " (admin 127.0.0.1:" << layout.admin_port
              << ")\n"
              << "  upstream        " << options.upstream << "\n"
              << "  trust anchor    " << (pki.dir / "root-ca.crt").string() << "\n"
              << "                  SHA-256 " << pki.root_fingerprint << "\n"
              << "  demo terminal   " << (pki.dir / "device.crt").string() << " (facility "
              << kDemoFacility << ", " << kDemoDevice << ")\n"
              << "                  key " << (pki.dir / "device.key").string() << ", PKCS#12 "
              << (pki.dir / "device.p12").string() << "\n"
              << "  registry        " << layout.registry.string() << " (demo terminal: active device "
              << terminal.device_id << ", enrolled with ticket " << terminal.ticket_id << ")\n"
              << "  demo user       " << user.id << " (facility " << kDemoFacility
              << ", role nurse; password in demo.json)\n"
              << "  details         " << (layout.dir / "demo.json").string()
              << " (includes the PKCS#12 and demo user passwords)\n"
              << "\nTry it once the gateway runs (the certificate is one factor, the demo user's\n"
              << "password the other; without a login the gateway answers with its login page):\n"
              << "  curl --cacert " << (pki.dir / "root-ca.crt").string() << " --cert "
              << (pki.dir / "device.crt").string() << " --key " << (pki.dir / "device.key").string()
              << " https://localhost:" << port << "/\n"
              << "  scripts/demo.sh shows the whole flow, login included.\n";
    return 0;
}

} // namespace sekisho::ctl
