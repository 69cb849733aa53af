#include "operations/user.hpp"

#include "operations/cli_args.hpp"
#include "operations/administrators.hpp"
#include "operations/device_output.hpp"
#include "operations/invocation.hpp"
#include "operations/registry_access.hpp"
#include "operations/subcommands.hpp"
#include "operations/usage_error.hpp"
#include "operations/user_output.hpp"
#include "operations/user_password.hpp"
#include "operations/user_usage.hpp"
#include "operations/user_unused.hpp"
#include "config/values.hpp"
#include "credentials/password_hash.hpp"
#include "credentials/password_reuse.hpp"
#include "credentials/password_policy.hpp"
#include "store/registry.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace sekisho::operations {

namespace {

using store::UserStatus;

struct Context {
    CliArgs args;
    const Invocation* invocation = nullptr;
    std::ostream& out() const { return *invocation->out; }
    std::istream& in() const { return *invocation->in; }
    std::string actor;
    std::shared_ptr<store::Registry> registry; // opened once per command
    store::UserRegistry& users() const { return registry->users(); }
    store::LoginRecords& logins() const { return registry->logins(); }
    store::BreakGlass& break_glass() const { return registry->break_glass(); }
    config::Config config; // the gateway's: break-glass needs auth.break_glass
    bool json = false;
};

store::UnixSeconds now() { return store::system_clock_now(); }

credentials::Argon2Params argon2_of(const config::Config& config) {
    const auto& a = config.auth.argon2;
    return credentials::Argon2Params{a.memory_kib, a.iterations, a.parallelism};
}

const std::string& id_of(const Context& context) { return context.args.positionals.at(0); }

store::User find_user(const Context& context, const std::string& id) {
    auto user = context.users().get_user(id);
    if (!user) {
        throw std::runtime_error("no user '" + id + "' in the registry " + context.registry->location() +
                                 " (see 'sekishoctl user list')");
    }
    return *user;
}

// The user a command changes. Through the API, an administrator's account only by an admin:
// security resets people's passwords, not the passwords of those who administer it.
store::User changeable_user(const Context& context) {
    store::User user = find_user(context, id_of(context));
    const auto& roles = context.invocation->caller_roles;
    if (context.invocation->remote && is_administrator(user) &&
        std::find(roles.begin(), roles.end(), "admin") == roles.end())
        throw std::runtime_error("user '" + user.id + "' is an administrator: only an admin may change that account");
    return user;
}

// The user as it is now; with a freshly set password, that password once (JSON:
// "temporary_password", which is the only time it is ever shown).
void print_user(const Context& context, const store::User& user, const std::string& temporary_password = {}) {
    if (context.json) {
        boost::json::object out = user_json(user, now());
        if (!temporary_password.empty()) out["temporary_password"] = temporary_password;
        context.out() << json_line(out);
        return;
    }
    context.out() << user_text(user, now());
    if (!temporary_password.empty()) {
        context.out() << "\ntemporary password: " << temporary_password
                  << "\n(shown this once; hand it over in person — it must be changed at the first login)\n";
    }
}

void check_id(const CliArgs& args) {
    if (!args.positionals.empty() && !store::is_valid_user_id(args.positionals[0])) {
        throw std::invalid_argument("user id '" + args.positionals[0] + "' is not 1 to 64 of A-Z a-z 0-9 . _ @ -");
    }
}

void check_days(const CliArgs& args) {
    if (const auto days = args.get("--days")) parse_integer_option("--days", *days, 1, 3650);
}

void check_add(const CliArgs& args) {
    check_id(args);
    for (const auto& role : args.all("--role")) {
        if (!store::is_valid_role(role)) throw std::invalid_argument("--role '" + role + "' is not [a-z0-9_-]+");
    }
    if (args.has("--must-change") && !args.has("--password-stdin")) {
        throw std::invalid_argument("--must-change goes with --password-stdin (a generated password always must be changed)");
    }
}

int do_add(Context& context) {
    NewUser request;
    request.id = id_of(context);
    request.display_name = context.args.get("--name").value_or("");
    request.facility = context.args.require("--facility");
    request.roles = context.args.all("--role");
    request.actor = context.actor;
    request.argon2 = argon2_of(context.config);
    request.policy = password_policy_of(context.config.auth);
    if (context.args.has("--password-stdin")) {
        request.password = read_password_line(context.in());
        request.must_change = context.args.has("--must-change");
    } else {
        request.must_change = true;
    }
    if (context.users().get_user(request.id)) {
        // Before the Argon2id work; the registry refuses a duplicate too.
        throw std::runtime_error("user '" + request.id + "' already exists (ids are unique regardless of case)");
    }
    const AddedUser added = add_user(context.users(), request);
    if (context.args.has("--break-glass")) {
        context.break_glass().set_break_glass_account(added.user.id, true, "created as an emergency account",
                                                      context.actor);
        print_user(context, find_user(context, added.user.id), added.password);
        return 0;
    }
    print_user(context, added.user, added.password);
    return 0;
}

// Opens the period in which an emergency account may log in; at most
// auth.break_glass.max_duration, and only where the gateway's configuration enables it.
int do_break_glass_open(Context& context) {
    const auto& policy = context.config.auth.break_glass;
    if (!policy.enabled) {
        throw std::runtime_error("break-glass is off in " + context.config.source_file +
                                 ": set auth.break_glass.enabled: true to allow emergency accounts");
    }
    config::Seconds duration = policy.max_duration;
    if (auto text = context.args.get("--for")) {
        std::string error;
        auto parsed = config::detail::parse_duration(*text, error);
        if (!parsed) throw UsageError("user break-glass-open: --for: " + error, user_usage("break-glass-open"));
        if (*parsed > policy.max_duration) {
            throw std::runtime_error("--for " + *text + " is longer than auth.break_glass.max_duration (" +
                                     config::detail::format_duration(policy.max_duration) + ")");
        }
        duration = *parsed;
    }
    const store::User user = changeable_user(context);
    context.break_glass().set_break_glass_period(user.id, now() + duration.count(),
                                                 context.args.require("--reason"), context.actor);
    print_user(context, find_user(context, user.id));
    return 0;
}

int do_break_glass_close(Context& context) {
    const store::User user = changeable_user(context);
    context.break_glass().set_break_glass_period(user.id, std::nullopt, context.args.require("--reason"),
                                                 context.actor);
    print_user(context, find_user(context, user.id));
    return 0;
}

int do_reset_password(Context& context) {
    const std::string& note = context.args.require("--identity-check");
    const store::User user = changeable_user(context);
    std::string temporary;
    std::string hash;
    if (context.args.has("--password-stdin")) {
        hash = new_password_hash(context.users(), user, read_password_line(context.in()), context.config.auth);
    } else {
        temporary = generate_password(user.id, user.display_name);
        hash = credentials::hash_password(temporary, argon2_of(context.config));
    }
    context.users().set_password(user.id, hash, true, context.actor, note,
                                 store::PasswordChange::admin_reset);
    print_user(context, find_user(context, user.id), temporary);
    return 0;
}

int do_set_status(Context& context, UserStatus status) {
    const store::User user = changeable_user(context);
    context.users().set_status(user.id, status, context.args.require("--reason"), context.actor);
    print_user(context, find_user(context, user.id));
    return 0;
}

int do_unlock(Context& context) {
    const store::User user = changeable_user(context);
    context.logins().unlock(user.id, context.actor);
    print_user(context, find_user(context, user.id));
    return 0;
}

int do_list(Context& context) {
    const auto users = context.users().list_users(context.args.get("--facility"));
    context.out() << listing(
        context.json, "users", users, [](const auto& user) { return user_json(user, now()); },
        [](const auto& all) { return user_table(all, now()); });
    return 0;
}

int do_disable_unused(Context& context) {
    return disable_unused_users(context.out(), context.users(), unused_period(context.args.get("--days"), context.config),
                                context.actor, context.args.has("--dry-run"), context.json);
}

int do_show(Context& context) {
    print_user(context, find_user(context, id_of(context)));
    return 0;
}

struct Subcommand {
    const char* name;
    std::vector<OptionSpec> options;
    std::vector<std::string> required;
    std::size_t positionals; // exactly this many: the user id
    void (*check)(const CliArgs&);
    int (*run)(Context&);
};

const std::vector<Subcommand>& subcommands() {
    static const std::vector<Subcommand> kList = {
        {"add",
         {{"--facility"},
          {"--role", true, true},
          {"--name"},
          {"--password-stdin", false},
          {"--must-change", false},
          {"--break-glass", false}},
         {"--facility", "--role"}, 1, check_add, do_add},
        {"reset-password", {{"--identity-check"}, {"--password-stdin", false}}, {"--identity-check"}, 1, check_id,
         do_reset_password},
        {"disable", {{"--reason"}}, {"--reason"}, 1, check_id,
         [](Context& c) { return do_set_status(c, UserStatus::disabled); }},
        {"enable", {{"--reason"}}, {"--reason"}, 1, check_id,
         [](Context& c) { return do_set_status(c, UserStatus::active); }},
        {"unlock", {}, {}, 1, check_id, do_unlock},
        {"break-glass-open", {{"--reason"}, {"--for"}}, {"--reason"}, 1, check_id, do_break_glass_open},
        {"break-glass-close", {{"--reason"}}, {"--reason"}, 1, check_id, do_break_glass_close},
        {"disable-unused", {{"--days"}, {"--dry-run", false}}, {}, 0, check_days, do_disable_unused},
        {"list", {{"--facility"}}, {}, 0, check_id, do_list},
        {"show", {}, {}, 1, check_id, do_show},
    };
    return kList;
}

} // namespace

