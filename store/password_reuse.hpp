// Refusing recently used passwords (REQUIREMENTS §3: no reuse of the last 5).
#pragma once

#include "store/user_registry.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace sekisho::store {

// True when new_password matches one of the user's newest `depth` password hashes (the
// current one included; the registry keeps at most kPasswordHistoryDepth). Verifies each
// hash with Argon2id, so it costs up to `depth` hash computations: blocking pool only.
// Throws RegistryError for an unknown user.
bool password_reused(UserRegistry& users, const std::string& id, std::string_view new_password,
                     std::size_t depth = kPasswordHistoryDepth);

} // namespace sekisho::store
