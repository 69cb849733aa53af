// manifest.json of a backup generation: what the generation holds (every file with its size
// and SHA-256, and for a sealed file the SHA-256 of what it seals), what it deliberately does
// not hold and why, and what it came from (Sekisho version, schema version, registry,
// configuration, time). It is written last: a generation without one is incomplete.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace sekisho::backup {

inline constexpr const char* kManifestName = "manifest.json";
inline constexpr const char* kRegistryName = "registry.db";
// With a passphrase: the manifest's SHA-256 sealed under it, so that a manifest rewritten to
// match altered files (a registry with one more terminal, say) fails verify too.
inline constexpr const char* kManifestSealName = "manifest.seal";

enum class FileKind { registry, config, certificate, crl, public_key, secret };
const char* kind_name(FileKind kind);

struct ManifestFile {
    std::string name;   // inside the generation: registry.db, files/..., outside/..., audit-seal.pub
    FileKind kind = FileKind::certificate;
    std::string source; // the absolute path it was read from ("" for derived files)
    std::uint64_t size = 0;
    std::string sha256; // of the bytes in the generation
    unsigned mode = 0644;
    bool sealed = false;
    std::string plain_sha256; // sealed only: of the original file's bytes
};

struct Omitted {
    std::string what; // the configuration key and value, e.g. "tls.key pkcs11:..."
    std::string why;
};

struct Manifest {
    int format = 1;
    std::string generation;
    std::string created_at; // JST, RFC 3339
    std::string sekisho_version;
    std::string config;             // the configuration file, absolute
    std::string config_name;        // its name inside the generation
    std::string registry_backend;   // sqlite | postgresql
    std::string registry_location;  // never a password
    int schema_version = 0;
    std::vector<std::pair<std::string, std::int64_t>> rows;
    std::int64_t last_ledger_seq = 0;
    std::int64_t revision = 0;
    std::string audit_file;          // audit.file, which the backup does not hold
    std::string audit_seal_public;   // name of the seal's public key inside the generation, or ""
    std::uint64_t audit_head_seq = 0; // the trail's last record when the backup was made (0: none)
    std::string audit_head_sha256;
    std::vector<ManifestFile> files;
    std::vector<Omitted> omitted;

    const ManifestFile* find(const std::string& name) const;
    bool has_secrets() const;
};

std::string manifest_json(const Manifest& manifest);
// Throws std::runtime_error "<path>: <what is wrong>".
Manifest parse_manifest(const std::string& text, const std::string& path);

} // namespace sekisho::backup
