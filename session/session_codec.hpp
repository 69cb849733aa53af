// A session as bytes for a store outside the process (Redis), and back. JSON, versioned, so
// that instances of two releases running side by side during an upgrade read each other's
// sessions or, failing that, refuse them (a login again) rather than misread them.
#pragma once

#include "session/session.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sekisho::session {

std::string encode_session(const Session& s);
// nullopt for anything that is not a session this release can read.
std::optional<Session> decode_session(std::string_view bytes);

} // namespace sekisho::session
