#include "pki/printable.hpp"

#include <cstdio>

namespace sekisho::pki {
namespace {

// Length of the well-formed sequence at text[i] (Unicode 15, table 3-7), or 0.
std::size_t sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b = byte(i);
    if (b < 0x80) return 1;
    std::size_t n = 0;
    unsigned char low = 0x80, high = 0xBF; // the range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
        n = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        n = 3;
        low = b == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
        high = b == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
        n = 4;
        low = b == 0xF0 ? 0x90 : 0x80;
        high = b == 0xF4 ? 0x8F : 0xBF; // nothing above U+10FFFF
    } else {
        return 0;
    }
    if (i + n > text.size() || byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    return n;
}

void append_escape(std::string& out, const char* format, unsigned char value) {
    char buf[8];
    std::snprintf(buf, sizeof buf, format, value);
    out += buf;
}

} // namespace

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (const auto n = sequence_length(text, i)) {
            out.append(text, i, n);
            i += n;
        } else {
            out += "\xEF\xBF\xBD"; // U+FFFD
            ++i;
        }
    }
    return out;
}

std::string printable(std::string_view text, Newlines newlines) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto n = sequence_length(text, i);
        const auto b = static_cast<unsigned char>(text[i]);
        if (n == 0) {
            append_escape(out, "\\x%02x", b);
            ++i;
            continue;
        }
        if (n == 1 && (b < 0x20 || b == 0x7F) && !(b == '\n' && newlines == Newlines::keep)) {
            append_escape(out, "\\x%02x", b);
        } else if (n == 2 && b == 0xC2 && static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
            append_escape(out, "\\u00%02x", static_cast<unsigned char>(text[i + 1])); // C2 9B is U+009B
        } else {
            out.append(text, i, n);
        }
        i += n;
    }
    return out;
}

} // namespace sekisho::pki
