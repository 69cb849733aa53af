#include "backup/audit_head.hpp"

#include "audit/audit_record.hpp"

#include <algorithm>
#include <fstream>

namespace sekisho::backup {

std::optional<AuditHead> audit_head(const std::string& audit_file) {
    std::ifstream in(audit_file, std::ios::binary | std::ios::ate);
    if (!in) return std::nullopt;
    const std::streamoff size = in.tellg();
    const std::streamoff tail = std::min<std::streamoff>(size, 1 << 20); // records are far shorter
    in.seekg(size - tail);
    std::string bytes(static_cast<std::size_t>(tail), '\0');
    if (!in.read(bytes.data(), tail)) return std::nullopt;
    // The last line that ends in a newline: a line still being written is not a record yet.
    const auto end = bytes.rfind('\n');
    if (end == std::string::npos) return std::nullopt;
    const auto begin = bytes.rfind('\n', end == 0 ? std::string::npos : end - 1);
    const std::string line = bytes.substr(begin == std::string::npos ? 0 : begin + 1,
                                          end - (begin == std::string::npos ? 0 : begin + 1));
    std::string error;
    const auto record = audit::parse_record(line, &error);
    if (!record) return std::nullopt;
    return AuditHead{record->seq, audit::record_hash(line)};
}

} // namespace sekisho::backup
