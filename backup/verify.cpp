#include "backup/verify.hpp"

#include "backup/file_io.hpp"
#include "backup/generations.hpp"
#include "codec/sha256.hpp"

#include <filesystem>
#include <set>
#include <stdexcept>

namespace sekisho::backup {

namespace {

namespace fs = std::filesystem;

void check_registry(VerifyReport& report) {
    const auto& m = report.manifest;
    if (m.registry_backend == "none") return;
    try {
        report.registry = store::inspect_snapshot((fs::path(report.path) / kRegistryName).string());
    } catch (const std::exception& e) {
        report.problems.push_back(std::string(kRegistryName) + ": " + e.what());
        return;
    }
    const auto& r = *report.registry;
    if (r.schema_version != m.schema_version)
        report.problems.push_back(std::string(kRegistryName) + ": schema version " + std::to_string(r.schema_version) +
                                  ", the manifest says " + std::to_string(m.schema_version));
    for (const auto& [table, rows] : m.rows) {
        std::optional<std::int64_t> found;
        for (const auto& [t, n] : r.rows)
            if (t == table) found = n;
        if (found != rows)
            report.problems.push_back(std::string(kRegistryName) + ": table " + table + " has " +
                                      (found ? std::to_string(*found) : std::string("no")) + " rows, the manifest says " +
                                      std::to_string(rows));
    }
}

void check_file(VerifyReport& report, const ManifestFile& file, PassphraseSealer* sealer) {
    const auto path = (fs::path(report.path) / file.name).string();
    if (!fs::is_regular_file(path)) {
        report.problems.push_back(file.name + ": missing");
        return;
    }
    std::string bytes;
    try {
        bytes = read_file(path);
    } catch (const std::exception& e) {
        report.problems.push_back(file.name + ": " + e.what());
        return;
    }
    ++report.files_checked;
    if (bytes.size() != file.size || codec::sha256_hex(bytes) != file.sha256) {
        report.problems.push_back(file.name + ": " +
                                  (bytes.size() != file.size ? std::to_string(bytes.size()) + " bytes, the manifest says " +
                                                                   std::to_string(file.size)
                                                             : std::string("SHA-256 differs from the manifest")) +
                                  " (altered or damaged)");
        return;
    }
    if (!file.sealed || sealer == nullptr) return;
    try {
        auto plain = sealer->open(bytes, file.name);
        if (codec::sha256_hex(plain) != file.plain_sha256)
            report.problems.push_back(file.name + ": opens, but is not what was sealed (SHA-256 differs)");
        else
            report.opened.emplace(file.name, std::move(plain));
    } catch (const WrongPassphrase&) {
        report.problems.push_back(file.name + ": the passphrase does not open it: a wrong passphrase (its SHA-256 "
                                              "matches the manifest, so the file is as written)");
    } catch (const std::exception& e) {
        report.problems.push_back(e.what());
    }
}

// The manifest against its seal: present whenever secrets were sealed; opened given the passphrase.
void check_manifest_seal(VerifyReport& report, const std::string& manifest_text, PassphraseSealer* sealer) {
    const auto path = (fs::path(report.path) / kManifestSealName).string();
    if (!fs::exists(path)) {
        if (report.manifest.has_secrets())
            report.problems.push_back(std::string(kManifestSealName) + ": missing (removed after the backup)");
        return;
    }
    if (sealer == nullptr) return;
    try {
        if (sealer->open(read_file(path), kManifestSealName) != codec::sha256_hex(manifest_text))
            report.problems.push_back(std::string(kManifestName) + ": changed after the backup (its SHA-256 is not the "
                                                                   "one sealed in manifest.seal)");
        else
            report.manifest_authenticated = true;
    } catch (const WrongPassphrase&) {
        report.problems.push_back(std::string(kManifestSealName) + ": the passphrase does not open it: a wrong "
                                                                   "passphrase, or the file was altered");
    } catch (const std::exception& e) {
        report.problems.push_back(e.what());
    }
}

// Files in the generation the manifest does not list: an addition is a change too.
void check_strangers(VerifyReport& report) {
    std::set<std::string> listed{kManifestName, kManifestSealName};
    for (const auto& f : report.manifest.files) listed.insert(f.name);
    for (const auto& entry : fs::recursive_directory_iterator(report.path)) {
        if (entry.is_directory()) continue;
        const auto name = entry.path().lexically_relative(report.path).string();
        if (!listed.contains(name)) report.problems.push_back(name + ": not in the manifest (added after the backup)");
    }
}

} // namespace

VerifyReport verify_generation(const std::string& gen_dir, PassphraseSealer* sealer) {
    VerifyReport report;
    report.path = fs::path(gen_dir).lexically_normal().string();
    if (!report.path.empty() && report.path.back() == '/') report.path.pop_back();
    if (!fs::is_directory(report.path)) throw std::runtime_error(gen_dir + ": no such backup generation");
    const auto manifest_path = (fs::path(report.path) / kManifestName).string();
    if (!fs::exists(manifest_path)) {
        if (!is_generation_name(fs::path(report.path).filename().string()))
            throw std::runtime_error(gen_dir + ": not a backup generation (a folder DIR/<JST time> that "
                                               "'backup create' made)");
        throw std::runtime_error(gen_dir + ": no manifest.json: an incomplete generation (its create failed or is "
                                           "still running); use another");
    }
    const auto manifest_text = read_file(manifest_path);
    report.manifest = parse_manifest(manifest_text, manifest_path);
    check_manifest_seal(report, manifest_text, sealer);
    report.secrets_checked = sealer != nullptr && report.manifest.has_secrets();
    for (const auto& file : report.manifest.files) check_file(report, file, sealer);
    check_strangers(report);
    check_registry(report);
    return report;
}

} // namespace sekisho::backup
