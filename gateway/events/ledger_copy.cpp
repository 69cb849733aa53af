#include "gateway/events/ledger_copy.hpp"

#include "codec/jst_time.hpp"
#include "gateway/events/log.hpp"


namespace sekisho::gateway {

namespace {

constexpr std::size_t kBatch = 500;

bool reported_by_gateway(const std::string& action) {
    return action == "user.login" || action == "user.login_failed" || action == "user.locked";
}

} // namespace

LedgerCopy::LedgerCopy(store::Ledger& ledger, std::string cursor_path)
    : ledger_(ledger), cursor_(std::move(cursor_path)) {} // a new trail: the whole ledger is copied

std::size_t LedgerCopy::copy_new() {
    std::size_t copied = 0;
    for (;;) {
        const auto rows = ledger_.ledger(cursor_.value(), kBatch);
        for (const auto& row : rows) {
            if (reported_by_gateway(row.action)) continue;
            const auto seq = std::to_string(row.seq);
            const auto at = codec::jst_timestamp(codec::SystemTime(std::chrono::seconds(row.at)));
            log_event(spdlog::level::info, "ledger." + row.action,
                      {{"actor", row.actor}, {"subject", row.subject}, {"reason", row.reason},
                       {"details", row.details}, {"ledger_seq", seq}, {"at", at}});
            ++copied;
        }
        if (!rows.empty()) cursor_.save(rows.back().seq);
        if (rows.size() < kBatch) return copied;
    }
}

} // namespace sekisho::gateway
