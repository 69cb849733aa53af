// Target: the audit trail's reader — parse_record (audit/audit_record.*) on each line and
// verify_chain (audit/audit_verify.*) on the whole file — and its writer, render_record, on
// whatever values the lines carry (user names, paths, certificate subjects end up there).
// Input: the trail's bytes, one record per line.
//
// Invariants: a parsed record renders to a line that parses back to the same record, and
// rendering is canonical (render ∘ parse ∘ render = render); a chain written by
// render_record with each prev the record_hash of the line before verifies, seals
// included, whatever strings its fields hold; verify_chain's verdict is whole — ok with no
// problem and counts that add up, or not ok with the problem named.
#include "fuzz_support.hpp"

#include "audit/audit_record.hpp"
#include "audit/audit_verify.hpp"

#include "pki/printable.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace sekisho;
using namespace sekisho::audit;

namespace {

std::string trail_path;

void write_trail(const std::string& bytes) {
    std::ofstream out(trail_path, std::ios::binary | std::ios::trunc);
    out << bytes;
    FUZZ_CHECK(out.good());
}

// The line as Boost.JSON serialises the same values (invalid UTF-8 repaired first).
std::string boost_rendering(std::uint64_t seq, std::string_view time, std::string_view event, const Fields& fields,
                            std::string_view prev) {
    auto str = [](std::string_view s) { return boost::json::serialize(boost::json::string(pki::valid_utf8(s))); };
    std::string line = "{\"seq\":" + std::to_string(seq) + ",\"time\":" + str(time) + ",\"event\":" + str(event);
    for (const auto& [k, v] : fields) {
        const bool reserved = k == "seq" || k == "time" || k == "event" || k == "prev";
        line += "," + str(reserved ? "_" + k : k) + ":" + str(v);
    }
    return line + ",\"prev\":" + str(prev) + "}";
}

bool same(const ParsedRecord& a, const ParsedRecord& b) {
    return a.seq == b.seq && a.time == b.time && a.event == b.event && a.prev == b.prev && a.fields == b.fields;
}

bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        std::uint32_t cp = n == 1 ? c : c & (0x7f >> n);
        for (std::size_t k = 1; k < n; ++k) {
            const auto d = static_cast<unsigned char>(s[i + k]);
            if ((d >> 6) != 2) return false;
            cp = cp << 6 | (d & 0x3f);
        }
        const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += n;
    }
    return true;
}

bool valid_utf8(const ParsedRecord& r) {
    if (!valid_utf8(r.time) || !valid_utf8(r.event) || !valid_utf8(r.prev)) return false;
    for (const auto& [k, v] : r.fields)
        if (!valid_utf8(k) || !valid_utf8(v)) return false;
    return true;
}

void check_verdict(const VerifyResult& r) {
    if (r.ok) {
        FUZZ_CHECK(r.problem.empty());
        FUZZ_CHECK(r.seals + r.unsealed_tail <= r.records);
        if (r.records > 0) FUZZ_CHECK(r.last_seq - r.first_seq + 1 == r.records);
    } else {
        FUZZ_CHECK(!r.problem.empty());
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    // tmpfs when there is one: on ext4 each rewrite of a truncated file is flushed to disk,
    // which makes this target 20 times slower. Unlinked at once and used through the open
    // descriptor, so that not even a crash leaves it behind.
    std::string pattern = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "/tmp";
    pattern += "/sekisho-fuzz-audit-XXXXXX";
    const int fd = mkstemp(pattern.data());
    FUZZ_CHECK(fd >= 0);
    unlink(pattern.c_str());
    trail_path = "/proc/self/fd/" + std::to_string(fd);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_view(data, size);

    // The reader on the bytes as they are.
    std::vector<std::string> values; // every string the input's records carry
    for (std::string_view rest = input; !rest.empty();) {
        const auto end = rest.find('\n');
        const auto line = rest.substr(0, end);
        std::string error;
        if (const auto record = parse_record(line, &error)) {
            const auto rendered = render_record(record->seq, record->time, record->event, record->fields, record->prev);
            const auto again = parse_record(rendered, &error);
            FUZZ_CHECK(again);
            // Boost.JSON writes invalid UTF-8 as U+FFFD, so such a value does not survive
            // (reported as a finding of this target); every valid string must.
            if (valid_utf8(*record)) FUZZ_CHECK(same(*record, *again));
            FUZZ_CHECK(render_record(again->seq, again->time, again->event, again->fields, again->prev) == rendered);
            values.push_back(record->event);
            for (const auto& [k, v] : record->fields) {
                values.push_back(k);
                values.push_back(v);
            }
        } else {
            FUZZ_CHECK(!error.empty());
        }
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    write_trail(std::string(input));
    check_verdict(verify_chain({trail_path}, nullptr));

    // The writer: a chain of records holding the input's lines as field values (and the
    // values found above) must verify.
    std::string trail, prev = kGenesis;
    std::uint64_t seq = 1;
    auto append = [&](std::string_view event, const Fields& fields) {
        const auto line = render_record(seq, "2026-11-22T13:05:01.123+09:00", event, fields, prev);
        FUZZ_CHECK(line == boost_rendering(seq, "2026-11-22T13:05:01.123+09:00", event, fields, prev));
        ++seq;
        prev = record_hash(line);
        trail += line + "\n";
    };
    for (std::string_view rest = input; !rest.empty();) {
        const auto end = rest.find('\n');
        append("auth.login", {{"user", std::string(rest.substr(0, end))}, {"seq", "shadowed"}});
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    for (const auto& v : values) append("fuzz.value", {{v, v}});
    append("audit.seal", {{"head", prev}, {"sig", "not checked without a key"}});
    write_trail(trail);
    const auto verdict = verify_chain({trail_path}, nullptr);
    check_verdict(verdict);
    if (!verdict.ok) std::fprintf(stderr, "verify_chain: %s\n", verdict.problem.c_str());
    FUZZ_CHECK(verdict.ok && verdict.records == seq - 1 && verdict.seals == 1 && verdict.unsealed_tail == 0);
    return 0;
}
