#include "audit/audit_record.hpp"

#include "pki/printable.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>
#include <openssl/evp.h>

#include <cstdio>
#include <stdexcept>

namespace sekisho::audit {
namespace {

std::string quoted(std::string_view v) {
    return boost::json::serialize(boost::json::string(pki::valid_utf8(v)));
}

bool reserved(std::string_view key) {
    return key == "seq" || key == "time" || key == "event" || key == "prev";
}

} // namespace

std::string jst_timestamp(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto ms = floor<milliseconds>(t) + hours(9);
    const auto day = floor<days>(ms);
    const year_month_day ymd{day};
    const hh_mm_ss hms{ms - day};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ld.%03ld+09:00", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                  static_cast<long>(hms.seconds().count()), static_cast<long>(hms.subseconds().count()));
    return buf;
}

std::string render_record(std::uint64_t seq, std::string_view time, std::string_view event, const Fields& fields,
                          std::string_view prev) {
    std::string line = "{\"seq\":" + std::to_string(seq) + ",\"time\":" + quoted(time) + ",\"event\":" + quoted(event);
    for (const auto& [key, value] : fields) {
        line += ',';
        line += quoted(reserved(key) ? "_" + key : key);
        line += ':';
        line += quoted(value);
    }
    line += ",\"prev\":" + quoted(prev) + "}";
    return line;
}

std::string record_hash(std::string_view line) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(line.data(), line.size(), digest, &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned i = 0; i < length; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 0xf];
    }
    return out;
}

std::optional<ParsedRecord> parse_record(std::string_view line, std::string* error) {
    boost::system::error_code ec;
    // Releases before pki::valid_utf8() wrote raw bytes; the chain covers bytes, so such a record
    // still verifies and continues the chain.
    boost::json::parse_options options;
    options.allow_invalid_utf8 = true;
    auto value = boost::json::parse(line, ec, {}, options);
    const auto* obj = ec ? nullptr : value.if_object();
    if (!obj) {
        *error = "not a JSON object";
        return std::nullopt;
    }
    ParsedRecord r;
    const auto* seq = obj->if_contains("seq");
    const auto* time = obj->if_contains("time");
    const auto* event = obj->if_contains("event");
    const auto* prev = obj->if_contains("prev");
    if (!seq || (!seq->is_uint64() && !seq->is_int64()) || !time || !time->is_string() || !event ||
        !event->is_string() || !prev || !prev->is_string()) {
        *error = "seq, time, event or prev missing or of the wrong type";
        return std::nullopt;
    }
    r.seq = seq->is_uint64() ? seq->as_uint64() : static_cast<std::uint64_t>(seq->as_int64());
    r.time = time->as_string();
    r.event = event->as_string();
    r.prev = prev->as_string();
    for (const auto& item : *obj) {
        if (reserved(item.key())) continue;
        if (!item.value().is_string()) {
            *error = "field " + std::string(item.key()) + " is not a string";
            return std::nullopt;
        }
        r.fields.emplace_back(item.key(), item.value().as_string());
    }
    return r;
}

} // namespace sekisho::audit
