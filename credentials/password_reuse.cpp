#include "credentials/password_reuse.hpp"

#include "credentials/password_hash.hpp"

#include <algorithm>

namespace sekisho::credentials {

bool password_reused(std::string_view new_password, const std::vector<std::string>& history,
                     std::size_t depth) {
    const std::size_t checked = std::min(history.size(), depth);
    // Every kept hash is checked, even after a match, so the time spent does not say which.
    bool reused = false;
    for (std::size_t i = 0; i < checked; ++i)
        reused = verify_password(new_password, history[i]) || reused;
    return reused;
}

} // namespace sekisho::credentials
