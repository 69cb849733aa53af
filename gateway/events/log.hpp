// The one way the gateway reports what happened: a named event with key=value fields,
// rendered as readable text or as one JSON object per line (log.format).
#pragma once

#include "config/config.hpp"

#include <spdlog/common.h>

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace sekisho::gateway {

using LogField = std::pair<std::string_view, std::string_view>;

// Sets level and format for the process (stderr). Safe to call again on reload.
void configure_logging(const config::LogConfig& cfg);

// event: dotted name ("handshake.refused"); fields in the order given.
void log_event(spdlog::level::level_enum level, std::string_view event,
               std::initializer_list<LogField> fields = {});
// The same, for fields put together at run time (events a library reports).
void log_event_fields(spdlog::level::level_enum level, std::string_view event,
                      std::span<const LogField> fields);

// The same, for trouble with the audit trail itself: it reaches stderr and the alert rules
// but is not appended to the trail it is about (which may be what cannot be written).
void log_event_outside_trail(spdlog::level::level_enum level, std::string_view event,
                             std::initializer_list<LogField> fields = {});

// Where every event at info level or above also goes, whatever log.level says about stderr:
// the audit trail, the alert rules and the dashboard's recent history. Attached before the gateway serves and detached
// after it stopped. A sink may log itself (the event then passes the sinks again).
class EventSink {
public:
    virtual ~EventSink() = default;
    virtual void record(spdlog::level::level_enum level, std::string_view event, std::span<const LogField> fields) = 0;
};
void attach_audit_sink(EventSink* sink); // nullptr detaches
void attach_alert_sink(EventSink* sink); // nullptr detaches
void attach_history_sink(EventSink* sink); // nullptr detaches

} // namespace sekisho::gateway
