#include "operations/device_revoke_many.hpp"

#include "codec/jst_time.hpp"
#include "operations/device_output.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <ostream>
#include <stdexcept>

namespace sekisho::operations {

namespace {

// certificateHold is suspension's, and aACompromise/privilegeWithdrawn are about attribute
// authorities and single holders; these are the reasons for revoking many at once.
constexpr std::array<const char*, 6> kMassRevocationReasons = {
    "cACompromise", "keyCompromise", "superseded", "affiliationChanged", "cessationOfOperation", "unspecified"};

boost::json::object criteria_json(const store::RevocationCriteria& c) {
    boost::json::object out;
    if (c.issuer) out["issuer"] = *c.issuer;
    if (c.facility) out["facility"] = *c.facility;
    if (c.issued_before) out["issued_before"] = iso_time(*c.issued_before);
    return out;
}

} // namespace

store::RevocationCriteria revocation_criteria_of(const CliArgs& args) {
    store::RevocationCriteria c;
    c.issuer = args.get("--issuer");
    c.facility = args.get("--facility");
    if (auto text = args.get("--issued-before")) {
        const auto t = codec::parse_jst_time(*text);
        if (!t) {
            throw std::invalid_argument("--issued-before '" + *text +
                                        "' is not a date: write 2026-04-01 (00:00 JST), 2026-04-01T09:30 or "
                                        "2026-04-01T00:30:00Z");
        }
        c.issued_before = std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
    }
    for (const auto* text : {&c.issuer, &c.facility})
        if (*text && (*text)->empty()) throw std::invalid_argument("--issuer and --facility need a non-empty value");
    if (c.empty())
        throw std::invalid_argument("say what to revoke: --issuer NAME, --facility F and/or --issued-before DATE");
    return c;
}

std::string mass_revocation_reason_of(const CliArgs& args) {
    const std::string& reason = args.require("--reason");
    if (std::find(kMassRevocationReasons.begin(), kMassRevocationReasons.end(), reason) ==
        kMassRevocationReasons.end()) {
        throw std::invalid_argument("--reason '" + reason +
                                    "' is not a reason for a mass revocation; use cACompromise, keyCompromise, "
                                    "superseded, affiliationChanged, cessationOfOperation or unspecified");
    }
    return reason;
}

boost::json::object mass_revocation_json(const store::MassRevocation& result, const MassRevocationRequest& request) {
    boost::json::array devices;
    for (const auto& d : result.devices) {
        boost::json::array serials;
        for (const auto& s : d.serials) serials.emplace_back(s);
        devices.push_back({{"id", d.device_id},
                           {"facility", d.facility},
                           {"name", d.name},
                           {"status_before", store::to_string(d.status_before)},
                           {"device_revoked", d.device_revoked},
                           {"serials", std::move(serials)}});
    }
    return {{"revoked", !result.dry_run},
            {"dry_run", request.dry_run},
            {"confirmed", request.confirmed},
            {"criteria", criteria_json(request.criteria)},
            {"reason", request.reason},
            {"device_count", result.devices.size()},
            {"certificate_count", result.certificate_count()},
            {"devices", std::move(devices)}};
}

std::string mass_revocation_text(const store::MassRevocation& result, const MassRevocationRequest& request) {
    std::string out;
    if (!result.devices.empty()) {
        std::vector<std::vector<std::string>> rows = {{"DEVICE", "FACILITY", "NAME", "REVOKES", "SERIALS"}};
        for (const auto& d : result.devices) {
            std::string serials;
            for (const auto& s : d.serials) serials += (serials.empty() ? "" : " ") + s;
            rows.push_back({d.device_id, d.facility, d.name,
                            d.device_revoked ? "device" : "certificates only", serials.empty() ? "-" : serials});
        }
        out = render_table(rows);
    }
    const std::string counts = std::to_string(result.devices.size()) + " device(s), " +
                               std::to_string(result.certificate_count()) + " certificate(s)";
    if (result.devices.empty()) return out + "Nothing matches: no device or certificate to revoke.\n";
    if (!result.dry_run) return out + "Revoked " + counts + " (reason " + request.reason + ").\n";
    if (request.dry_run) return out + "Dry run: " + counts + " would be revoked; nothing was changed.\n";
    return out + counts + " would be revoked. Nothing was changed: add --yes to revoke them.\n";
}

int run_mass_revocation(std::ostream& out, store::DeviceRegistry& devices, const MassRevocationRequest& request,
                        bool json) {
    const bool preview = request.dry_run || !request.confirmed;
    const store::MassRevocation result = devices.revoke_many(request.criteria, request.reason, request.actor, preview);
    out << (json ? json_line(mass_revocation_json(result, request)) : mass_revocation_text(result, request));
    return preview && !request.dry_run && !result.devices.empty() ? 1 : 0;
}

} // namespace sekisho::operations
