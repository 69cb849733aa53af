#include "store/json_details.hpp"

#include <cstdio>

namespace sekisho::store {

std::string json_quote(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
                out += escaped;
            } else {
                out += c; // UTF-8 passes through unchanged
            }
        }
    }
    return out + "\"";
}

void JsonDetails::add_key(std::string_view key) {
    if (!body_.empty()) body_ += ',';
    body_ += json_quote(key);
    body_ += ':';
}

JsonDetails& JsonDetails::add(std::string_view key, std::string_view value) {
    add_key(key);
    body_ += json_quote(value);
    return *this;
}

JsonDetails& JsonDetails::add(std::string_view key, std::int64_t value) {
    add_key(key);
    body_ += std::to_string(value);
    return *this;
}

} // namespace sekisho::store
