#include "session/session.hpp"

namespace sekisho::session {

bool is_live(const Session& s, const SessionLimits& limits, UnixSeconds now) {
    return now - s.last_seen < limits.idle_seconds && now - s.created_at < limits.absolute_seconds &&
           (s.ends_at == 0 || now < s.ends_at);
}

std::string expiry_reason(const Session& s, const SessionLimits& limits, UnixSeconds now) {
    if (s.ends_at != 0 && now >= s.ends_at) return "hard_end";
    if (now - s.created_at >= limits.absolute_seconds) return "absolute";
    if (now - s.last_seen >= limits.idle_seconds) return "idle";
    return {};
}

} // namespace sekisho::session
