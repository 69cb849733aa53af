// `sekishoctl backup create`: one new generation under the backup folder — the registry's
// snapshot, the configuration and the files it names, the audit seal's public key — then
// manifest.json, last, and the retention rule applied to the older generations.
#pragma once

#include "backup/generations.hpp"
#include "backup/manifest.hpp"
#include "backup/sealed_file.hpp"
#include "codec/jst_time.hpp"

#include <string>

namespace sekisho::backup {

struct CreateOptions {
    std::string out_dir;
    std::string config_path;
    PassphraseSealer* sealer = nullptr; // null: secrets are left out (and listed as omitted)
    Retention retention;
};

struct CreateReport {
    std::string path; // the new generation
    Manifest manifest;
    PruneReport pruned;
};

// Throws naming what failed; the generation then stays without a manifest (incomplete), and
// the next prune removes it.
CreateReport create_backup(const CreateOptions& options, codec::SystemTime now);

} // namespace sekisho::backup
