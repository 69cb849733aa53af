// enrollment.previous_cas: the issuing CAs of an earlier rollover, still publishing CRLs.
#include "config_test_support.hpp"

#include <algorithm>

using namespace sekisho::config;
using namespace sekisho::config::test;

namespace {

const std::string kCurrent = "registry:\n  sqlite: r.db\nenrollment:\n  listen: 127.0.0.1:8444\n"
                             "  public_url: https://enroll.example.jp:8444\n"
                             "  ca:\n    name: device-ca-2\n    certificate: new.crt\n    key: new.key\n"
                             "    crl: device-ca-2.crl\n";

void write_ca_files(const TempDir& dir) {
    write_minimal_files(dir);
    for (const char* name : {"new.crt", "new.key", "old.crt", "old.key"}) dir.write(name);
}

} // namespace

TEST_CASE("enrollment.previous_cas lists earlier CAs with their own name, key and CRL", "[config]") {
    TempDir dir;
    write_ca_files(dir);
    const Config config = load_text(minimal_config + kCurrent +
                                        "  previous_cas:\n    - name: device-ca\n      certificate: old.crt\n"
                                        "      key: old.key\n      crl: device-ca.crl\n",
                                    "test.yaml", dir.str());
    CHECK(config.enrollment.ca.name == "device-ca-2");
    REQUIRE(config.enrollment.previous_cas.size() == 1);
    CHECK(config.enrollment.previous_cas[0].name == "device-ca");
    CHECK(config.enrollment.previous_cas[0].key == (dir.path() / "old.key").string());
    CHECK(config.enrollment.previous_cas[0].crl == (dir.path() / "device-ca.crl").string());

    const Config without = load_text(minimal_config + kCurrent, "test.yaml", dir.str());
    CHECK(without.enrollment.previous_cas.empty());
}

TEST_CASE("enrollment.previous_cas refuses a missing key or name and a name or CRL taken twice", "[config]") {
    TempDir dir;
    write_ca_files(dir);
    auto problems = problems_of(minimal_config + kCurrent +
                                    "  previous_cas:\n    - certificate: old.crt\n      crl: device-ca.crl\n",
                                dir);
    std::vector<std::string> keys;
    for (const auto& p : problems) keys.push_back(p.key);
    CHECK(std::find(keys.begin(), keys.end(), "enrollment.previous_cas[0].name") != keys.end());
    CHECK(std::find(keys.begin(), keys.end(), "enrollment.previous_cas[0].key") != keys.end());

    problems = problems_of(minimal_config + kCurrent +
                               "  previous_cas:\n    - name: device-ca-2\n      certificate: old.crt\n"
                               "      key: old.key\n      crl: device-ca.crl\n",
                           dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "enrollment.previous_cas");
    CHECK_THAT(problems[0].reason, Catch::Contains("device-ca-2") && Catch::Contains("twice"));

    problems = problems_of(minimal_config + kCurrent +
                               "  previous_cas:\n    - name: device-ca\n      certificate: old.crt\n"
                               "      key: old.key\n      crl: device-ca-2.crl\n",
                           dir);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason, Catch::Contains("both write their CRL"));

    // The current CA's delta CRL is served as /crl/device-ca-2-delta.crl and written beside
    // its CRL as device-ca-2-delta.crl: neither may be another CA's.
    problems = problems_of(minimal_config + kCurrent +
                               "  previous_cas:\n    - name: device-ca-2-delta\n      certificate: old.crt\n"
                               "      key: old.key\n      crl: old.crl\n",
                           dir);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason, Catch::Contains("delta CRL of device-ca-2"));
    problems = problems_of(minimal_config + kCurrent +
                               "  previous_cas:\n    - name: device-ca\n      certificate: old.crt\n"
                               "      key: old.key\n      crl: device-ca-2-delta.crl\n",
                           dir);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason, Catch::Contains("writes its delta CRL"));
}

TEST_CASE("with CRLs checked, a previous CA's CRL must be one of tls.crl", "[config]") {
    TempDir dir;
    write_ca_files(dir);
    for (const char* name : {"device-ca.crl", "device-ca-2.crl"}) dir.write(name);
    const std::string previous = "  previous_cas:\n    - name: device-ca\n      certificate: old.crt\n"
                                 "      key: old.key\n      crl: device-ca.crl\n";
    auto with_crls = [](const std::string& crls) {
        std::string text = minimal_config;
        text.replace(text.find("  client_ca: ca.pem\n"), 20, "  client_ca: ca.pem\n  crl: [" + crls + "]\n");
        return text;
    };
    auto problems = problems_of(with_crls("device-ca-2.crl") + kCurrent + previous, dir);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].key == "enrollment");
    CHECK_THAT(problems[0].reason, Catch::Contains("device-ca.crl") && Catch::Contains("tls.crl"));
    CHECK(problems_of(with_crls("device-ca-2.crl, device-ca.crl") + kCurrent + previous, dir).empty());
}
