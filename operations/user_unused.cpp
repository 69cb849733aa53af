#include "operations/user_unused.hpp"

#include "operations/cli_args.hpp"
#include "operations/device_output.hpp"
#include "review/report_tables.hpp"
#include "review/unused_accounts.hpp"
#include "store/clock.hpp"

#include <boost/json.hpp>

#include <ostream>
#include <stdexcept>

namespace sekisho::operations {

namespace {

std::string outcome_of(const review::UnusedAccount& account, bool dry_run) {
    if (!account.kept_because.empty()) return "kept: " + account.kept_because;
    return dry_run ? "would be disabled" : "disabled";
}

} // namespace

std::int64_t unused_period(const std::optional<std::string>& days_option, const config::Config& config) {
    if (days_option) return parse_integer_option("--days", *days_option, 1, 3650);
    if (config.auth.disable_unused_after) return config.auth.disable_unused_after->count() / 86400;
    throw std::runtime_error("give --days N, or set auth.disable_unused_after in " + config.source_file);
}

int disable_unused_users(std::ostream& out, store::UserRegistry& users, std::int64_t days, const std::string& actor, bool dry_run,
                         bool json) {
    const auto outcome = review::disable_unused_accounts(users, days, actor, dry_run, store::system_clock_now());
    if (json) {
        boost::json::array accounts;
        for (const auto& account : outcome.accounts)
            accounts.push_back(boost::json::object{{"id", account.user.id},
                                                   {"facility", account.user.facility},
                                                   {"last_used_at", account.last_used},
                                                   {"idle_days", account.idle_days},
                                                   {"outcome", outcome_of(account, dry_run)}});
        out << json_line(boost::json::object{{"days", days},
                                                   {"dry_run", dry_run},
                                                   {"disabled", outcome.disabled},
                                                   {"accounts", std::move(accounts)}});
    } else if (outcome.accounts.empty()) {
        out << "no active account unused for " << days << " days\n";
    } else {
        std::vector<std::vector<std::string>> rows = {{"ID", "NAME", "FACILITY", "LAST USED (JST)", "DAYS", "OUTCOME"}};
        for (const auto& account : outcome.accounts)
            rows.push_back({account.user.id, account.user.display_name, account.user.facility,
                            review::jst_minutes(account.last_used), std::to_string(account.idle_days),
                            outcome_of(account, dry_run)});
        out << render_table(rows)
                  << (dry_run ? "dry run: nothing was changed\n"
                              : std::to_string(outcome.disabled) + " disabled; each is in the ledger (user.disable)\n");
    }
    for (const auto& failure : outcome.failures) out << "refused: " << failure << "\n";
    return outcome.failures.empty() ? 0 : 1;
}

} // namespace sekisho::operations
