// The retention register into the audit trail (audit/retention_register.hpp). Whoever
// purged or placed a hold — the gateway's daily purge, `sekishoctl audit purge` from a
// timer, `sekishoctl audit hold` — wrote it to the register beside the trail; the gateway,
// the trail's one writer, then copies each record in under its own event (audit.purged,
// audit.hold_added, audit.hold_removed) with register_seq and the time it was made, so the
// deletion is an audit record of the trail itself, sealed like any other. Where the copy
// stands is kept in <audit file>.retention-seq (copy_cursor.hpp).
#pragma once

#include "gateway/events/copy_cursor.hpp"

#include <cstdint>
#include <string>

namespace sekisho::gateway {

class RetentionCopy {
public:
    // trail_path: audit.file. Throws naming the cursor file when it cannot be read.
    explicit RetentionCopy(const std::string& trail_path);

    // Copies every record after the cursor (a background thread); cheap when the register
    // has not grown. Returns how many were copied; throws naming a broken register.
    std::size_t copy_new();

private:
    std::string register_path_;
    CopyCursor cursor_;
    std::uintmax_t seen_size_ = 0; // the register's size at the last copy
};

} // namespace sekisho::gateway
