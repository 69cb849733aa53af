#include "gateway/events/alert_routing.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace sekisho::gateway {

std::string_view field(std::span<const LogField> fields, std::string_view key) {
    for (const auto& [k, v] : fields)
        if (k == key) return v;
    return {};
}

namespace {

// The field that says which facility a field belongs to; "" for the neutral ones.
struct Owner {
    std::string_view key, owner;
};
constexpr Owner kOwners[] = {
    {"facility", "facility"},        {"device", "facility"},           {"serial", "facility"},
    {"subject", "facility"},         {"peer", "facility"},             {"presented_by", "facility"},
    {"user_facility", "user_facility"}, {"user", "user_facility"},     {"session", "user_facility"},
    {"target", "user_facility"},     {"bound_facility", "bound_facility"}, {"bound_device", "bound_facility"},
    {"reason", ""}, {"scope", ""}, {"block_s", ""}, {"failures", ""}, {"until", ""}, {"where", ""},
    {"route", ""}, {"break_glass", ""}, {"must_change", ""}, {"event", ""},
};

void add_once(std::vector<std::string>& out, std::string_view facility) {
    if (facility.empty() || facility == "-") return;
    if (std::find(out.begin(), out.end(), facility) == out.end()) out.emplace_back(facility);
}

} // namespace

std::vector<std::string> facilities_of(std::string_view event, std::span<const LogField> fields) {
    std::vector<std::string> out;
    for (std::string_view key : {"facility", "user_facility", "bound_facility"}) add_once(out, field(fields, key));
    if (event.starts_with("ledger.user.")) { // the ledger row's details name the user's facility
        boost::system::error_code ec;
        const auto details = boost::json::parse(field(fields, "details"), ec);
        if (!ec && details.is_object())
            if (const auto* f = details.as_object().if_contains("facility"); f && f->is_string())
                add_once(out, std::string_view(f->as_string()));
    }
    return out;
}

OwnedFields fields_for(const std::string& facility, std::span<const LogField> fields,
                       const std::vector<std::string>& concerned) {
    OwnedFields out;
    const bool alone = concerned.size() == 1 && concerned.front() == facility;
    for (const auto& [key, value] : fields) {
        if (alone) {
            out.emplace_back(key, value);
            continue;
        }
        const auto* owner = std::find_if(std::begin(kOwners), std::end(kOwners),
                                         [&](const Owner& o) { return o.key == key; });
        if (owner == std::end(kOwners)) continue; // detail, details, ...: may name anyone
        if (owner->owner.empty() || field(fields, owner->owner) == facility) out.emplace_back(key, value);
    }
    return out;
}

std::string join_facilities(const std::vector<std::string>& facilities) {
    std::string out;
    for (const auto& f : facilities) out += (out.empty() ? "" : ",") + f;
    return out;
}

} // namespace sekisho::gateway
