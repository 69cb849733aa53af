#include "gateway/admin/admin_api.hpp"

#include "gateway/admin/admin_sessions.hpp"
#include "gateway/events/log.hpp"
#include "gateway/http/request_checks.hpp"
#include "operations/administrators.hpp"
#include "operations/device.hpp"
#include "operations/usage_error.hpp"
#include "operations/user.hpp"
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

std::string command_text(const std::vector<std::string>& args) {
    std::string text;
    for (const auto& a : args) text += (text.empty() ? "" : " ") + a;
    return text.size() > 512 ? text.substr(0, 512) + "…" : text;
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
    if (header.size() <= scheme.size() || !std::equal(scheme.begin(), scheme.end(), header.begin(),
                                                      [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
        return std::nullopt;
    auto decoded = pki::base64_decode(header.substr(scheme.size()));
    if (!decoded) return std::nullopt;
    const auto colon = decoded->find(':');
    if (colon == std::string::npos) return std::nullopt;
    return std::pair{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

bool same_user_id(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

// Blocking pool: the registry commands, as sekishoctl runs them on the host.
CommandOutcome run_registry_command(const ApiCall& call, const std::string& actor, const AdminApiContext& ctx,
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
    invocation.read_file = [&call](const std::string& name) {
        auto it = call.files.find(name);
        if (it == call.files.end())
            throw std::runtime_error(name + ": the management terminal did not send this file with the command");
        return it->second;
    };
    const std::vector<std::string> rest(call.args.begin() + 1, call.args.end());
    CommandOutcome outcome;
    try {
        outcome.exit = call.args[0] == "device" ? operations::run_device(rest, invocation)
                                                : operations::run_user(rest, invocation);
    } catch (const operations::UsageError& e) {
        outcome.exit = 2;
        outcome.error = std::string(e.what()) + "\n\n" + e.usage();
    } catch (const std::exception& e) {
        outcome.exit = 1;
        outcome.error = e.what();
    }
    outcome.output = out.str();
    return outcome;
}

} // namespace

bool is_admin_api_path(std::string_view path) { return path.starts_with("/api/"); }

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
    const auto refuse = [&](http::status status, const std::string& why, const std::string& user) {
        log_event(spdlog::level::warn, "admin.api_refused",
                  {{"peer", peer.endpoint}, {"user", user}, {"reason", why},
                   {"certificate", certificate ? certificate->identity.subject : std::string()}});
        auto res = json_response(status, {{"error", why}}, keep_alive);
        if (status == http::status::unauthorized) res.set(http::field::www_authenticate, "Basic realm=\"sekisho-admin\"");
        return res;
    };
    if (!cfg->admin.api || !certificate)
        co_return refuse(http::status::not_found, "the administration API is off: it needs admin.tls and admin.api", "");
    if (!in_ranges(peer, cfg->admin.api->allow_from))
        co_return refuse(http::status::forbidden, "this address is not in admin.api.allow_from", "");
    if (target_path(req.target()) != "/api/v1/run")
        co_return refuse(http::status::not_found, "no such API path; POST /api/v1/run", "");
    if (req.method() != http::verb::post) co_return refuse(http::status::method_not_allowed, "POST only", "");
    const auto credentials = basic_credentials(req[http::field::authorization]);
    if (!credentials)
        co_return refuse(http::status::unauthorized, "HTTP Basic credentials (user id and password) are required", "");
    const auto& [user_id, password] = *credentials;
    if (certificate->common_name.empty() || !same_user_id(user_id, certificate->common_name))
        co_return refuse(http::status::forbidden, "the user id is not the operator certificate's subject CN", user_id);
    std::string error;
    auto call = parse_call(req.body(), error);
    if (!call) co_return refuse(http::status::bad_request, error, user_id);

    auto checking = ctx.auth.check_operator(user_id, password, certificate->identity, peer.address, cfg);
    const auto check = co_await std::move(checking);
    if (!check.user)
        co_return refuse(check.unavailable ? http::status::service_unavailable : http::status::unauthorized,
                         check.unavailable ? "the registry cannot be read now" : "authentication failed", user_id);
    if (auto why = operations::command_refused(check.user->roles, call->args))
        co_return refuse(http::status::forbidden, *why, check.user->id);

    const std::string actor = "admin:" + check.user->id;
    CommandOutcome outcome;
    if (call->args[0] == "session") {
        auto running = run_session_command(call->args, actor, ctx.auth, cfg);
        outcome = co_await std::move(running);
    } else {
        auto running = asio::co_spawn(
            ctx.blocking, [&]() -> Task<CommandOutcome> { co_return run_registry_command(*call, actor, ctx, cfg); },
            asio::use_awaitable);
        outcome = co_await std::move(running);
    }
    log_event(outcome.exit == 0 ? spdlog::level::info : spdlog::level::warn, "admin.api_call",
              {{"actor", actor}, {"peer", peer.endpoint}, {"command", command_text(call->args)},
               {"exit", std::to_string(outcome.exit)}, {"certificate", certificate->identity.subject}});
    co_return json_response(http::status::ok,
                            {{"exit", outcome.exit}, {"output", outcome.output}, {"error", outcome.error}}, keep_alive);
}

} // namespace sekisho::gateway
