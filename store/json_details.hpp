// The JSON object text kept in LedgerEntry::details: flat keys with string or integer values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace sekisho::store {

class JsonDetails {
public:
    JsonDetails& add(std::string_view key, std::string_view value);
    JsonDetails& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
    JsonDetails& add(std::string_view key, std::int64_t value);
    std::string str() const { return "{" + body_ + "}"; }

private:
    void add_key(std::string_view key);
    std::string body_;
};

// value as a JSON string literal, quotes included (control characters escaped as \uXXXX).
std::string json_quote(std::string_view value);

} // namespace sekisho::store
