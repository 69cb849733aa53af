// Which facilities an alert concerns, and what each of them may see of it (issue 16: a
// hospital learns of attacks on its own terminals and accounts, and of nothing else).
//
// An event names up to three facilities: the terminal's ("facility": the registry's word,
// or for a refused certificate the one our CA signed into it), the user's ("user_facility")
// and, for a session cross-over, the facility of the terminal the session belongs to
// ("bound_facility"); an emergency account's opening names its facility in the ledger
// row's details. Each field of an event belongs to one of them (device, serial, subject and
// peer to the terminal's; user and session to the user's; bound_device to the bound one) or
// to none (reason, scope, counts). A facility's copy holds every field when the event
// concerns that facility alone; otherwise only its own fields and the neutral ones — so the
// user of one hospital failing on another's terminal tells each hospital its own half.
#pragma once

#include "gateway/events/log.hpp"

#include <string>
#include <utility>
#include <vector>

namespace sekisho::gateway {

using OwnedFields = std::vector<std::pair<std::string, std::string>>;

// The facilities event concerns, each once, in the order above; empty for the whole service.
std::vector<std::string> facilities_of(std::string_view event, std::span<const LogField> fields);

// What facility may see of the event's fields (see above).
OwnedFields fields_for(const std::string& facility, std::span<const LogField> fields,
                       const std::vector<std::string>& concerned);

// The value of key among fields; empty when absent.
std::string_view field(std::span<const LogField> fields, std::string_view key);

// "a,b" for the log and the trail.
std::string join_facilities(const std::vector<std::string>& facilities);

} // namespace sekisho::gateway
