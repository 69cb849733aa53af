// `sekishoctl backup restore`: a verified generation back into a new place — the registry
// into a SQLite path where no file is, or into an empty PostgreSQL database; the files into
// an empty (or new) folder laid out as the configuration's folder was (files/… at the top,
// files from elsewhere under outside/<their absolute path>), secrets opened with the
// passphrase. It never overwrites: both targets are checked before anything is written, and
// nothing is written unless the whole generation verifies.
#pragma once

#include "backup/sealed_file.hpp"
#include "config/config.hpp"
#include "store/registry.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sekisho::backup {

struct RestoreOptions {
    std::string generation;
    std::optional<config::RegistryConfig> registry_into;
    std::optional<std::string> files_into;
    PassphraseSealer* sealer = nullptr; // required when files_into and the generation holds secrets
};

struct RestoreReport {
    std::optional<store::CopyReport> registry;
    std::vector<std::string> files;   // written, absolute
    std::vector<std::string> outside; // of those, the ones whose home is outside the configuration's folder
    std::string config;               // the restored configuration file, when files were restored
};

RestoreReport restore_backup(const RestoreOptions& options);

} // namespace sekisho::backup
