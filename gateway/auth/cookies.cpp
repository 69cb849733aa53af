#include "gateway/auth/cookies.hpp"

#include "session/session_id.hpp"

#include <vector>

namespace sekisho::gateway::auth {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Calls f(name, value, pair) for each "name=value" of a Cookie header value.
template <typename F>
void for_each_cookie(std::string_view header, F f) {
    while (!header.empty()) {
        const auto end = header.find(';');
        const auto pair = trim(header.substr(0, end));
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos) f(trim(pair.substr(0, eq)), trim(pair.substr(eq + 1)), pair);
        else if (!pair.empty()) f(pair, std::string_view{}, pair);
        if (end == std::string_view::npos) break;
        header.remove_prefix(end + 1);
    }
}

} // namespace

std::optional<std::string> session_cookie(const http::fields& fields) {
    std::optional<std::string> found;
    int count = 0;
    for (auto it = fields.find(http::field::cookie); it != fields.end() && it->name() == http::field::cookie; ++it) {
        for_each_cookie(it->value(), [&](std::string_view name, std::string_view value, std::string_view) {
            if (name != kSessionCookie) return;
            ++count;
            found = std::string(value);
        });
    }
    if (count != 1 || !session::is_well_formed_session_id(*found)) return std::nullopt;
    return found;
}

void strip_session_cookie(http::fields& fields) {
    std::vector<std::string> kept_headers;
    bool ours = false;
    for (auto it = fields.find(http::field::cookie); it != fields.end() && it->name() == http::field::cookie; ++it) {
        std::string kept;
        for_each_cookie(it->value(), [&](std::string_view name, std::string_view, std::string_view pair) {
            if (name == kSessionCookie) {
                ours = true;
                return;
            }
            if (!kept.empty()) kept += "; ";
            kept += pair;
        });
        if (!kept.empty()) kept_headers.push_back(std::move(kept));
    }
    if (!ours) return;
    fields.erase(http::field::cookie);
    for (auto& value : kept_headers) fields.insert(http::field::cookie, value);
}

void strip_session_set_cookie(http::fields& fields) {
    std::vector<std::string> kept;
    bool ours = false;
    for (auto it = fields.find(http::field::set_cookie); it != fields.end() && it->name() == http::field::set_cookie;
         ++it) {
        const std::string_view value = it->value();
        const auto name = trim(value.substr(0, value.find('=')));
        if (name == kSessionCookie)
            ours = true;
        else
            kept.emplace_back(value);
    }
    if (!ours) return;
    fields.erase(http::field::set_cookie);
    for (auto& value : kept) fields.insert(http::field::set_cookie, value);
}

std::string set_session_cookie(std::string_view id) {
    return std::string(kSessionCookie) + "=" + std::string(id) + "; Secure; HttpOnly; SameSite=Strict; Path=/";
}

std::string clear_session_cookie() {
    return std::string(kSessionCookie) + "=; Max-Age=0; Secure; HttpOnly; SameSite=Strict; Path=/";
}

} // namespace sekisho::gateway::auth
