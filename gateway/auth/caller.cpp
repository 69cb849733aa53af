#include "gateway/auth/caller.hpp"

#include "session/session_id.hpp"

namespace sekisho::gateway {

std::string session_reference(std::string_view session_id_hash) {
    return session::hash_session_id("sekisho-session-ref:" + std::string(session_id_hash)).substr(0, 32);
}

} // namespace sekisho::gateway
