// What a new password must satisfy (REQUIREMENTS §3, 6.5 C.13(4)): length, character
// classes, nothing guessable from the account, not a common password. Reuse of recent
// passwords needs the stored history: see credentials/password_reuse.hpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sekisho::credentials {

// Which characters a password must mix.
enum class CharacterRule {
    // The guideline (6.5 C.13(4)): letters (either case), digits and symbols, all three.
    letters_digits_symbols,
    // Any 3 of upper-case, lower-case, digit and symbol: lets "ABCDEFGH1x" pass. Only where a
    // site's own rule asks for it (auth.password_rule: three_of_four).
    three_of_four,
};

struct PasswordPolicy {
    bool two_factor = true;          // the certificate is the other factor: 8 characters suffice
    std::size_t min_length_2fa = 8;  // in Unicode code points
    std::size_t min_length_1fa = 13; // without a second factor
    CharacterRule characters = CharacterRule::letters_digits_symbols;
    std::size_t history = 5;         // the last N passwords may not be used again
    std::size_t max_length = 128;    // in code points; bounds the hashing work per attempt

    std::size_t min_length() const { return two_factor ? min_length_2fa : min_length_1fa; }
};

// nullopt when the password is acceptable, else the first reason it is not, in Japanese and
// English for the user ("パスワードは8文字以上にしてください / use at least 8 characters").
// Checks, in order: valid UTF-8 without control characters; length in code points; the
// character rule over A–Z, a–z, 0–9 and symbols (any other character, Japanese ones included,
// counts as a symbol); not containing the user id, its parts split at . _ @ -, the display
// name, the name without its spaces, or a part of it split at spaces (U+3000 included) —
// case-insensitive, each only when at least 3 characters long; not in the bundled list of
// common passwords (case-insensitive).
std::optional<std::string> check_password(std::string_view password, const PasswordPolicy& policy,
                                          std::string_view user_id, std::string_view display_name);

// The message for a password found among the last `history` ones (see password_reused()).
std::string reused_password_reason(std::size_t history);

// Number of Unicode code points in UTF-8 text, or nullopt when it is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);

} // namespace sekisho::credentials
