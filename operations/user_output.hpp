// How `sekishoctl user` shows users: as JSON (--json) or as text. The password hash is never
// part of either.
#pragma once

#include "store/user_registry.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace sekisho::operations {

// {id, display_name, facility, roles, status, must_change, locked, locked_until,
//  last_login_at, last_login_from, failed_since_success, last_failed_at, break_glass,
//  break_glass_until, created_at, created_by, updated_at, updated_by}; times in Unix
//  seconds, absent ones null.
boost::json::object user_json(const store::User& user, store::UnixSeconds now);

// Multi-line description of one user.
std::string user_text(const store::User& user, store::UnixSeconds now);

// One row per user: ID, FACILITY, NAME, ROLES, STATUS, MUST CHANGE, LAST LOGIN, LOCKED UNTIL.
std::string user_table(const std::vector<store::User>& users, store::UnixSeconds now);

} // namespace sekisho::operations
