#include "gateway/upstream/identity.hpp"

#include "gateway/auth/cookies.hpp"
#include "gateway/auth/login_policy.hpp"
#include "gateway/events/temporary_devices.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <vector>

namespace sekisho::gateway {
namespace {

bool starts_with_icase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && beast::iequals(s.substr(0, prefix.size()), prefix);
}

std::vector<std::string> connection_tokens(const http::fields& fields) {
    std::vector<std::string> out;
    for (auto it = fields.find(http::field::connection); it != fields.end() && it->name() == http::field::connection; ++it) {
        for (auto token : http::token_list{it->value()}) out.emplace_back(token);
    }
    return out;
}

} // namespace

void strip_hop_by_hop(http::fields& fields, bool keep_upgrade) {
    for (const auto& token : connection_tokens(fields)) {
        if (keep_upgrade && beast::iequals(token, "upgrade")) continue;
        fields.erase(token);
    }
    fields.erase(http::field::connection);
    fields.erase(http::field::keep_alive);
    fields.erase(http::field::proxy_connection);
    fields.erase(http::field::te);
    fields.erase(http::field::trailer);
    fields.erase(http::field::transfer_encoding);
    fields.erase(http::field::proxy_authorization);
    fields.erase(http::field::proxy_authenticate);
    if (keep_upgrade) {
        fields.set(http::field::connection, "upgrade");
    } else {
        fields.erase(http::field::upgrade);
    }
}

std::string make_assertion(const pki::Es256Signer& signer, const config::AssertionConfig& cfg,
                           const config::Route& route, const ClientIdentity& id, const UserIdentity* user,
                           std::chrono::system_clock::time_point now) {
    const auto iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    boost::json::object claims;
    claims["iss"] = cfg.issuer;
    claims["aud"] = route.audience.empty() ? route.name : route.audience;
    claims["iat"] = iat;
    claims["exp"] = iat + cfg.ttl.count();
    claims["device"] = id.device;
    claims["facility"] = id.facility;
    // A lost terminal's stand-in (the registry's mark): backends may restrict what it does.
    if (is_temporary_device(id.device)) claims["temporary"] = true;
    if (user) {
        claims["sub"] = user->user;
        claims["name"] = user->name;
        claims["user_facility"] = user->facility;
        boost::json::array roles;
        for (const auto& role : user->roles) roles.emplace_back(role);
        claims["roles"] = std::move(roles);
        claims["sid"] = user->session_ref;
    }
    return signer.sign(boost::json::serialize(claims));
}

void rewrite_for_upstream(Request& req, const ClientIdentity& id, const UserIdentity* user,
                          std::string_view peer_ip, std::string_view assertion, bool websocket_upgrade,
                          std::string_view request_id) {
    strip_hop_by_hop(req, websocket_upgrade);
    auth::strip_session_cookie(req);

    // CGI, WSGI and PHP-FPM map '-' and '_' alike to HTTP_X_SEKISHO_USER, so an underscore
    // name would pose as ours; like nginx (underscores_in_headers off), none is forwarded.
    std::vector<std::string> dropped;
    for (const auto& f : req)
        if (starts_with_icase(f.name_string(), "x-sekisho-") ||
            f.name_string().find('_') != std::string_view::npos)
            dropped.emplace_back(f.name_string());
    for (const auto& name : dropped) req.erase(name);

    // The client is a terminal, not a proxy: what it claims about forwarding is not kept,
    // nor the URL overrides some frameworks route by (IIS, Symfony: past our route's roles).
    req.erase(http::field::forwarded);
    for (const char* claim : {"X-Original-URL", "X-Rewrite-URL", "X-Real-IP", "True-Client-IP",
                              "X-Forwarded-Prefix", "X-Forwarded-Port"})
        req.erase(claim);
    req.set("X-Forwarded-For", peer_ip);
    req.set("X-Forwarded-Proto", "https");
    req.set("X-Forwarded-Host", req[http::field::host]);
    req.set("X-Request-Id", request_id); // ours, as in the audit trail: a client's own is replaced

    req.set("X-Sekisho-Device", id.device);
    req.set("X-Sekisho-Facility", id.facility);
    if (is_temporary_device(id.device)) req.set("X-Sekisho-Device-Temporary", "true");
    req.set("X-Sekisho-Jwt-Assertion", assertion);
    if (user) {
        req.set("X-Sekisho-User", user->user);
        req.set("X-Sekisho-Roles", auth::join_roles(user->roles));
        req.set("X-Sekisho-Session", user->session_ref);
    }

    if (!websocket_upgrade || !req.body().empty()) req.prepare_payload();
}

} // namespace sekisho::gateway
