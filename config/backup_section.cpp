// backup: where the backup timer's generations are (sekishoctl backup create --out), so
// that the self-disclosure can answer the backup items from what is really there.
#include "config/sections.hpp"

#include <filesystem>

namespace sekisho::config::detail {

void read_backup(MapReader& root, std::optional<BackupConfig>& out) {
    auto section = root.mapping("backup");
    if (!section) return;
    BackupConfig backup;
    section->require("dir", "the folder sekishoctl backup create writes its generations to");
    std::string dir;
    if (section->read_text("dir", dir)) {
        // A folder that backup create makes (its parent must be there), or one it already made.
        const auto resolved = section->context().resolve(dir);
        std::error_code error;
        if (std::filesystem::exists(resolved, error) && !std::filesystem::is_directory(resolved, error))
            section->problem("dir", "is a file, not a folder: " + resolved.string());
        else if (!std::filesystem::is_directory(resolved.parent_path(), error))
            section->problem("dir", "folder not found: " + resolved.parent_path().string());
        else
            backup.dir = resolved.string();
    }
    section->read_duration("max_age", backup.max_age, Seconds(3600), Seconds(366 * 86400));
    section->finish();
    out = backup;
}

} // namespace sekisho::config::detail
