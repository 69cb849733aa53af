// The registry ledger into the audit trail. sekishoctl (device, ticket and user
// administration, break-glass periods) writes only to the registry's append-only ledger;
// the gateway is the trail's one writer, so after each registry change it copies the new
// ledger rows in as events "ledger.<action>" (actor, subject, reason, details, ledger_seq).
// Rows the gateway reports itself as it makes them (user.login, user.login_failed,
// user.locked) are not copied twice. Where the copy stands is kept in a file beside the
// trail (<audit file>.ledger-seq), so a restart goes on where it stopped and actions taken
// while the gateway was down still arrive; a crash between the copy and the cursor update
// copies a few rows again (at least once, never lost).
#pragma once

#include "gateway/events/copy_cursor.hpp"
#include "store/ledger.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace sekisho::gateway {

class LedgerCopy {
public:
    // ledger must outlive the copy. Throws naming the cursor file when it cannot be read.
    LedgerCopy(store::Ledger& ledger, std::string cursor_path);

    // Copies every row after the cursor (control thread). Returns how many were copied.
    std::size_t copy_new();

private:
    store::Ledger& ledger_;
    CopyCursor cursor_;
};

} // namespace sekisho::gateway
