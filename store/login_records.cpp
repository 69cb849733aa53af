#include "store/login_records.hpp"

namespace sekisho::store {

bool is_locked(const User& user, UnixSeconds now) {
    return user.locked_until && now < *user.locked_until;
}

} // namespace sekisho::store
