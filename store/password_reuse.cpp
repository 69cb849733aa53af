#include "store/password_reuse.hpp"

#include "store/password_hash.hpp"

#include <algorithm>

namespace sekisho::store {

bool password_reused(UserRegistry& users, const std::string& id, std::string_view new_password,
                     std::size_t depth) {
    std::vector<std::string> history = users.password_history(id);
    history.resize(std::min(history.size(), depth));
    // Every kept hash is checked, even after a match, so the time spent does not say which.
    bool reused = false;
    for (const std::string& hash : history)
        reused = verify_password(new_password, hash) || reused;
    return reused;
}

} // namespace sekisho::store
