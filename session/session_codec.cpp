#include "session/session_codec.hpp"

#include <boost/json.hpp>

namespace sekisho::session {
namespace json = boost::json;
namespace {

constexpr std::int64_t kVersion = 1;

std::string text(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_string()) throw std::invalid_argument("missing text");
    return std::string(v->get_string());
}

std::int64_t number(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_int64()) throw std::invalid_argument("missing number");
    return v->get_int64();
}

bool flag(const json::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    if (!v || !v->is_bool()) throw std::invalid_argument("missing flag");
    return v->get_bool();
}

} // namespace

std::string encode_session(const Session& s) {
    json::array roles;
    for (const auto& r : s.roles) roles.emplace_back(r);
    json::object o{{"v", kVersion},
                   {"id_hash", s.id_hash},
                   {"user", s.user},
                   {"display_name", s.display_name},
                   {"user_facility", s.user_facility},
                   {"roles", std::move(roles)},
                   {"device", s.device},
                   {"terminal_facility", s.terminal_facility},
                   {"source", s.source},
                   {"created_at", s.created_at},
                   {"last_seen", s.last_seen},
                   {"must_change", s.must_change},
                   {"break_glass", s.break_glass},
                   {"ends_at", s.ends_at},
                   {"user_epoch", s.user_epoch},
                   {"previous_login_from", s.previous_login_from},
                   {"failures_since", s.failures_since}};
    if (s.previous_login_at) o["previous_login_at"] = *s.previous_login_at;
    return json::serialize(o);
}

std::optional<Session> decode_session(std::string_view bytes) {
    try {
        boost::system::error_code ec;
        const json::value v = json::parse(bytes, ec);
        if (ec || !v.is_object()) return std::nullopt;
        const auto& o = v.get_object();
        if (number(o, "v") != kVersion) return std::nullopt;
        Session s;
        s.id_hash = text(o, "id_hash");
        s.user = text(o, "user");
        s.display_name = text(o, "display_name");
        s.user_facility = text(o, "user_facility");
        const auto* roles = o.if_contains("roles");
        if (!roles || !roles->is_array()) return std::nullopt;
        for (const auto& r : roles->get_array()) {
            if (!r.is_string()) return std::nullopt;
            s.roles.emplace_back(r.get_string());
        }
        s.device = text(o, "device");
        s.terminal_facility = text(o, "terminal_facility");
        s.source = text(o, "source");
        s.created_at = number(o, "created_at");
        s.last_seen = number(o, "last_seen");
        s.must_change = flag(o, "must_change");
        s.break_glass = flag(o, "break_glass");
        s.ends_at = number(o, "ends_at");
        s.user_epoch = number(o, "user_epoch");
        if (o.contains("previous_login_at")) s.previous_login_at = number(o, "previous_login_at");
        s.previous_login_from = text(o, "previous_login_from");
        s.failures_since = static_cast<int>(number(o, "failures_since"));
        return s;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace sekisho::session
