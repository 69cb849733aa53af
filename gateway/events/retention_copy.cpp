#include "gateway/events/retention_copy.hpp"

#include "audit/retention_register.hpp"
#include "gateway/events/log.hpp"

#include <filesystem>
#include <vector>

namespace sekisho::gateway {

RetentionCopy::RetentionCopy(const std::string& trail_path)
    : register_path_(audit::retention_register_path(trail_path)), cursor_(trail_path + ".retention-seq") {}

std::size_t RetentionCopy::copy_new() {
    std::error_code ec;
    const auto size = std::filesystem::file_size(register_path_, ec);
    if (ec || size == seen_size_) return 0; // no register yet, or nothing new
    std::size_t copied = 0;
    for (const auto& record : audit::read_retention_register(register_path_)) {
        if (static_cast<std::int64_t>(record.seq) <= cursor_.value()) continue;
        const auto seq = std::to_string(record.seq);
        std::vector<LogField> fields;
        for (const auto& [k, v] : record.fields) fields.emplace_back(k, v);
        fields.emplace_back("register_seq", seq);
        fields.emplace_back("at", record.time);
        log_event_fields(spdlog::level::info, record.event, fields);
        cursor_.save(static_cast<std::int64_t>(record.seq));
        ++copied;
    }
    seen_size_ = size;
    return copied;
}

} // namespace sekisho::gateway
