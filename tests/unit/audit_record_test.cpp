// The record renderer writes JSON by hand (no Boost.JSON on the per-request path); these
// pin its bytes to Boost.JSON's serialisation, which wrote every trail before it: a line
// rendered differently would break the chain of an operator's existing trail at verify.
#include "audit/audit_record.hpp"
#include "codec/jst_time.hpp"
#include "pki/printable.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include <string>

using namespace sekisho;

namespace {

// What the renderer wrote before: a Boost.JSON object in the same key order.
std::string boost_rendering(std::uint64_t seq, const std::string& time, const std::string& event,
                            const audit::Fields& fields, const std::string& prev) {
    auto str = [](const std::string& s) { return boost::json::serialize(boost::json::string(pki::valid_utf8(s))); };
    std::string line = "{\"seq\":" + std::to_string(seq) + ",\"time\":" + str(time) + ",\"event\":" + str(event);
    for (const auto& [k, v] : fields) {
        const bool reserved = k == "seq" || k == "time" || k == "event" || k == "prev";
        line += "," + str(reserved ? "_" + k : k) + ":" + str(v);
    }
    return line + ",\"prev\":" + str(prev) + "}";
}

} // namespace

TEST_CASE("a record renders byte for byte as Boost.JSON serialises it", "[audit]") {
    std::string every_byte;
    for (int c = 0; c < 256; ++c) every_byte += static_cast<char>(c);
    const std::vector<std::string> values = {
        "", "plain ascii", "quote \" and backslash \\", "tab\tnewline\ncr\rbs\bff\fvt\x0b",
        std::string("nul\0inside", 10), "del \x7f", "日本語の利用者", "broken \xff\xfe utf-8 \xe6\x97",
        "overlong \xc0\xaf", "C1 \xc2\x9b", every_byte, "/slash/ and </script>"};
    std::uint64_t seq = 0;
    for (const auto& v : values) {
        const audit::Fields fields = {{"level", "info"}, {"path", v}, {v, "as a key"}, {"prev", "shadowed"}};
        const auto time = codec::jst_timestamp(std::chrono::system_clock::now());
        INFO("value: " << v);
        CHECK(audit::render_record(seq, time, "request", fields, audit::kGenesis) ==
              boost_rendering(seq, time, "request", fields, audit::kGenesis));
        ++seq;
    }
}

TEST_CASE("a record with odd bytes parses back to what was rendered", "[audit]") {
    const audit::Fields fields = {{"user", "a\"b\\c\n\x01"}, {"seq", "not the real one"}};
    const auto line = audit::render_record(7, "2026-12-06T10:00:00.000+09:00", "request", fields, audit::kGenesis);
    std::string error;
    const auto parsed = audit::parse_record(line, &error);
    REQUIRE(parsed);
    CHECK(parsed->seq == 7);
    REQUIRE(parsed->fields.size() == 2);
    CHECK(parsed->fields[0].second == "a\"b\\c\n\x01");
    CHECK(parsed->fields[1].first == "_seq");
    CHECK(audit::record_hash(line).size() == 64);
}
