#include "audit/audit_record.hpp"

#include "codec/sha256.hpp"
#include "pki/printable.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <cstdio>
#include <stdexcept>

namespace sekisho::audit {
namespace {

// Appends v as a JSON string, byte for byte as Boost.JSON serialises it (trails written
// before this renderer existed verify unchanged): '"' and '\\' escaped, \b \t \n \f \r by
// their short forms, other control characters as \u00xx, everything else (0x7F, UTF-8)
// as it is. Invalid UTF-8 is repaired first (pki::valid_utf8), so the line always parses.
void append_quoted(std::string& out, std::string_view v) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string repaired;
    for (unsigned char c : v) {
        if (c >= 0x80) {
            repaired = pki::valid_utf8(v);
            v = repaired;
            break;
        }
    }
    out += '"';
    std::size_t plain = 0; // start of the run not yet copied
    for (std::size_t i = 0; i < v.size(); ++i) {
        const auto c = static_cast<unsigned char>(v[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(v.data() + plain, i - plain);
        plain = i + 1;
        out += '\\';
        switch (c) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '\b': out += 'b'; break;
        case '\t': out += 't'; break;
        case '\n': out += 'n'; break;
        case '\f': out += 'f'; break;
        case '\r': out += 'r'; break;
        default:
            out += "u00";
            out += kHex[c >> 4];
            out += kHex[c & 0x0f];
        }
    }
    out.append(v.data() + plain, v.size() - plain);
    out += '"';
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
    std::size_t size = 64 + time.size() + event.size() + prev.size();
    for (const auto& [key, value] : fields) size += key.size() + value.size() + 8;
    std::string line;
    line.reserve(size);
    line += "{\"seq\":";
    line += std::to_string(seq);
    line += ",\"time\":";
    append_quoted(line, time);
    line += ",\"event\":";
    append_quoted(line, event);
    for (const auto& [key, value] : fields) {
        line += ',';
        if (reserved(key)) append_quoted(line, "_" + key);
        else append_quoted(line, key);
        line += ':';
        append_quoted(line, value);
    }
    line += ",\"prev\":";
    append_quoted(line, prev);
    line += '}';
    return line;
}

std::string record_hash(std::string_view line) {
    return codec::sha256_hex(line);
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
