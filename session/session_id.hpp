// Session identifiers: 256 random bits from OpenSSL's DRBG, base64url without padding
// (43 characters) in the cookie; stores only ever see their SHA-256.
#pragma once

#include <string>
#include <string_view>

namespace sekisho::session {

inline constexpr std::size_t kSessionIdChars = 43;

std::string new_session_id();                       // throws std::runtime_error if RAND fails
std::string hash_session_id(std::string_view id);   // lower-case hex SHA-256
bool is_well_formed_session_id(std::string_view id); // 43 base64url characters

} // namespace sekisho::session
