#include "credentials/password_policy.hpp"

#include "credentials/common_passwords.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace sekisho::credentials {

namespace {

// Decodes strict UTF-8 (no overlong forms, surrogates or values beyond U+10FFFF).
std::optional<std::vector<char32_t>> decode_utf8(std::string_view text) {
    std::vector<char32_t> out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
        unsigned char lead = byte(i);
        std::size_t extra = 0;
        char32_t cp = 0, min = 0;
        if (lead < 0x80) {
            cp = lead;
        } else if ((lead & 0xE0) == 0xC0) {
            extra = 1, cp = lead & 0x1F, min = 0x80;
        } else if ((lead & 0xF0) == 0xE0) {
            extra = 2, cp = lead & 0x0F, min = 0x800;
        } else if ((lead & 0xF8) == 0xF0) {
            extra = 3, cp = lead & 0x07, min = 0x10000;
        } else {
            return std::nullopt;
        }
        if (i + extra >= text.size() && extra > 0) return std::nullopt; // truncated sequence
        for (std::size_t k = 1; k <= extra; ++k) {
            if ((byte(i + k) & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (byte(i + k) & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        out.push_back(cp);
        i += extra + 1;
    }
    return out;
}

bool is_control(char32_t cp) {
    return cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F);
}

struct CharacterClasses {
    bool upper = false, lower = false, digit = false, symbol = false;
};

CharacterClasses character_classes(const std::vector<char32_t>& code_points) {
    CharacterClasses c;
    auto& [upper, lower, digit, symbol] = c;
    for (char32_t cp : code_points) {
        if (cp >= 'A' && cp <= 'Z') {
            upper = true;
        } else if (cp >= 'a' && cp <= 'z') {
            lower = true;
        } else if (cp >= '0' && cp <= '9') {
            digit = true;
        } else {
            symbol = true;
        }
    }
    return c;
}

// The reason the mix of characters falls short of rule, if it does.
std::optional<std::string> character_problem(const CharacterClasses& c, CharacterRule rule) {
    if (rule == CharacterRule::three_of_four) {
        if (int{c.upper} + int{c.lower} + int{c.digit} + int{c.symbol} >= 3) return std::nullopt;
        return "英大文字・英小文字・数字・記号のうち3種類以上を組み合わせてください / use at least 3 of: "
               "upper-case letters, lower-case letters, digits, symbols";
    }
    if ((c.upper || c.lower) && c.digit && c.symbol) return std::nullopt;
    return "英字・数字・記号をすべて組み合わせてください / mix letters, digits and symbols (all three)";
}

std::string ascii_lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Splits UTF-8 text at any of the given one-byte separators and at U+3000 (the ideographic
// space between family and given names in Japanese), dropping empty parts.
std::vector<std::string_view> split(std::string_view text, std::string_view separators) {
    static constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= text.size();) {
        std::size_t width = 0;
        if (i == text.size()) {
            width = 1;
        } else if (separators.find(text[i]) != std::string_view::npos) {
            width = 1;
        } else if (text.substr(i, kIdeographicSpace.size()) == kIdeographicSpace) {
            width = kIdeographicSpace.size();
        }
        if (width == 0) {
            ++i;
            continue;
        }
        if (i > start) parts.push_back(text.substr(start, i - start));
        i += width;
        start = i;
    }
    return parts;
}

// Whether the (lower-cased) password contains word, counting only words of 3+ characters:
// shorter ones ("Li", "渡") would refuse too much for too little.
bool contains_word(const std::string& lowered_password, std::string_view word) {
    std::optional<std::size_t> length = utf8_length(word);
    if (!length || *length < 3) return false;
    return lowered_password.find(ascii_lower(word)) != std::string::npos;
}

std::string with_number(std::string_view japanese_before, std::size_t n, std::string_view japanese_after,
                        std::string_view english_before, std::string_view english_after) {
    std::string count = std::to_string(n);
    return std::string(japanese_before) + count + std::string(japanese_after) + " / " +
           std::string(english_before) + count + std::string(english_after);
}

} // namespace

std::optional<std::size_t> utf8_length(std::string_view text) {
    std::optional<std::vector<char32_t>> decoded = decode_utf8(text);
    if (!decoded) return std::nullopt;
    return decoded->size();
}

std::optional<std::string> check_password(std::string_view password, const PasswordPolicy& policy,
                                          std::string_view user_id, std::string_view display_name) {
    std::optional<std::vector<char32_t>> code_points = decode_utf8(password);
    if (!code_points || std::any_of(code_points->begin(), code_points->end(), is_control)) {
        return "パスワードに使用できない文字(制御文字または不正なUTF-8)が含まれています / "
               "the password contains characters that cannot be used (control characters or invalid UTF-8)";
    }
    if (code_points->size() < policy.min_length()) {
        return with_number("パスワードは", policy.min_length(), "文字以上にしてください", "use at least ",
                           " characters");
    }
    if (code_points->size() > policy.max_length) {
        return with_number("パスワードは", policy.max_length, "文字以内にしてください", "use at most ",
                           " characters");
    }
    if (auto problem = character_problem(character_classes(*code_points), policy.characters)) return problem;
    const std::string lowered = ascii_lower(password);
    bool has_id = contains_word(lowered, user_id);
    for (std::string_view part : split(user_id, "._@-"))
        has_id = has_id || contains_word(lowered, part);
    if (has_id) {
        return "パスワードにユーザーIDを含めないでください / do not include your user ID in the password";
    }
    // The name whole, without its spaces ("山田　太郎" → "山田太郎": Japanese name parts are
    // often two characters, too short alone), and each part.
    const std::vector<std::string_view> name_parts = split(display_name, " \t\r\n\v\f");
    std::string joined_name;
    for (std::string_view part : name_parts)
        joined_name += part;
    bool has_name = contains_word(lowered, display_name) || contains_word(lowered, joined_name);
    for (std::string_view part : name_parts)
        has_name = has_name || contains_word(lowered, part);
    if (has_name) {
        return "パスワードに氏名を含めないでください / do not include your name in the password";
    }
    if (is_common_password(password)) {
        return "よく使われるパスワードのため使用できません / this password is too common; choose another";
    }
    return std::nullopt;
}

std::string reused_password_reason(std::size_t history) {
    return with_number("最近使用した", history, "回分のパスワードは使用できません",
                       "do not reuse any of your last ", " passwords");
}

} // namespace sekisho::credentials
