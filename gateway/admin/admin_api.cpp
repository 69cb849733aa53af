#include "gateway/admin/admin_api.hpp"

#include "gateway/admin/admin_sessions.hpp"
#include "gateway/auth/auth_support.hpp"
#include "gateway/events/log.hpp"
#include "gateway/http/http_error.hpp"
#include "gateway/http/request_checks.hpp"
#include "operations/administrators.hpp"
#include "operations/device.hpp"
#include "operations/disclose.hpp"
#include "operations/usage_error.hpp"
#include "operations/user.hpp"
#include "operations/user_password.hpp"
#include "session/concurrent_attempts.hpp"
#include "store/user_registry.hpp"
#include "pki/certificate.hpp"
#include "pki/est_messages.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <openssl/x509.h>

#include <map>
#include <sstream>

namespace sekisho::gateway {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxArgs = 64;
constexpr std::size_t kMaxArgBytes = 4096;
constexpr std::size_t kMaxFiles = 4;
constexpr std::size_t kMaxOutput = 8 * 1024 * 1024; // a listing larger than this wants --since/--limit
constexpr std::size_t kLoggedArgBytes = 200;        // per argument in the log; option names stay whole

// Commands in flight: two per administrator (nobody types faster), eight in all, so that a
// low-privilege account cannot hold the blocking pool that terminal logins also need.
session::ConcurrentAttempts& command_slots() {
    static session::ConcurrentAttempts slots(2, 8);
    return slots;
}

// One self-disclosure at a time in the whole gateway (its thread is one too): a second asker
// is told to come back rather than queued.
session::ConcurrentAttempts& disclosure_slots() {
    static session::ConcurrentAttempts slots(1, 1);
    return slots;
}

struct ApiCall {
    std::vector<std::string> args;
    std::string stdin_text;
    std::map<std::string, std::string> files; // name → contents, as the management terminal sent them
};

Response json_response(http::status status, const json::object& body, bool keep_alive) {
    Response res{status, 11};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.body() = json::serialize(body) + "\n";
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

// The command for the log and the audit trail: a JSON array, so that argument boundaries
// stay visible; each argument cut at a character boundary, never dropped.
std::string command_text(const std::vector<std::string>& args) {
    json::array out;
    for (const auto& a : args) {
        std::size_t cut = std::min(a.size(), kLoggedArgBytes);
        while (cut < a.size() && cut > 0 && (static_cast<unsigned char>(a[cut]) & 0xC0) == 0x80) --cut;
        out.emplace_back(cut < a.size() ? a.substr(0, cut) + "…" : a);
    }
    return json::serialize(out);
}

// A browser holding an operator certificate (for /dashboard) must not be made to post here
// by another site: the API takes only what a browser cannot send without asking (a JSON
// content type), and nothing a browser marks as its own (Origin, Sec-Fetch-*).
std::optional<std::string> browser_request(const Request& req) {
    if (req.count(http::field::origin) || req.count("Sec-Fetch-Site") || req.count("Sec-Fetch-Mode"))
        return "the administration API is not for browsers";
    const auto type = req[http::field::content_type];
    const auto media = type.substr(0, std::min(type.find(';'), type.size()));
    if (!beast::iequals(media, "application/json")) return "the request must be Content-Type: application/json";
    return std::nullopt;
}

// GET /disclosure?format=html&lang=ja as the command `disclose --format html --lang ja`.
std::optional<ApiCall> disclosure_call(std::string_view target, std::string& error) {
    std::string format = "html", lang = "ja";
    const auto q = target.find('?');
    std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const auto pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
        const auto eq = pair.find('=');
        const auto key = pair.substr(0, eq);
        const auto value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        if (key == "format" && (value == "html" || value == "json" || value == "csv" || value == "text"))
            format = value;
        else if (key == "lang" && (value == "ja" || value == "en"))
            lang = value;
        else {
            error = "GET /disclosure takes format=html|json|csv|text and lang=ja|en";
            return std::nullopt;
        }
    }
    ApiCall call;
    call.args = {"disclose", "--format", format, "--lang", lang};
    return call;
}

std::string_view disclosure_content_type(const std::vector<std::string>& args) {
    const auto& format = args.at(2);
    if (format == "html") return "text/html; charset=utf-8";
    if (format == "json") return "application/json";
    if (format == "csv") return "text/csv; charset=utf-8";
    return "text/plain; charset=utf-8";
}

std::optional<ApiCall> parse_call(const std::string& body, std::string& error) {
    boost::system::error_code ec;
    const json::value doc = json::parse(body, ec);
    if (ec || !doc.is_object()) {
        error = "the body must be a JSON object {\"args\": [...]}";
        return std::nullopt;
    }
    const auto& o = doc.as_object();
    ApiCall call;
    const auto* args = o.if_contains("args");
    if (!args || !args->is_array() || args->as_array().empty() || args->as_array().size() > kMaxArgs) {
        error = "\"args\" must be a non-empty array of at most " + std::to_string(kMaxArgs) + " strings";
        return std::nullopt;
    }
    for (const auto& a : args->as_array()) {
        if (!a.is_string() || a.as_string().size() > kMaxArgBytes) {
            error = "every element of \"args\" must be a string of at most " + std::to_string(kMaxArgBytes) + " bytes";
            return std::nullopt;
        }
        call.args.emplace_back(a.as_string());
    }
    if (const auto* in = o.if_contains("stdin")) {
        if (!in->is_string()) {
            error = "\"stdin\" must be a string";
            return std::nullopt;
        }
        call.stdin_text = std::string(in->as_string());
    }
    if (const auto* files = o.if_contains("files")) {
        if (!files->is_object() || files->as_object().size() > kMaxFiles) {
            error = "\"files\" must be an object of at most " + std::to_string(kMaxFiles) + " name: text pairs";
            return std::nullopt;
        }
        for (const auto& [name, text] : files->as_object()) {
            if (!text.is_string()) {
                error = "\"files\" values must be strings";
                return std::nullopt;
            }
            call.files.emplace(std::string(name), std::string(text.as_string()));
        }
    }
    return call;
}

// "Basic base64(user:password)".
std::optional<std::pair<std::string, std::string>> basic_credentials(std::string_view header) {
    constexpr std::string_view scheme = "Basic ";
    if (header.size() <= scheme.size() || !beast::iequals(header.substr(0, scheme.size()), scheme)) return std::nullopt;
    auto decoded = pki::base64_decode(header.substr(scheme.size()));
    if (!decoded) return std::nullopt;
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

// Blocking pool: the registry commands, as sekishoctl runs them on the host.
CommandOutcome run_registry_command(const ApiCall& call, const std::string& actor,
                                    const std::vector<std::string>& roles, const AdminApiContext& ctx,
                                    std::shared_ptr<const config::Config> cfg) {
    std::ostringstream out;
    std::istringstream in(call.stdin_text);
    operations::Invocation invocation;
    invocation.actor = actor;
    invocation.out = &out;
    invocation.in = &in;
    invocation.registry = ctx.registry;
    invocation.config = std::move(cfg);
    invocation.remote = true;
    invocation.caller_roles = roles;
    invocation.read_file = [&call](const std::string& name) {
        auto it = call.files.find(name);
        if (it == call.files.end())
            throw std::runtime_error(name + ": the management terminal did not send this file with the command");
        return it->second;
    };
    const std::vector<std::string> rest(call.args.begin() + 1, call.args.end());
    CommandOutcome outcome;
    try {
        outcome.exit = call.args[0] == "device"     ? operations::run_device(rest, invocation)
                       : call.args[0] == "disclose" ? operations::run_disclose(rest, invocation)
                                                    : operations::run_user(rest, invocation); // "user"
    } catch (const operations::UsageError& e) {
        outcome.exit = 2;
        outcome.error = std::string(e.what()) + "\n\n" + e.usage();
    } catch (const std::exception& e) {
        outcome.exit = 1;
        outcome.error = e.what();
    }
    outcome.output = out.str();
    if (outcome.output.size() > kMaxOutput) {
        outcome = {1, "", "the output is larger than " + std::to_string(kMaxOutput / (1024 * 1024)) +
                              " MiB: narrow the command (--facility, --status, ledger --since/--limit)"};
    }
    return outcome;
}

// Blocking pool: the administrator's own new password (the first line of stdin).
CommandOutcome change_password(const ApiCall& call, const store::User& user, const std::string& actor,
                               const AdminApiContext& ctx, const config::Config& cfg) {
    try {
        std::istringstream in(call.stdin_text);
        operations::change_own_password(ctx.registry->users(), user, operations::read_password_line(in), cfg.auth,
                                        actor);
        return {0, "password changed\n", ""};
    } catch (const std::exception& e) {
        return {1, "", e.what()};
    }
}

} // namespace

bool is_admin_api_path(std::string_view path) { return path.starts_with("/api/") || path == "/disclosure"; }

std::optional<OperatorCertificate> operator_certificate(SSL* ssl) {
    X509* cert = ssl ? SSL_get0_peer_certificate(ssl) : nullptr;
    if (!cert) return std::nullopt;
    OperatorCertificate out;
    out.common_name = pki::common_name_of(cert);
    out.identity.device = pki::sha256_fingerprint_hex(cert);
    out.identity.subject = pki::subject_of(cert);
    return out;
}

Task<Response> answer_admin_api(const Request& req, const std::optional<OperatorCertificate>& certificate,
                                const Peer& peer, const AdminApiContext& ctx) {
    const bool keep_alive = req.keep_alive();
    const auto rt = ctx.runtime.current();
    const auto cfg = std::shared_ptr<const config::Config>(rt, &rt->config);
    // No WWW-Authenticate on a 401: a browser would ask for, and then keep sending, the password.
    const auto refuse = [&](http::status status, const std::string& why, const std::string& user) {
        log_event(spdlog::level::warn, "admin.api_refused",
                  {{"peer", peer.endpoint}, {"user", auth::loggable_user(user)}, {"reason", why},
                   {"certificate", certificate ? certificate->identity.subject : std::string()}});
        return json_response(status, {{"error", why}}, keep_alive);
    };
    if (!cfg->admin.api || !certificate)
        co_return refuse(http::status::not_found, "the administration API is off: it needs admin.tls and admin.api", "");
    if (!in_ranges(peer, cfg->admin.api->allow_from))
        co_return refuse(http::status::forbidden, "this address is not in admin.api.allow_from", "");
    // GET /disclosure[?format=html|json|csv|text&lang=ja|en]: the self-disclosure, read-only,
    // through the same checks as a command (it is the command disclose).
    const bool disclosure_page = target_path(req.target()) == "/disclosure";
    if (!disclosure_page && target_path(req.target()) != "/api/v1/run")
        co_return refuse(http::status::not_found, "no such API path; POST /api/v1/run, GET /disclosure", "");
    if (disclosure_page && req.method() != http::verb::get && req.method() != http::verb::head)
        co_return refuse(http::status::method_not_allowed, "GET only", "");
    if (!disclosure_page && req.method() != http::verb::post) co_return refuse(http::status::method_not_allowed, "POST only", "");
    if (auto why = browser_request(req); why && !disclosure_page) co_return refuse(http::status::forbidden, *why, "");
    const auto credentials = basic_credentials(req[http::field::authorization]);
    if (!credentials)
        co_return refuse(http::status::unauthorized, "HTTP Basic credentials (user id and password) are required", "");
    const auto& [user_id, password] = *credentials;
    if (!store::is_valid_user_id(user_id) || certificate->common_name.empty() ||
        !beast::iequals(user_id, certificate->common_name)) // ids are unique regardless of (ASCII) case
        co_return refuse(http::status::forbidden, "the user id is not the operator certificate's subject CN", user_id);
    std::string error;
    auto call = disclosure_page ? disclosure_call(req.target(), error) : parse_call(req.body(), error);
    if (!call) co_return refuse(http::status::bad_request, error, user_id);

    auto checking = ctx.auth.check_operator(user_id, password, certificate->identity, peer.address, cfg);
    const auto check = co_await std::move(checking);
    if (!check.user)
        co_return refuse(check.unavailable ? http::status::service_unavailable : http::status::unauthorized,
                         check.unavailable ? "the registry cannot be read now" : "authentication failed", user_id);
    const store::User& user = *check.user;
    const std::string& group = call->args[0];
    if (user.must_change && group != "password")
        co_return refuse(http::status::forbidden,
                         "the password must be changed first: sekishoctl --remote ... password", user.id);
    if (auto why = operations::command_refused(user.roles, call->args))
        co_return refuse(http::status::forbidden, *why, user.id);
    auto slot = command_slots().acquire({"admin:" + user.id});
    if (slot.empty())
        co_return refuse(http::status::too_many_requests, "too many commands in flight; try again", user.id);

    const std::string actor = "admin:" + user.id;
    CommandOutcome outcome;
    if (group == "session") {
        auto running = run_session_command(call->args, actor, ctx.auth, cfg);
        outcome = co_await std::move(running);
    } else if (group == "disclose") {
        auto only = disclosure_slots().acquire({"disclose"});
        if (only.empty())
            co_return refuse(http::status::too_many_requests, "a disclosure is being made; try again in a moment", user.id);
        auto running = asio::co_spawn(
            ctx.reports, [&]() -> Task<CommandOutcome> { co_return run_registry_command(*call, actor, user.roles, ctx, cfg); },
            asio::use_awaitable);
        outcome = co_await std::move(running);
    } else if (group == "device" || group == "user" || group == "password") {
        auto running = asio::co_spawn(
            ctx.blocking,
            [&]() -> Task<CommandOutcome> {
                co_return group == "password" ? change_password(*call, user, actor, ctx, *cfg)
                                              : run_registry_command(*call, actor, user.roles, ctx, cfg);
            },
            asio::use_awaitable);
        outcome = co_await std::move(running);
    } else {
        co_return refuse(http::status::forbidden, "'" + group + "' is not a command of the administration API", user.id);
    }
    log_event(outcome.exit == 0 ? spdlog::level::info : spdlog::level::warn, "admin.api_call",
              {{"actor", actor}, {"peer", peer.endpoint}, {"command", command_text(call->args)},
               {"exit", std::to_string(outcome.exit)}, {"certificate", certificate->identity.subject}});
    if (disclosure_page) {
        if (outcome.exit != 0)
            co_return json_response(http::status::internal_server_error, {{"error", outcome.error}}, keep_alive);
        co_return make_text_response(http::status::ok, disclosure_content_type(call->args), std::move(outcome.output),
                                     keep_alive);
    }
    co_return json_response(http::status::ok,
                            {{"exit", outcome.exit}, {"output", outcome.output}, {"error", outcome.error}}, keep_alive);
}

} // namespace sekisho::gateway
