#include "backup/restore.hpp"

#include "backup/file_io.hpp"
#include "backup/verify.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace sekisho::backup {

namespace {

namespace fs = std::filesystem;

std::string problems_text(const VerifyReport& report) {
    std::string text = report.path + " does not verify; nothing restored:";
    for (const auto& p : report.problems) text += "\n" + p;
    return text;
}

// The target folder: created (0700) when missing; an existing one must be empty.
void prepare_folder(const std::string& dir) {
    if (::mkdir(dir.c_str(), 0700) == 0) return;
    if (errno != EEXIST || !fs::is_directory(dir))
        throw std::runtime_error(dir + ": cannot create the folder: " + std::strerror(errno));
    if (!fs::is_empty(dir))
        throw std::runtime_error(dir + ": not empty; a restore writes only into an empty or new folder");
}

// Where a file of the generation goes under the target: files/X → X, outside/… → outside/….
fs::path target_of(const std::string& dir, const std::string& name) {
    if (name.starts_with("files/")) return fs::path(dir) / name.substr(6);
    return fs::path(dir) / name;
}

void write_files(const VerifyReport& verified, const std::string& dir, RestoreReport& report) {
    const auto& m = verified.manifest;
    for (const auto& file : m.files) {
        if (file.kind == FileKind::registry || file.kind == FileKind::public_key) continue;
        std::string name = file.name;
        std::string bytes;
        if (file.sealed) {
            bytes = verified.opened.at(file.name);
            name.resize(name.size() - std::string(".sealed").size());
        } else {
            bytes = read_file((fs::path(verified.path) / file.name).string());
        }
        const auto path = target_of(dir, name);
        for (fs::path d = dir; const auto& part : fs::relative(path.parent_path(), dir)) {
            if (part == ".") continue;
            d /= part;
            if (::mkdir(d.c_str(), 0700) != 0 && errno != EEXIST)
                throw std::runtime_error(d.string() + ": cannot create the folder: " + std::strerror(errno));
        }
        write_new_file(path.string(), bytes, file.sealed ? (file.mode & 0600u) : file.mode);
        report.files.push_back(path.string());
        if (name.starts_with("outside/")) report.outside.push_back(path.string());
        if (file.name == m.config_name) report.config = path.string();
    }
}

} // namespace

RestoreReport restore_backup(const RestoreOptions& options) {
    if (!options.registry_into && !options.files_into)
        throw std::invalid_argument("nothing to restore: give --registry-into, --files-into or both");
    const auto verified = verify_generation(options.generation, options.sealer);
    if (!verified.ok()) throw std::runtime_error(problems_text(verified));
    const auto& m = verified.manifest;
    if (options.files_into && m.has_secrets() && !verified.secrets_checked)
        throw std::invalid_argument(options.generation + " holds sealed secrets (keys, password files): give "
                                                         "--passphrase-file to restore them");
    if (options.registry_into && m.registry_backend == "none")
        throw std::invalid_argument(options.generation + " holds no registry (its configuration named none)");
    if (options.files_into) prepare_folder(*options.files_into);

    RestoreReport report;
    if (options.registry_into && !options.registry_into->sqlite.empty()) {
        // The registry's folder may have gone with it (a lost volume): made again, private.
        const auto folder = fs::absolute(options.registry_into->sqlite).parent_path();
        if (!fs::exists(folder)) {
            fs::create_directories(folder);
            fs::permissions(folder, fs::perms::owner_all);
        }
    }
    if (options.registry_into)
        report.registry = store::restore_registry((fs::path(verified.path) / kRegistryName).string(), *options.registry_into);
    if (options.files_into) {
        write_files(verified, *options.files_into, report);
        sync_directory(*options.files_into);
    }
    return report;
}

} // namespace sekisho::backup
