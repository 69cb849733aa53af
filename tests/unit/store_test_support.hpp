// Helpers shared by the store unit tests: a temporary registry file and a settable clock.
#pragma once

#include "credentials/password_hash.hpp"
#include "config/config.hpp"
#include "store/registry.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sekisho::store::test {

inline constexpr UnixSeconds kStart = 1'700'000'000; // 2023-11-14

// A fresh folder holding registry.db, removed with everything in it; its clock starts at
// kStart and moves only when a test sets it.
class TempRegistry {
public:
    TempRegistry() {
        std::string pattern = (std::filesystem::temp_directory_path() / "sekisho-store-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir_ = pattern;
    }
    ~TempRegistry() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    TempRegistry(const TempRegistry&) = delete;
    TempRegistry& operator=(const TempRegistry&) = delete;

    std::string path() const { return (dir_ / "registry.db").string(); }
    // The registry through the factory, as the gateway and sekishoctl open it.
    std::shared_ptr<Registry> open_registry() const {
        auto now = now_;
        return store::open_registry(config::RegistryConfig{path()}, [now] { return *now; });
    }
    // One narrow registry of a freshly opened Registry, keeping that Registry alive.
    std::shared_ptr<DeviceRegistry> open() const {
        auto registry = open_registry();
        return std::shared_ptr<DeviceRegistry>(registry, &registry->devices());
    }
    std::shared_ptr<UserRegistry> open_users() const {
        auto registry = open_registry();
        return std::shared_ptr<UserRegistry>(registry, &registry->users());
    }
    void set_now(UnixSeconds t) { *now_ = t; }
    UnixSeconds now() const { return *now_; }

    // Every byte of the database and its WAL, to look for secrets that must not be there.
    std::string all_bytes() const {
        std::string bytes;
        for (const char* suffix : {"", "-wal"}) {
            std::ifstream in(path() + suffix, std::ios::binary);
            bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        }
        return bytes;
    }

private:
    std::filesystem::path dir_;
    std::shared_ptr<UnixSeconds> now_ = std::make_shared<UnixSeconds>(kStart);
};

// A certificate record as the CA would report it; serial and fingerprint derive from n.
inline DeviceCertificate test_certificate(int n, UnixSeconds not_after = kStart + 365 * 86400,
                                          const std::string& issuer = "Device CA") {
    char serial[32];
    std::snprintf(serial, sizeof serial, "5EC%013X", static_cast<unsigned>(n));
    char fingerprint[65];
    std::snprintf(fingerprint, sizeof fingerprint, "%064x", static_cast<unsigned>(0xf00000 + n));
    DeviceCertificate cert;
    cert.serial_hex = serial;
    cert.fingerprint_sha256 = fingerprint;
    cert.not_before = kStart - 60;
    cert.not_after = not_after;
    cert.issued_at = kStart;
    cert.issuer = issuer;
    return cert;
}

// Argon2id parameters cheap enough for tests; the defaults (19 MiB) would make them slow.
inline const credentials::Argon2Params kFastArgon2{1024, 1, 1};

inline std::string fast_hash(std::string_view password) {
    return credentials::hash_password(password, kFastArgon2);
}

// A user of facility north (or the given one) whose password is "First-Pass-1".
inline User make_nurse(UserRegistry& users, const std::string& id = "yamada.hanako",
                       const std::string& facility = "north") {
    return users.create_user(id, "Yamada Hanako", facility, {"nurse", "ward-3"}, fast_hash("First-Pass-1"),
                             true, "admin:alice");
}

inline std::vector<std::string> ledger_actions(const TempRegistry& temp) {
    std::vector<std::string> actions;
    for (const LedgerEntry& e : temp.open()->ledger())
        actions.push_back(e.action);
    return actions;
}

} // namespace sekisho::store::test
