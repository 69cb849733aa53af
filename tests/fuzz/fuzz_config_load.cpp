// Target: the YAML configuration loader (config/load.*) on arbitrary text — what an operator
// types, half-edited files, and the YAML that yaml-cpp accepts but nobody meant.
// Input: the file's text. Relative paths resolve against a temporary folder that holds
// (empty) files under the names of config/examples/sekisho.yaml, so that the example and
// its mutations get past the "file exists" checks into the validation behind them.
//
// Invariants: load_text returns a Config or throws ConfigError — never another exception,
// because the daemon and `sekishoctl config check` print ConfigError's problems to the
// operator and nothing else; a ConfigError lists at least one problem, each naming the file,
// a line >= 0 and a reason; a loaded Config names its source file, and loading the same text
// again gives the same verdict.
#include "fuzz_support.hpp"

#include "config/load.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace sekisho;

namespace {

std::string base_dir;

const char* const example_files[] = {
    "pki/server.crt",        "pki/server.key",         "pki/device-ca-bundle.pem", "pki/device-ca.crl",
    "pki/root-ca.crl",       "pki/assertion.key",      "pki/upstream-ca.pem",      "pki/gateway-client.crt",
    "pki/gateway-client.key", "pki/device-ca.crt",     "pki/device-ca.key",        "pki/root-ca.crt",
    "pki/audit-seal.key",    "admin.crt",              "admin.key",                "operators-ca.pem",
};

bool loads(const std::string& text) {
    try {
        const auto config = config::load_text(text, "fuzz.yaml", base_dir);
        FUZZ_CHECK(config.source_file == "fuzz.yaml");
        return true;
    } catch (const config::ConfigError& e) {
        FUZZ_CHECK(!e.problems().empty());
        for (const auto& p : e.problems()) {
            FUZZ_CHECK(p.file == "fuzz.yaml");
            FUZZ_CHECK(p.line >= 0);
            FUZZ_CHECK(!p.reason.empty());
            FUZZ_CHECK(!p.to_string().empty());
        }
        return false;
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    namespace fs = std::filesystem;
    char pattern[] = "/tmp/sekisho-fuzz-config-XXXXXX";
    FUZZ_CHECK(mkdtemp(pattern) != nullptr);
    base_dir = pattern;
    fs::create_directories(fs::path(base_dir) / "pki");
    fs::create_directories(fs::path(base_dir) / "audit");
    for (const char* name : example_files) std::ofstream(fs::path(base_dir) / name) << "";
    std::atexit([] {
        std::error_code ignored;
        std::filesystem::remove_all(base_dir, ignored);
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(fuzz::as_view(data, size));
    const bool first = loads(text);
    FUZZ_CHECK(loads(text) == first);
    return 0;
}
