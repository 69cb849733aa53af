// Where a copy into the audit trail stands: the number of the last row or record copied,
// kept in a file beside the trail (<audit file>.ledger-seq for the registry ledger,
// <audit file>.retention-seq for the retention register) so that a restart goes on where
// it stopped. Saved by a rename: a crash leaves the old number or the new one, and the
// copy is at least once, never lost.
#pragma once

#include <cstdint>
#include <string>

namespace sekisho::gateway {

class CopyCursor {
public:
    // Reads path (none yet: 0, everything is copied). Throws naming the file when it holds
    // no number.
    explicit CopyCursor(std::string path);

    std::int64_t value() const { return value_; }
    void save(std::int64_t value); // throws naming the file

private:
    std::string path_;
    std::int64_t value_ = 0;
};

} // namespace sekisho::gateway
