// Refusing recently used passwords (REQUIREMENTS §3: no reuse of the last 5). The registry
// keeps the history (UserRegistry::password_history); deciding whether a password is in it
// is Argon2id work, so it lives here and not in each storage backend.
#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::credentials {

// True when new_password matches one of the newest `depth` hashes of history (newest first,
// as UserRegistry::password_history gives it, the current hash included). Verifies every
// one of them with Argon2id, even after a match, so it costs up to `depth` hash
// computations: blocking pool only.
bool password_reused(std::string_view new_password, const std::vector<std::string>& history,
                     std::size_t depth = std::numeric_limits<std::size_t>::max());

} // namespace sekisho::credentials
