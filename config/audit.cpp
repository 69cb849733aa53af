// The audit: section — where the tamper-evident trail goes and how it is kept (issue 5).
#include "config/sections.hpp"

namespace sekisho::config::detail {

void read_audit(MapReader& root, bool have_pkcs11_module, AuditConfig& out) {
    auto section = root.mapping("audit");
    if (!section) return;
    section->require("file", "the audit log file, e.g. /var/log/sekisho/audit.log (its folder must exist)");
    section->read_data_file("file", out.file);
    section->read_choice("fsync", out.fsync,
                         {{"batched", AuditFsync::batched}, {"always", AuditFsync::always}, {"none", AuditFsync::none}});
    read_private_key(*section, "seal_key", have_pkcs11_module, out.seal_key);
    section->read_duration("seal_interval", out.seal_interval, Seconds(1), Seconds(86400));
    std::uint64_t mib = 0;
    if (section->read_unsigned("max_size_mib", mib, 1024 * 1024)) {
        if (mib == 0)
            section->problem("max_size_mib", "must be at least 1");
        else
            out.max_bytes = mib * 1024 * 1024;
    }
    section->read_bool("rotate_daily", out.rotate_daily);
    section->finish();
}

} // namespace sekisho::config::detail
