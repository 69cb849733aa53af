// Enrollment ticket codes: generation, the forms people type, and the salted hash that is
// the only thing the registry keeps.
#pragma once

#include <string>
#include <string_view>

namespace sekisho::credentials {

// 20 characters from a 31-symbol alphabet without 0/O/1/I/L (about 99 bits), grouped for
// reading aloud: "XXXXX-XXXXX-XXXXX-XXXXX".
std::string generate_ticket_code();

// Upper-cases and drops dashes and spaces, so "abcde-fghjk..." and "ABCDEFGHJK..." match.
std::string normalize_ticket_code(std::string_view typed);

// Lower-case hex SHA-256 over salt || ticket_id ":" normalized code. A fast hash is enough:
// the code is random with ~99 bits, so there is nothing to gain by guessing offline, and
// the salt and id keep equal codes of two tickets from hashing alike. Throws
// std::runtime_error naming the ticket when OpenSSL cannot compute SHA-256.
std::string hash_ticket_code(std::string_view ticket_id, std::string_view typed_code, std::string_view salt);

// Compares the hash of typed_code with expected_hash_hex in constant time (CRYPTO_memcmp).
bool ticket_code_matches(std::string_view ticket_id, std::string_view typed_code, std::string_view salt,
                         std::string_view expected_hash_hex);

} // namespace sekisho::credentials
