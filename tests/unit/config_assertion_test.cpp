// assertion.next_keys / previous_keys: the files of the published key set, each remembered with
// its key and line (their content is checked when the runtime reads them).
#include "config/load.hpp"
#include "config_test_support.hpp"

using namespace sekisho::config;
using namespace sekisho::config::test;

namespace {

const std::string kSigning = "  signing_key: assertion.key\n";

std::string with_assertion_lines(const std::string& lines) {
    return minimal_with(kSigning, kSigning + lines);
}

} // namespace

TEST_CASE("assertion: next_keys and previous_keys are lists of files, one value or none allowed",
          "[config][assertion]") {
    TempDir dir;
    write_minimal_files(dir);
    dir.write("next.pub");
    dir.write("old-1.pem");
    dir.write("old-2.pub");

    const auto cfg = load_text(with_assertion_lines("  next_keys: next.pub\n"
                                                    "  previous_keys:\n"
                                                    "    - old-1.pem\n"
                                                    "    - old-2.pub\n"),
                               "test.yaml", dir.str());
    CHECK(cfg.assertion.signing_key.path == (dir.path() / "assertion.key").string());
    CHECK(cfg.assertion.signing_key.line == 7);
    REQUIRE(cfg.assertion.next_keys.size() == 1);
    CHECK(cfg.assertion.next_keys[0].path == (dir.path() / "next.pub").string());
    CHECK(cfg.assertion.next_keys[0].key == "assertion.next_keys");
    CHECK(cfg.assertion.next_keys[0].line == 8);
    REQUIRE(cfg.assertion.previous_keys.size() == 2);
    CHECK(cfg.assertion.previous_keys[1].path == (dir.path() / "old-2.pub").string());
    CHECK(cfg.assertion.previous_keys[1].key == "assertion.previous_keys[1]");
    CHECK(cfg.assertion.previous_keys[1].line == 11);

    // Between two rotations the list may be empty rather than removed.
    const auto quiet =
        load_text(with_assertion_lines("  previous_keys: []\n  next_keys: []\n"), "test.yaml", dir.str());
    CHECK(quiet.assertion.previous_keys.empty());
    CHECK(quiet.assertion.next_keys.empty());
}

TEST_CASE("assertion: key files that are missing, repeated or on a token", "[config][assertion]") {
    require_single_problem(with_assertion_lines("  previous_keys: [gone.pem]\n"),
                           "assertion.previous_keys[0]", 8, "file not found");
    require_single_problem(with_assertion_lines("  previous_keys:\n    - ca.pem\n    - ca.pem\n"),
                           "assertion.previous_keys[1]", 10,
                           "is already listed as assertion.previous_keys[0] (line 9); list each key once");
    require_single_problem(with_assertion_lines("  next_keys: [assertion.key]\n"), "assertion.next_keys[0]",
                           8, "is already listed as assertion.signing_key (line 7)");
    require_single_problem(minimal_with(kSigning, "  signing_key: \"pkcs11:token=t;object=k\"\n"),
                           "assertion.signing_key", 7, "a pkcs11: URI cannot sign assertions");
    require_single_problem(with_assertion_lines("  previous_key: [ca.pem]\n"), "assertion.previous_key", 8,
                           "did you mean 'previous_keys'?");
}
