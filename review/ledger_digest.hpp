// What the review needs of the ledger, gathered while it is read page by page: each
// administrator's latest actions and the break-glass accounts' events of the review period.
// The ledger of a busy registry holds every login of years; only this much of it is kept in
// memory at once.
#pragma once

#include "review/review_input.hpp"
#include "store/ledger.hpp"

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sekisho::review {

class LedgerDigest {
public:
    // users: the registry's (administrators and break-glass accounts are found among them);
    // since: the start of the review period (break-glass events before it are left out).
    LedgerDigest(const std::vector<store::User>& users, UnixSeconds since, std::size_t actions_per_administrator);

    // Entries in ledger order (seq ascending).
    void add(const store::LedgerEntry& entry);

    // Most recent first, by administrator id.
    std::map<std::string, std::vector<AdminAction>> admin_actions() const;
    // Oldest first.
    const std::vector<BreakGlassEvent>& break_glass_events() const { return break_glass_; }

private:
    void add_admin_action(const store::LedgerEntry& entry);
    void add_break_glass_event(const store::LedgerEntry& entry);

    UnixSeconds since_;
    std::size_t keep_;
    std::map<std::string, std::string> administrators_; // lower-case id → id
    std::set<std::string> break_glass_accounts_;        // lower-case ids
    std::map<std::string, std::deque<AdminAction>> actions_; // by id, oldest first, at most keep_
    std::vector<BreakGlassEvent> break_glass_;
};

} // namespace sekisho::review
