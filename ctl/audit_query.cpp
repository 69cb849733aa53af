#include "ctl/audit_query.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

namespace sekisho::ctl {

namespace {

const std::string* field(const audit::ParsedRecord& record, std::string_view key) {
    for (const auto& [k, v] : record.fields)
        if (k == key) return &v;
    return nullptr;
}

bool any_field_is(const audit::ParsedRecord& record, std::initializer_list<std::string_view> keys,
                  const std::string& wanted, bool prefix) {
    for (auto key : keys) {
        const auto* value = field(record, key);
        if (value && (prefix ? value->starts_with(wanted) : *value == wanted)) return true;
    }
    return false;
}

bool lists(const std::string* comma_separated, const std::string& wanted) {
    if (!comma_separated) return false;
    std::size_t start = 0;
    while (start <= comma_separated->size()) {
        const auto end = std::min(comma_separated->find(',', start), comma_separated->size());
        if (comma_separated->compare(start, end - start, wanted) == 0) return true;
        start = end + 1;
    }
    return false;
}

} // namespace

std::string audit_result(const audit::ParsedRecord& record) {
    for (std::string_view word : {"failed", "refused", "locked", "crossover", "denied", "blocked", "rejected",
                                  "unauthenticated", "unavailable", "break_glass"})
        if (record.event.find(word) != std::string::npos) return "failure";
    return "success";
}

bool audit_matches(const audit::ParsedRecord& record, const AuditQuery& q) {
    if (q.since && record.time < *q.since) return false;
    if (q.until && record.time >= *q.until) return false;
    if (q.event) {
        const auto& e = *q.event;
        if (e.ends_with('*')) {
            if (!record.event.starts_with(e.substr(0, e.size() - 1))) return false;
        } else if (e.ends_with('.')) {
            if (!record.event.starts_with(e)) return false;
        } else if (record.event != e) {
            return false;
        }
    }
    if (q.user && !any_field_is(record, {"user"}, *q.user, false)) return false;
    if (q.device && !any_field_is(record, {"device", "bound_device", "presented_by"}, *q.device, true)) return false;
    if (q.facility && !any_field_is(record, {"facility", "terminal_facility", "user_facility", "bound_facility"},
                                    *q.facility, false) &&
        !lists(field(record, "facilities"), *q.facility)) // alert.fired: "a,b"
        return false;
    if (q.result && audit_result(record) != *q.result) return false;
    return true;
}

std::vector<AuditLine> read_audit_lines(const std::vector<std::string>& files) {
    std::vector<AuditLine> out;
    for (const auto& file : files) {
        std::ifstream in(file, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read " + file);
        std::string text;
        std::size_t number = 0;
        while (std::getline(in, text)) {
            ++number;
            std::string error;
            auto record = audit::parse_record(text, &error);
            if (!record) throw std::runtime_error(file + ":" + std::to_string(number) + ": " + error);
            out.push_back(AuditLine{file, number, text, std::move(*record)});
        }
    }
    return out;
}

} // namespace sekisho::ctl
