// `sekishoctl backup verify`: whether a generation is whole — every file of the manifest
// there with its size and SHA-256 and no file beside them, the registry snapshot sound
// (SQLite's integrity and foreign-key checks) with the row counts the manifest recorded,
// and, given the passphrase, every sealed file opened and equal to what was sealed, and the
// manifest itself matched against the hash sealed beside it (manifest.seal).
// Restore runs the same checks first and uses what they opened.
#pragma once

#include "backup/manifest.hpp"
#include "backup/sealed_file.hpp"
#include "store/registry.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sekisho::backup {

struct VerifyReport {
    std::string path;
    Manifest manifest;
    std::vector<std::string> problems; // "<name>: <what is wrong>", every one found
    std::optional<store::SnapshotSummary> registry;
    std::size_t files_checked = 0;
    bool secrets_checked = false;
    bool manifest_authenticated = false; // manifest.seal opened and matches
    std::map<std::string, std::string> opened; // sealed name → its plaintext (when secrets_checked)
    bool ok() const { return problems.empty(); }
};

// Throws std::runtime_error when gen_dir is no generation or has no (readable) manifest: an
// incomplete generation. sealer null: sealed files are checked by SHA-256 only.
VerifyReport verify_generation(const std::string& gen_dir, PassphraseSealer* sealer);

} // namespace sekisho::backup
