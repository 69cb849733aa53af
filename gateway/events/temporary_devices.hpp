// Terminals enrolled with a temporary credential (the traceable fallback for a lost or stolen
// terminal, REQUIREMENTS threat 4), by certificate fingerprint. The one place that knows
// them below the TLS room: every event that names one of them (field device or
// presented_by) gets temporary=true added by log.cpp, so the stderr line, the audit record,
// the alert and the dashboard history all say so, whichever room reported the event.
// DeviceAdmission keeps the set in step with the registry. Any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

namespace sekisho::gateway {

using FingerprintSet = std::unordered_set<std::string>;

void set_temporary_devices(std::shared_ptr<const FingerprintSet> fingerprints);
bool is_temporary_device(std::string_view fingerprint);

} // namespace sekisho::gateway
