#include "audit/audit_record.hpp"

#include "codec/sha256.hpp"
#include "pki/printable.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace sekisho::audit {
namespace {

// How many bytes a byte takes inside a JSON string, byte for byte as Boost.JSON serialises
// it (trails written before this renderer existed verify unchanged): '"' and '\\' escaped,
// \b \t \n \f \r by their short forms, other control characters as \u00xx, everything
// else (0x7F, UTF-8) as it is.
constexpr std::array<unsigned char, 256> kWidth = [] {
    std::array<unsigned char, 256> t{};
    for (int c = 0; c < 256; ++c) t[c] = c < 0x20 ? 6 : 1;
    for (unsigned char c : {'"', '\\', '\b', '\t', '\n', '\f', '\r'}) t[c] = 2;
    return t;
}();

constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;

std::uint64_t word_at(std::string_view v, std::size_t i) {
    std::uint64_t x;
    std::memcpy(&x, v.data() + i, 8);
    return x;
}

// True when no byte of v needs escaping (none below 0x20, no '"', no '\\'). Eight bytes at
// a time: a record is mostly hex digests and names, which need none.
bool plain(std::string_view v) {
    const auto any_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
    std::size_t i = 0;
    for (; i + 8 <= v.size(); i += 8) {
        const auto x = word_at(v, i);
        if (((x - 0x20 * kOnes) & ~x & kHighs) || any_zero(x ^ ('"' * kOnes)) || any_zero(x ^ ('\\' * kOnes)))
            return false;
    }
    for (; i < v.size(); ++i)
        if (kWidth[static_cast<unsigned char>(v[i])] != 1) return false;
    return true;
}

bool has_high(std::string_view v) {
    std::size_t i = 0;
    for (; i + 8 <= v.size(); i += 8)
        if (word_at(v, i) & kHighs) return true;
    for (; i < v.size(); ++i)
        if (static_cast<unsigned char>(v[i]) >= 0x80) return true;
    return false;
}

std::size_t escaped_size(std::string_view v) {
    std::size_t n = 2;
    for (unsigned char c : v) n += kWidth[c];
    return n;
}

// Writes v quoted and escaped at w (escaped_size(v) bytes); returns the end.
char* write_escaped(char* w, std::string_view v) {
    static constexpr char kHex[] = "0123456789abcdef";
    *w++ = '"';
    const char* run = v.data(); // start of the run not yet copied
    const char* const end = v.data() + v.size();
    for (const char* p = run; p != end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (kWidth[c] == 1) continue;
        w = std::copy(run, p, w);
        run = p + 1;
        *w++ = '\\';
        switch (c) {
        case '"': *w++ = '"'; break;
        case '\\': *w++ = '\\'; break;
        case '\b': *w++ = 'b'; break;
        case '\t': *w++ = 't'; break;
        case '\n': *w++ = 'n'; break;
        case '\f': *w++ = 'f'; break;
        case '\r': *w++ = 'r'; break;
        default:
            *w++ = 'u';
            *w++ = '0';
            *w++ = '0';
            *w++ = kHex[c >> 4];
            *w++ = kHex[c & 0x0f];
        }
    }
    w = std::copy(run, end, w);
    *w++ = '"';
    return w;
}

// The line is walked twice: once to size it (and to find text that is not valid UTF-8),
// once to write it into a single allocation.
struct Sizer {
    std::size_t size = 0;
    bool needs_repair = false;
    void raw(std::string_view s) { size += s.size(); }
    void quoted(std::string_view s) {
        if (plain(s)) {
            size += s.size() + 2;
        } else {
            size += escaped_size(s);
        }
        if (!needs_repair && has_high(s) && pki::valid_utf8(s) != s) needs_repair = true;
    }
};

struct Writer {
    char* w;
    void raw(std::string_view s) { w = std::copy(s.begin(), s.end(), w); }
    void quoted(std::string_view s) {
        if (!plain(s)) {
            w = write_escaped(w, s);
            return;
        }
        *w++ = '"';
        w = std::copy(s.begin(), s.end(), w);
        *w++ = '"';
    }
};

bool reserved(std::string_view key) {
    return key == "seq" || key == "time" || key == "event" || key == "prev";
}

template <class Visitor>
void walk(Visitor& v, std::string_view seq, std::string_view time, std::string_view event, const Fields& fields,
          std::string_view prev) {
    v.raw("{\"seq\":");
    v.raw(seq);
    v.raw(",\"time\":");
    v.quoted(time);
    v.raw(",\"event\":");
    v.quoted(event);
    for (const auto& [key, value] : fields) {
        if (reserved(key)) { // "_seq": the reserved keys are plain ASCII
            v.raw(",\"_");
            v.raw(key);
            v.raw("\":");
        } else {
            v.raw(",");
            v.quoted(key);
            v.raw(":");
        }
        v.quoted(value);
    }
    v.raw(",\"prev\":");
    v.quoted(prev);
    v.raw("}");
}

} // namespace

std::string render_record(std::uint64_t seq, std::string_view time, std::string_view event, const Fields& fields,
                          std::string_view prev) {
    char seq_buf[24];
    const auto seq_end = std::to_chars(std::begin(seq_buf), std::end(seq_buf), seq).ptr;
    const std::string_view seq_text(seq_buf, static_cast<std::size_t>(seq_end - seq_buf));
    Sizer sizer;
    walk(sizer, seq_text, time, event, fields, prev);
    if (sizer.needs_repair) { // rare: a user name, path or ticket id that is not UTF-8
        Fields repaired;
        repaired.reserve(fields.size());
        for (const auto& [key, value] : fields) repaired.emplace_back(pki::valid_utf8(key), pki::valid_utf8(value));
        return render_record(seq, pki::valid_utf8(time), pki::valid_utf8(event), repaired, pki::valid_utf8(prev));
    }
    std::string line(sizer.size, '\0');
    Writer writer{line.data()};
    walk(writer, seq_text, time, event, fields, prev);
    assert(writer.w == line.data() + line.size()); // sized and written by the same walk
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