int run_user(const std::vector<std::string>& args, const Invocation& invocation) {
    const std::size_t index = leading_common_options(args);
    const std::string& name = subcommand_word(args, index, "user", user_usage());
    if (is_help(name)) {
        *invocation.out << user_usage();
        return 0;
    }
    const auto& sub = find_subcommand(subcommands(), "user", name, user_usage());

    const std::string& usage = user_usage(sub.name);
    const auto rest = subcommand_args(args, index);
    if (asks_for_help(rest)) {
        *invocation.out << usage;
        return 0;
    }
    Context context;
    context.invocation = &invocation;
    parse_subcommand_args("user", sub.name, usage, [&] {
        context.args = parse_registry_args(rest, sub.options, sub.positionals);
        if (context.args.positionals.size() < sub.positionals) throw std::invalid_argument("missing ID");
        for (const auto& option : sub.required) context.args.require(option);
        sub.check(context.args);
    });
    context.json = context.args.has("--json");
    context.actor = invocation.actor;
    if (invocation.remote && context.args.has("--config"))
        throw UsageError("user " + std::string(sub.name) + ": --config is the gateway's own through the API", usage);
    if (invocation.registry) { // the gateway's, through the administration API
        context.config = *invocation.config;
        context.registry = invocation.registry;
    } else {
        context.config = load_registry_config(config_path_of(context.args), "user");
        context.registry = store::open_registry(context.config.registry);
    }
    return sub.run(context);
}

} // namespace sekisho::operations
