#include "gateway/admin/admin_sessions.hpp"

#include "gateway/events/log.hpp"
#include "operations/cli_args.hpp"
#include "operations/device_output.hpp"

#include <boost/json.hpp>

namespace sekisho::gateway {
namespace {

namespace json = boost::json;
using operations::CliArgs;

const std::string kUsage =
    "usage: sekishoctl --remote URL ... session <subcommand> [options]\n"
    "\n"
    "subcommands:\n"
    "  list [--user ID] [--device FINGERPRINT] [--facility F] [--json]\n"
    "                      live login sessions (SESSION is the handle 'end' takes)\n"
    "  end SESSION         end one session; its connections close at once\n"
    "  end-user ID         end every session of a user: log out everywhere\n"
    "\n"
    "Sessions live in the gateway (memory, or Redis shared by its instances): these commands\n"
    "work only through the administration API.\n";

std::string handle_of(const session::Session& s) { return s.id_hash.substr(0, 16); }

json::object session_json(const session::Session& s) {
    json::array roles;
    for (const auto& r : s.roles) roles.emplace_back(r);
    return {{"session", handle_of(s)},
            {"user", s.user},
            {"user_facility", s.user_facility},
            {"roles", std::move(roles)},
            {"device", s.device},
            {"terminal_facility", s.terminal_facility},
            {"source", s.source},
            {"created_at", s.created_at},
            {"last_seen", s.last_seen},
            {"break_glass", s.break_glass}};
}

std::string session_table(const std::vector<session::Session>& sessions) {
    std::vector<std::vector<std::string>> rows{{"SESSION", "USER", "FACILITY", "DEVICE", "SOURCE", "SINCE", "LAST SEEN"}};
    for (const auto& s : sessions)
        rows.push_back({handle_of(s), s.user, s.terminal_facility, s.device.substr(0, 16), s.source,
                        operations::iso_time(s.created_at), operations::iso_time(s.last_seen)});
    return operations::render_table(rows);
}

// User ids are unique regardless of (ASCII) case, as the registry compares them.
bool same_user(const session::Session& s, const std::string& id) { return beast::iequals(s.user, id); }

bool matches(const session::Session& s, const CliArgs& args) {
    if (auto u = args.get("--user"); u && !same_user(s, *u)) return false;
    if (auto d = args.get("--device"); d && s.device != *d) return false;
    if (auto f = args.get("--facility"); f && s.terminal_facility != *f && s.user_facility != *f) return false;
    return true;
}

CommandOutcome usage_error(const std::string& what) { return {2, "", "session: " + what + "\n\n" + kUsage}; }

} // namespace

Task<CommandOutcome> run_session_command(std::vector<std::string> args, std::string actor, auth::AuthService& auth,
                                         std::shared_ptr<const config::Config> cfg) {
    if (args.size() < 2) co_return usage_error("missing subcommand");
    const std::string sub = args[1];
    if (operations::is_help(sub)) co_return CommandOutcome{0, kUsage, ""};
    CliArgs parsed;
    try {
        const std::vector<std::string> rest(args.begin() + 2, args.end());
        if (sub == "list") {
            parsed = operations::parse_args(rest, {{"--user"}, {"--device"}, {"--facility"}, {"--json", false}}, 0);
        } else if (sub == "end" || sub == "end-user") {
            parsed = operations::parse_args(rest, {{"--json", false}}, 1);
            if (parsed.positionals.size() != 1) throw std::invalid_argument(sub == "end" ? "missing SESSION" : "missing ID");
        } else {
            co_return usage_error("unknown subcommand '" + sub + "'");
        }
    } catch (const std::invalid_argument& e) {
        co_return usage_error(sub + ": " + e.what());
    }
    CommandOutcome outcome;
    try {
        auto listing = auth.list_sessions(cfg->auth);
        std::vector<session::Session> all = co_await std::move(listing);
        std::vector<session::Session> chosen;
        for (auto& s : all) {
            if (sub == "list" ? matches(s, parsed)
                              : sub == "end" ? handle_of(s) == parsed.positionals[0]
                                             : same_user(s, parsed.positionals[0]))
                chosen.push_back(std::move(s));
        }
        if (sub == "list") {
            outcome.output = operations::listing(parsed.has("--json"), "sessions", chosen, session_json, session_table);
            co_return outcome;
        }
        if (sub == "end" && chosen.empty()) co_return CommandOutcome{1, "", "no live session " + parsed.positionals[0] + " (see 'session list')"};
        auto ending = auth.end_sessions(chosen, "ended_by_administrator");
        const std::size_t ended = co_await std::move(ending);
        log_event(spdlog::level::warn, "admin.sessions_ended",
                  {{"actor", actor}, {"what", sub + " " + parsed.positionals[0]}, {"count", std::to_string(ended)}});
        outcome.output = parsed.has("--json") ? operations::json_line(json::object{{"ended", ended}})
                                              : "ended " + std::to_string(ended) + " session(s)\n";
        if (sub == "end-user" && ended == 0)
            outcome.error = "user '" + parsed.positionals[0] + "' has no live session here (none was ended)";
    } catch (const std::exception& e) {
        outcome = {1, "", std::string("the session store cannot answer: ") + e.what()};
    }
    co_return outcome;
}

} // namespace sekisho::gateway
