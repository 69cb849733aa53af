// Helpers shared by the pki unit tests: a temporary folder, running a command, a small CA.
#pragma once

#include "pki/ca.hpp"
#include "pki/keygen.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace sekisho::pki::test {

// A fresh folder under the system temp dir, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "sekisho-pki-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

struct CommandResult {
    int status = -1;
    std::string output; // stdout only
};

inline CommandResult run_command(const std::string& command) {
    CommandResult result;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(command.c_str(), "r"), ::pclose);
    if (!pipe) return result;
    std::array<char, 4096> buffer;
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) {
        result.output.append(buffer.data(), n);
    }
    int raw = ::pclose(pipe.release());
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    return result;
}

// Root CA → device-issuing CA (pathlen 0), EC P-256 keys, valid for a year.
struct TestCa {
    EvpPkeyPtr root_key = generate_key();
    X509Ptr root = create_root_ca(root_key.get(), {"Test Root CA", "Test Org",
                                                   Validity::days_from_now(365), std::nullopt, ""});
    EvpPkeyPtr issuing_key = generate_key();
    X509Ptr issuing = create_intermediate_ca(issuing_key.get(),
                                             {"Test Device CA", "Test Org",
                                              Validity::days_from_now(365), 0, ""},
                                             root_issuer());

    Issuer root_issuer() const { return {root.get(), root_key.get()}; }
    Issuer device_issuer() const { return {issuing.get(), issuing_key.get()}; }
};

inline CertificateProfile device_profile(const std::string& facility, const std::string& device) {
    CertificateProfile profile;
    profile.common_name = device;
    profile.organization = facility;
    profile.uris = {"urn:sekisho:device:" + facility + ":" + device};
    profile.client_auth = true;
    profile.validity = Validity::days_from_now(30);
    return profile;
}

} // namespace sekisho::pki::test
