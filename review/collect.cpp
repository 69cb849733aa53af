#include "review/collect.hpp"

#include "review/ledger_digest.hpp"

namespace sekisho::review {

namespace {

constexpr std::size_t kLedgerPage = 5000;

} // namespace

ReviewInput collect_review_input(store::Registry& registry, const ReviewOptions& options, UnixSeconds now) {
    ReviewInput input;
    input.registry = registry.location();
    input.users = registry.users().list_users();
    input.devices = registry.devices().list_devices();
    LedgerDigest digest(input.users, now - static_cast<UnixSeconds>(options.days) * 86400,
                        options.actions_per_administrator);
    for (std::int64_t since = 0;;) {
        const auto page = registry.ledger().ledger(since, kLedgerPage);
        for (const auto& entry : page) digest.add(entry);
        if (page.size() < kLedgerPage) break;
        since = page.back().seq;
    }
    input.admin_actions = digest.admin_actions();
    input.break_glass_events = digest.break_glass_events();
    return input;
}

} // namespace sekisho::review
