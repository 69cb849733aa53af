// A login session as every store keeps it: who logged in, on which terminal, and when.
// Sessions are found by the SHA-256 of their id, never by the id itself, so a store dump
// (or a Redis MONITOR) does not hand out usable cookies.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::session {

using UnixSeconds = std::int64_t;

struct Session {
    std::string id_hash; // hash_session_id(id): the key in every store
    std::string user;    // the user id as the registry spells it
    std::string display_name;
    std::string user_facility;
    std::vector<std::string> roles;
    std::string device;            // SHA-256 fingerprint of the client certificate it is bound to
    std::string terminal_facility; // the facility in that certificate
    std::string source;            // IP address at login
    UnixSeconds created_at = 0;
    UnixSeconds last_seen = 0;
    bool must_change = false; // the password change page comes before anything else
    bool break_glass = false; // an emergency account: every use is an alert
    UnixSeconds ends_at = 0;  // a hard end whatever the activity (a break-glass period); 0 = none
    std::int64_t user_epoch = 0; // the user's session epoch at login: a reset or disable raises it
    // The login notice: the user's previous successful login and the failures since.
    std::optional<UnixSeconds> previous_login_at;
    std::string previous_login_from;
    int failures_since = 0;
};

// What ends a session by itself, and how many one user may hold at once.
struct SessionLimits {
    std::int64_t idle_seconds = 15 * 60;
    std::int64_t absolute_seconds = 10 * 3600;
    unsigned max_per_user = 3;
    bool evict_oldest = false; // at the cap: end the oldest session (true) or refuse the new one
};

// Whether s is still alive at now under limits.
bool is_live(const Session& s, const SessionLimits& limits, UnixSeconds now);

// Why a session that is not live ended: "idle", "absolute" or "hard_end" (a break-glass
// period); empty while it is live.
std::string expiry_reason(const Session& s, const SessionLimits& limits, UnixSeconds now);

} // namespace sekisho::session
