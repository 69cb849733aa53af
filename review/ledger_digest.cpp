#include "review/ledger_digest.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>

namespace sekisho::review {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

// A login's bookkeeping is the user's own, not an administrator's action: the review shows
// the last login on its own.
constexpr std::array<std::string_view, 4> kLoginBookkeeping = {"user.login", "user.login_failed", "user.locked",
                                                               "user.password_rehash"};

constexpr std::array<std::string_view, 4> kBreakGlassActions = {"user.break_glass_account", "user.break_glass_open",
                                                                "user.break_glass_close", "user.login"};

std::optional<UnixSeconds> until_of(const std::string& details) {
    boost::system::error_code ec;
    const auto parsed = boost::json::parse(details, ec);
    if (ec || !parsed.is_object()) return std::nullopt;
    const auto* until = parsed.as_object().if_contains("until");
    if (until == nullptr || !until->is_int64()) return std::nullopt;
    return until->as_int64();
}

// The user an actor names: the part after its last ':', in lower case.
std::string named_in(std::string_view actor) {
    const auto colon = actor.rfind(':');
    return lower(colon == std::string_view::npos ? actor : actor.substr(colon + 1));
}

template <typename List>
bool contains(const List& list, std::string_view item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

} // namespace

std::vector<std::string> administrator_roles(const store::User& user) {
    std::vector<std::string> roles;
    for (const auto& role : user.roles)
        if (store::is_administration_role(role)) roles.push_back(role);
    return roles;
}

bool actor_names(std::string_view actor, std::string_view user_id) {
    const auto name = named_in(actor);
    return !name.empty() && name == lower(user_id);
}

LedgerDigest::LedgerDigest(const std::vector<store::User>& users, UnixSeconds since,
                           std::size_t actions_per_administrator)
    : since_(since), keep_(actions_per_administrator) {
    for (const auto& user : users) {
        if (!administrator_roles(user).empty()) administrators_.emplace(lower(user.id), user.id);
        if (user.break_glass) break_glass_accounts_.insert(lower(user.id));
    }
}

void LedgerDigest::add(const store::LedgerEntry& entry) {
    add_admin_action(entry);
    add_break_glass_event(entry);
}

void LedgerDigest::add_admin_action(const store::LedgerEntry& entry) {
    if (keep_ == 0 || contains(kLoginBookkeeping, entry.action)) return;
    const auto admin = administrators_.find(named_in(entry.actor));
    if (admin == administrators_.end()) return;
    auto& kept = actions_[admin->second];
    kept.push_back({entry.seq, entry.at, entry.actor, entry.action, entry.subject, entry.reason});
    if (kept.size() > keep_) kept.pop_front();
}

void LedgerDigest::add_break_glass_event(const store::LedgerEntry& entry) {
    if (entry.at < since_ || !contains(kBreakGlassActions, entry.action)) return;
    if (!break_glass_accounts_.contains(lower(entry.subject))) return;
    BreakGlassEvent event{entry.seq, entry.at, entry.subject, entry.action, entry.actor, entry.reason, std::nullopt};
    if (entry.action == "user.break_glass_open") event.until = until_of(entry.details);
    break_glass_.push_back(std::move(event));
}

std::map<std::string, std::vector<AdminAction>> LedgerDigest::admin_actions() const {
    std::map<std::string, std::vector<AdminAction>> out;
    for (const auto& [id, kept] : actions_) out[id] = std::vector<AdminAction>(kept.rbegin(), kept.rend());
    return out;
}

} // namespace sekisho::review
