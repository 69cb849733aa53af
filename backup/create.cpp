#include "backup/create.hpp"

#include "backup/audit_head.hpp"
#include "backup/file_io.hpp"
#include "backup/sources.hpp"
#include "codec/sha256.hpp"
#include "config/load.hpp"
#include "pki/jws_verify.hpp"
#include "pki/pkcs11_uri.hpp"
#include "store/registry.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace sekisho::backup {

namespace {

namespace fs = std::filesystem;

void make_private_folder(const fs::path& dir, bool must_be_new) {
    if (::mkdir(dir.c_str(), 0700) == 0) return;
    if (errno == EEXIST && !must_be_new && fs::is_directory(dir)) return;
    throw std::runtime_error(dir.string() + ": cannot create the folder: " + std::strerror(errno));
}

// Writes bytes as `name` inside the generation and lists it.
void add_file(const fs::path& gen, Manifest& manifest, ManifestFile file, const std::string& bytes) {
    fs::path path = gen / file.name;
    for (fs::path dir = gen; const auto& part : fs::path(file.name).parent_path()) make_private_folder(dir /= part, false);
    write_new_file(path.string(), bytes, file.mode);
    file.size = bytes.size();
    file.sha256 = codec::sha256_hex(bytes);
    manifest.files.push_back(std::move(file));
}

void add_registry(const fs::path& gen, const config::RegistryConfig& registry, Manifest& manifest) {
    if (!registry.configured()) {
        manifest.registry_backend = "none";
        manifest.omitted.push_back({"registry", "the configuration names none"});
        return;
    }
    const auto file = (gen / kRegistryName).string();
    const auto summary = store::snapshot_registry(registry, file);
    manifest.registry_backend = registry.postgresql ? "postgresql" : "sqlite";
    manifest.registry_location = summary.location;
    manifest.schema_version = summary.schema_version;
    manifest.rows = summary.rows;
    manifest.last_ledger_seq = summary.last_ledger_seq;
    manifest.revision = summary.revision;
    const auto bytes = read_file(file);
    manifest.files.push_back({kRegistryName, FileKind::registry, registry.postgresql ? "" : summary.location,
                              bytes.size(), codec::sha256_hex(bytes), 0600, false, ""});
}

void add_audit(const fs::path& gen, const config::AuditConfig& audit, Manifest& manifest) {
    manifest.audit_file = audit.file;
    if (const auto head = audit_head(audit.file)) {
        manifest.audit_head_seq = head->seq;
        manifest.audit_head_sha256 = head->sha256;
    }
    if (audit.seal_key.empty()) return;
    if (pki::is_pkcs11_uri(audit.seal_key)) {
        manifest.omitted.push_back({"audit seal public key",
                                    "audit.seal_key is on a PKCS#11 token; keep its public key with the backups"});
        return;
    }
    const auto key = pki::load_public_key_pem(audit.seal_key); // the public half of the key file
    manifest.audit_seal_public = "audit-seal.pub";
    add_file(gen, manifest, {manifest.audit_seal_public, FileKind::public_key, "", 0, "", 0644, false, ""},
             pki::public_key_to_pem(key.get()));
}

} // namespace

CreateReport create_backup(const CreateOptions& options, codec::SystemTime now) {
    const auto config = config::load_file(options.config_path);
    if (options.retention.keep < 1) throw std::invalid_argument("--keep must be at least 1");
    make_private_folder(options.out_dir, false);
    const auto name = new_generation_name(options.out_dir, now);
    const fs::path gen = fs::path(options.out_dir) / name;
    make_private_folder(gen, true);

    Manifest manifest;
    manifest.generation = name;
    manifest.created_at = codec::jst_timestamp(now);
    manifest.sekisho_version = SEKISHO_VERSION;
    manifest.config = fs::absolute(config.source_file).lexically_normal().string();
    const auto config_dir = fs::path(manifest.config).parent_path().string();
    manifest.config_name = name_in_backup(manifest.config, config_dir);

    add_registry(gen, config.registry, manifest);
    const auto sources = sources_of(config);
    manifest.omitted.insert(manifest.omitted.end(), sources.omitted.begin(), sources.omitted.end());
    for (const auto& source : sources.files) {
        const auto bytes = read_file(source.path);
        ManifestFile file{name_in_backup(source.path, config_dir), source.kind, source.path, 0, "", file_mode(source.path),
                          false, ""};
        if (source.kind != FileKind::secret) {
            add_file(gen, manifest, std::move(file), bytes);
        } else if (options.sealer != nullptr) {
            file.name += ".sealed";
            file.sealed = true;
            file.mode &= 0600u;
            file.plain_sha256 = codec::sha256_hex(bytes);
            add_file(gen, manifest, file, options.sealer->seal(bytes, file.name));
        } else {
            manifest.omitted.push_back({source.key + " " + source.path,
                                        "a secret: give --passphrase-file to include it sealed"});
        }
    }
    add_audit(gen, config.audit, manifest);

    // Last: only now is the generation complete.
    const auto text = manifest_json(manifest);
    if (options.sealer != nullptr)
        write_new_file((gen / kManifestSealName).string(), options.sealer->seal(codec::sha256_hex(text), kManifestSealName),
                       0600);
    const auto partial = (gen / (std::string(kManifestName) + ".partial")).string();
    write_new_file(partial, text, 0600);
    fs::rename(partial, gen / kManifestName);
    sync_directory(gen.string());
    sync_directory(options.out_dir);

    CreateReport report{gen.string(), std::move(manifest), {}};
    report.pruned = prune_generations(options.out_dir, options.retention, now, false);
    return report;
}

} // namespace sekisho::backup
