#include "gateway/events/ledger_copy.hpp"

#include "codec/jst_time.hpp"
#include "gateway/events/log.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace sekisho::gateway {

namespace {

constexpr std::size_t kBatch = 500;

bool reported_by_gateway(const std::string& action) {
    return action == "user.login" || action == "user.login_failed" || action == "user.locked";
}

} // namespace

LedgerCopy::LedgerCopy(store::Ledger& ledger, std::string cursor_path)
    : ledger_(ledger), cursor_path_(std::move(cursor_path)) {
    if (!std::filesystem::exists(cursor_path_)) return; // a new trail: the whole ledger is copied
    std::ifstream in(cursor_path_);
    if (!(in >> cursor_) || cursor_ < 0)
        throw std::runtime_error(cursor_path_ + ": not a ledger position (delete it to copy the whole ledger again)");
}

void LedgerCopy::save_cursor() const {
    const std::string tmp = cursor_path_ + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << cursor_ << "\n";
        if (!out.flush()) throw std::runtime_error("cannot write " + tmp);
    }
    std::filesystem::rename(tmp, cursor_path_);
}

std::size_t LedgerCopy::copy_new() {
    std::size_t copied = 0;
    for (;;) {
        const auto rows = ledger_.ledger(cursor_, kBatch);
        for (const auto& row : rows) {
            cursor_ = row.seq;
            if (reported_by_gateway(row.action)) continue;
            const auto seq = std::to_string(row.seq);
            const auto at = codec::jst_timestamp(codec::SystemTime(std::chrono::seconds(row.at)));
            log_event(spdlog::level::info, "ledger." + row.action,
                      {{"actor", row.actor}, {"subject", row.subject}, {"reason", row.reason},
                       {"details", row.details}, {"ledger_seq", seq}, {"at", at}});
            ++copied;
        }
        if (!rows.empty()) save_cursor();
        if (rows.size() < kBatch) return copied;
    }
}

} // namespace sekisho::gateway
