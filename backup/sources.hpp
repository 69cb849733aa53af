// What of an installation a backup holds besides the registry: the configuration file and
// every file it names — certificates, CA bundles and CRLs as they are; private keys and
// password files only sealed under the passphrase, and never a key that lives on a PKCS#11
// token (it cannot leave it: the token has its own backup). The audit trail itself is not
// copied (it has its own retention and export); the backup records where it is and carries
// the seal's public key, which verifies it.
#pragma once

#include "backup/manifest.hpp"
#include "config/config.hpp"

#include <string>
#include <vector>

namespace sekisho::backup {

struct SourceFile {
    std::string path; // absolute
    std::string key;  // the configuration key that names it, for messages
    FileKind kind = FileKind::certificate;
};

struct Sources {
    std::vector<SourceFile> files; // each path once, the configuration first
    std::vector<Omitted> omitted;  // keys on tokens
};

Sources sources_of(const config::Config& config);

// Where a file goes inside a generation: files/<path relative to the configuration's folder>
// when it is inside that folder (restored the same way under --files-into), else
// outside/<absolute path>.
std::string name_in_backup(const std::string& path, const std::string& config_dir);

} // namespace sekisho::backup
