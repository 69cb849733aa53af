#include "operations/device.hpp"

#include "operations/cli_args.hpp"
#include "operations/device_output.hpp"
#include "operations/device_register.hpp"
#include "operations/device_ticket.hpp"
#include "operations/device_usage.hpp"
#include "operations/invocation.hpp"
#include "operations/registry_access.hpp"
#include "operations/subcommands.hpp"
#include "operations/usage_error.hpp"
#include "operations/device_revoke_many.hpp"
#include "config/values.hpp"
#include "store/registry.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

namespace sekisho::operations {

namespace {

using store::DeviceStatus;

// The reasons a whole device is revoked for; the CA-level ones make no sense for a terminal.
constexpr std::array<const char*, 5> kDeviceRevocationReasons = {
    "keyCompromise", "cessationOfOperation", "affiliationChanged", "superseded", "unspecified"};

struct Context {
    CliArgs args;
    const Invocation* invocation = nullptr;
    std::ostream& out() const { return *invocation->out; }
    std::string actor;
    std::string config_path;   // for messages
    std::string enrollment_public_url; // "" when the configuration has no enrollment section
    std::int64_t temporary_validity = 86400; // enrollment.temporary_validity
    std::shared_ptr<store::Registry> opened; // once per command
    store::DeviceRegistry& devices() const { return opened->devices(); }
    store::TicketRegistry& tickets() const { return opened->tickets(); }
    bool json = false;
};

void open_registry(Context& context, const Invocation& invocation) {
    if (invocation.registry) { // the gateway's, through the administration API
        context.config_path = invocation.config->source_file;
        context.enrollment_public_url = invocation.config->enrollment.public_url;
        context.opened = invocation.registry;
        return;
    }
    context.config_path = config_path_of(context.args);
    const config::Config config = load_registry_config(context.config_path, "device");
    context.enrollment_public_url = config.enrollment.public_url;
    context.temporary_validity = config.enrollment.temporary_validity.count();
    context.opened = store::open_registry(config.registry);
}

store::UnixSeconds now() { return store::system_clock_now(); }

// 64 hex digits, optionally in colon-separated pairs as `openssl x509 -fingerprint` prints.
std::optional<std::string> as_fingerprint(const std::string& text) {
    std::string hex;
    for (char c : text) {
        if (c == ':') continue;
        if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return std::nullopt;
        hex += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (hex.size() != 64) return std::nullopt;
    return hex;
}

store::Device find_device(const Context& context, const std::string& id_or_fingerprint) {
    store::DeviceRegistry& registry = context.devices();
    std::optional<store::Device> device;
    if (auto fingerprint = as_fingerprint(id_or_fingerprint)) {
        device = registry.find_device_by_fingerprint(*fingerprint);
    } else {
        device = registry.get_device(id_or_fingerprint);
    }
    if (!device) {
        throw std::runtime_error("no device with id or certificate fingerprint '" + id_or_fingerprint +
                                 "' in the registry " + context.opened->location() + " (see 'sekishoctl device list')");
    }
    return *device;
}

void print_device(const Context& context, const store::Device& device) {
    if (context.json) {
        context.out() << json_line(device_json(device, now()));
    } else {
        context.out() << device_text(device, now());
    }
}

// Option values with a fixed form; each throws std::invalid_argument, checked before the
// registry is opened so a typo is a usage error whatever the configuration says.
std::optional<DeviceStatus> status_option(const CliArgs& args) {
    auto text = args.get("--status");
    if (!text) return std::nullopt;
    if (*text != "active" && *text != "suspended" && *text != "revoked") {
        throw std::invalid_argument("--status wants active, suspended or revoked, not '" + *text + "'");
    }
    return store::parse_device_status(*text);
}

std::string revocation_reason_option(const CliArgs& args) {
    std::string reason = args.get("--reason").value_or("unspecified");
    if (std::find(kDeviceRevocationReasons.begin(), kDeviceRevocationReasons.end(), reason) ==
        kDeviceRevocationReasons.end()) {
        throw std::invalid_argument("--reason '" + reason +
                                    "' is not a device revocation reason; use keyCompromise, "
                                    "cessationOfOperation, affiliationChanged, superseded or unspecified");
    }
    return reason;
}

std::pair<std::int64_t, std::size_t> ledger_window(const CliArgs& args) {
    std::int64_t since = 0;
    std::size_t limit = 1000;
    if (auto text = args.get("--since")) since = parse_integer_option("--since", *text, 0, INT64_MAX);
    if (auto text = args.get("--limit")) limit = static_cast<std::size_t>(parse_integer_option("--limit", *text, 1, 1000000));
    return {since, limit};
}

int do_register(Context& context) {
    DeviceRegistration request;
    request.facility = context.args.require("--facility");
    request.name = context.args.require("--name");
    request.cert_path = context.args.require("--cert");
    request.cert_pem = context.invocation->read_file(request.cert_path);
    request.issuer = context.args.get("--issuer");
    request.actor = context.actor;
    print_device(context, register_device(context.devices(), request));
    return 0;
}

// A listing is a page (at most 1000 devices, the first page by default), so that neither the
// command nor the admin API that runs it ever holds a fleet's registry in one answer.
std::size_t list_limit_option(const CliArgs& args) {
    const auto text = args.get("--limit");
    return text ? static_cast<std::size_t>(parse_integer_option("--limit", *text, 1, 1000)) : 1000;
}

std::optional<std::int64_t> expiring_option(const CliArgs& args) {
    const auto text = args.get("--expiring");
    if (!text) return std::nullopt;
    std::string error;
    const auto within = config::detail::parse_duration(*text, error);
    if (!within) throw std::invalid_argument("--expiring: " + error);
    if (args.get("--after") || args.get("--status"))
        throw std::invalid_argument("--expiring lists active devices, soonest first: not with --after or --status");
    return within->count();
}

int do_list(Context& context) {
    const std::size_t limit = list_limit_option(context.args);
    store::DevicePage page;
    if (const auto within = expiring_option(context.args)) {
        // Active devices whose newest certificate runs out within the period or ran out within
        // the last one, soonest first.
        for (const auto& e : context.devices().expiring_devices(now() - *within, now() + *within + 1,
                                                                context.args.get("--facility"), limit))
            if (auto device = context.devices().get_device(e.device_id)) page.devices.push_back(std::move(*device));
    } else {
        page = context.devices().list_devices_page(context.args.get("--facility"), status_option(context.args),
                                                   context.args.get("--after").value_or(""), limit);
    }
    if (context.json) {
        boost::json::array out;
        for (const auto& device : page.devices) out.push_back(device_json(device, now()));
        boost::json::object listing{{"devices", std::move(out)}};
        if (!page.next.empty()) listing["next"] = page.next;
        context.out() << json_line(listing);
        return 0;
    }
    context.out() << device_table(page.devices, now());
    if (!page.next.empty())
        context.out() << "more: the next page with --after " << page.next << " (and the same filters)\n";
    return 0;
}

int do_show(Context& context) {
    print_device(context, find_device(context, context.args.positionals.at(0)));
    return 0;
}

// suspend, resume and revoke: one status change, then the device as it is now.
int do_set_status(Context& context, DeviceStatus status) {
    const std::string reason = status == DeviceStatus::revoked ? revocation_reason_option(context.args)
                                                                : context.args.require("--reason");
    const store::Device device = find_device(context, context.args.positionals.at(0));
    context.devices().set_status(device.id, status, reason, context.actor);
    print_device(context, find_device(context, device.id));
    return 0;
}

int do_revoke_many(Context& context) {
    const MassRevocationRequest request{revocation_criteria_of(context.args), mass_revocation_reason_of(context.args),
                                        context.actor, context.args.has("--dry-run"), context.args.has("--yes")};
    return run_mass_revocation(context.out(), context.devices(), request, context.json);
}

int do_ledger(Context& context) {
    const auto [since, limit] = ledger_window(context.args);
    const auto entries = context.opened->ledger().ledger(since, limit);
    context.out() << listing(
        context.json, "entries", entries, [](const auto& entry) { return ledger_entry_json(entry); },
        [](const auto& all) { return ledger_table(all); });
    return 0;
}

int ticket_uses_option(const CliArgs& args) {
    auto text = args.get("--uses");
    return text ? static_cast<int>(parse_integer_option("--uses", *text, 1, kMaxTicketUses)) : 1;
}

std::int64_t ticket_ttl_option(const CliArgs& args) { return parse_ticket_ttl(args.get("--ttl").value_or("24h")); }

int do_ticket_create(Context& context) {
    // Checked before the ticket exists: a ticket nobody can redeem is of no use.
    if (context.enrollment_public_url.empty()) {
        throw std::runtime_error(context.config_path +
                                 ": enrollment.public_url is not set: the ticket's enroll_url points at the "
                                 "enrollment listener (add an enrollment section, see config/examples/sekisho.yaml)");
    }
    const CreatedTicket created =
        create_ticket(context.tickets(),
                      {context.args.require("--facility"), context.args.require("--name"),
                       ticket_ttl_option(context.args), ticket_uses_option(context.args), context.actor,
                       temporary_validity_option(context.args.has("--temporary"), context.args.get("--validity"),
                                                 context.temporary_validity)});
    // Always JSON: this is the one time the code is shown, and scripts hand it on.
    context.out() << json_line(created_ticket_json(created.ticket, created.code, context.enrollment_public_url));
    return 0;
}

int do_ticket_list(Context& context) {
    const auto tickets = context.tickets().list_tickets(context.args.has("--all"));
    context.out() << listing(
        context.json, "tickets", tickets, [](const auto& ticket) { return ticket_json(ticket, now()); },
        [](const auto& all) { return ticket_table(all, now()); });
    return 0;
}

int do_ticket_show(Context& context) {
    const std::string& id = context.args.positionals.at(0);
    const auto ticket = context.tickets().get_ticket(id);
    if (!ticket) {
        throw std::runtime_error("no enrollment ticket '" + id + "' in the registry " + context.opened->location() +
                                 " (see 'sekishoctl device ticket list --all')");
    }
    context.out() << (context.json ? json_line(ticket_json(*ticket, now())) : ticket_text(*ticket, now()));
    return 0;
}

struct Subcommand {
    const char* name;
    std::vector<OptionSpec> options;
    std::vector<std::string> required;
    std::size_t positionals; // exactly this many: the device id or fingerprint
    void (*check)(const CliArgs&);
    int (*run)(Context&);
};

const std::vector<Subcommand>& subcommands() {
    constexpr auto no_check = [](const CliArgs&) {};
    static const std::vector<Subcommand> kList = {
        {"register", {{"--facility"}, {"--name"}, {"--cert"}, {"--issuer"}}, {"--facility", "--name", "--cert"}, 0,
         no_check, do_register},
        {"list", {{"--facility"}, {"--status"}, {"--limit"}, {"--after"}, {"--expiring"}}, {}, 0,
         [](const CliArgs& a) {
             status_option(a);
             list_limit_option(a);
             expiring_option(a);
         },
         do_list},
        {"show", {}, {}, 1, no_check, do_show},
        {"suspend", {{"--reason"}}, {"--reason"}, 1, no_check,
         [](Context& c) { return do_set_status(c, DeviceStatus::suspended); }},
        {"resume", {{"--reason"}}, {"--reason"}, 1, no_check,
         [](Context& c) { return do_set_status(c, DeviceStatus::active); }},
        {"revoke", {{"--reason"}}, {}, 1, [](const CliArgs& a) { revocation_reason_option(a); },
         [](Context& c) { return do_set_status(c, DeviceStatus::revoked); }},
        {"revoke-many",
         {{"--issuer"}, {"--facility"}, {"--issued-before"}, {"--reason"}, {"--dry-run", false}, {"--yes", false}},
         {"--reason"},
         0,
         [](const CliArgs& a) {
             revocation_criteria_of(a);
             mass_revocation_reason_of(a);
         },
         do_revoke_many},
        {"ledger", {{"--since"}, {"--limit"}}, {}, 0, [](const CliArgs& a) { ledger_window(a); }, do_ledger},
        {"ticket create", {{"--facility"}, {"--name"}, {"--ttl"}, {"--uses"}, {"--temporary", false}, {"--validity"}},
         {"--facility", "--name"}, 0,
         [](const CliArgs& a) {
             ticket_ttl_option(a);
             ticket_uses_option(a);
             temporary_validity_option(a.has("--temporary"), a.get("--validity"), 86400);
         },
         do_ticket_create},
        {"ticket list", {{"--all", false}}, {}, 0, no_check, do_ticket_list},
        {"ticket show", {}, {}, 1, no_check, do_ticket_show},
    };
    return kList;
}

} // namespace

int run_device(const std::vector<std::string>& args, const Invocation& invocation) {
    const std::size_t index = leading_common_options(args);
    std::string name = subcommand_word(args, index, "device", device_usage());
    if (is_help(name)) {
        *invocation.out << device_usage();
        return 0;
    }
    std::size_t words = 1; // "ticket" takes a second word: ticket create|list|show
    if (name == "ticket") {
        const std::string& second = subcommand_word(args, index + 1, "device ticket", device_usage("ticket"));
        if (is_help(second)) {
            *invocation.out << device_usage("ticket");
            return 0;
        }
        name += " " + second;
        words = 2;
    }
    const auto& sub = find_subcommand(subcommands(), "device", name, device_usage(words == 2 ? "ticket" : ""));

    const std::string& usage = device_usage(sub.name);
    const auto rest = subcommand_args(args, index, words);
    if (asks_for_help(rest)) {
        *invocation.out << usage;
        return 0;
    }
    Context context;
    context.invocation = &invocation;
    parse_subcommand_args("device", sub.name, usage, [&] {
        context.args = parse_registry_args(rest, sub.options, sub.positionals);
        if (context.args.positionals.size() < sub.positionals) throw std::invalid_argument("missing ID");
        for (const auto& option : sub.required) context.args.require(option);
        sub.check(context.args);
    });
    context.json = context.args.has("--json");
    context.actor = invocation.actor;
    if (invocation.remote && context.args.has("--config"))
        throw UsageError("device " + std::string(sub.name) + ": --config is the gateway's own through the API", usage);
    open_registry(context, invocation);
    return sub.run(context);
}

} // namespace sekisho::operations
