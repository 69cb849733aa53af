// Shared helpers for the config unit tests: a temporary folder with dummy key/cert files,
// a minimal valid configuration, and a way to collect the problems a text produces.
#pragma once

#include "config/load.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sekisho::config::test {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed with everything in it at scope exit.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "sekisho-config-test-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }
    std::string str() const { return path_.string(); }

    // Creates (or overwrites) a file, making parent folders as needed.
    fs::path write(const std::string& relative, const std::string& content = "dummy\n") const {
        const auto file = path_ / relative;
        fs::create_directories(file.parent_path());
        std::ofstream(file) << content;
        return file;
    }

private:
    fs::path path_;
};

// The files the minimal configuration below refers to.
inline void write_minimal_files(const TempDir& dir) {
    for (const char* name : {"server.crt", "server.key", "ca.pem", "assertion.key"}) {
        dir.write(name);
    }
}

// Valid once write_minimal_files() ran. Lines: 1 listen, 2 tls, 3 certificate, 4 key,
// 5 client_ca, 6 assertion, 7 signing_key, 8 routes, 9 name, 10 hosts, 11 upstream.
inline const std::string minimal_config = R"(listen: 0.0.0.0:8443
tls:
  certificate: server.crt
  key: server.key
  client_ca: ca.pem
assertion:
  signing_key: assertion.key
routes:
  - name: emr
    hosts: [emr.example.jp]
    upstream: https://10.0.0.5
)";

inline std::string example_path() {
    // From the absolute data folder CMake gives (tests/data), not __FILE__: a compiler cache
    // may make __FILE__ relative, and CTest runs the tests from another folder.
    return (fs::path(SEKISHO_TEST_DATA_DIR).parent_path().parent_path() / "config" / "examples" / "sekisho.yaml")
        .string();
}

inline std::string read_text_file(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The problems load_text reports for `text` (empty when it loads).
inline std::vector<ConfigProblem> problems_of(const std::string& text, const TempDir& dir) {
    try {
        load_text(text, "test.yaml", dir.str());
    } catch (const ConfigError& error) {
        return error.problems();
    }
    return {};
}

// Exactly one problem, on `key` at `line`, whose reason contains `reason_part`.
inline void require_single_problem(const std::string& text, const std::string& key, int line,
                                   const std::string& reason_part) {
    TempDir dir;
    write_minimal_files(dir);
    const auto problems = problems_of(text, dir);
    std::string listed;
    for (const auto& problem : problems) listed += problem.to_string() + "\n";
    INFO("config:\n" << text << "problems:\n" << listed);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].file == "test.yaml");
    CHECK(problems[0].key == key);
    CHECK(problems[0].line == line);
    CHECK_THAT(problems[0].reason, Catch::Contains(reason_part));
}

// `minimal_config` with the first occurrence of `from` replaced by `to`.
inline std::string minimal_with(const std::string& from, const std::string& to) {
    std::string text = minimal_config;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

} // namespace sekisho::config::test
