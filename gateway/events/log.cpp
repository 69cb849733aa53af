#include "gateway/events/log.hpp"
#include "gateway/events/refusal_records.hpp"
#include "gateway/events/temporary_devices.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <vector>

namespace sekisho::gateway {
namespace {

std::atomic<bool> json_format{false};
std::atomic<EventSink*> audit_sink{nullptr};
std::atomic<EventSink*> alert_sink{nullptr};
std::atomic<EventSink*> history_sink{nullptr};

bool needs_quotes(std::string_view v) {
    if (v.empty()) return true;
    for (char c : v)
        if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
    return false;
}

std::string quoted(std::string_view v) {
    return boost::json::serialize(boost::json::string(v));
}

} // namespace

void configure_logging(const config::LogConfig& cfg) {
    static auto logger = [] {
        auto l = spdlog::stderr_color_mt("sekisho");
        spdlog::set_default_logger(l);
        return l;
    }();
    json_format = cfg.format == config::LogFormat::json;
    if (json_format) {
        // The message is already a complete JSON object; time and level are added in front.
        logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l",%v})");
    } else {
        logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [%^%l%$] %v");
    }
    logger->set_level(spdlog::level::from_str(cfg.level));
    refusal_records().set_window(cfg.refusal_interval);
    logger->flush_on(spdlog::level::trace);
}

void log_event(spdlog::level::level_enum level, std::string_view event,
               std::initializer_list<LogField> fields) {
    log_event_fields(level, event, std::span<const LogField>(fields.begin(), fields.size()));
}

void attach_audit_sink(EventSink* sink) {
    audit_sink.store(sink);
}

void attach_alert_sink(EventSink* sink) {
    alert_sink.store(sink);
}

void attach_history_sink(EventSink* sink) {
    history_sink.store(sink);
}

namespace {

void emit(spdlog::level::level_enum level, std::string_view event, std::span<const LogField> fields, bool audited) {
    if (level >= spdlog::level::info) {
        if (auto* sink = audit_sink.load(); sink && audited) sink->record(level, event, fields);
        if (auto* sink = alert_sink.load()) sink->record(level, event, fields);
        if (auto* sink = history_sink.load()) sink->record(level, event, fields);
    }
    auto* logger = spdlog::default_logger_raw();
    if (!logger->should_log(level)) return;
    std::string line;
    line.reserve(128);
    if (json_format) {
        line += "\"event\":" + quoted(event);
        for (const auto& [k, v] : fields) {
            line += ',';
            line += quoted(k);
            line += ':';
            line += quoted(v);
        }
    } else {
        line += event;
        for (const auto& [k, v] : fields) {
            line += ' ';
            line += k;
            line += '=';
            line += needs_quotes(v) ? quoted(v) : std::string(v);
        }
    }
    logger->log(level, "{}", line);
}

// Every event about a terminal enrolled with a temporary credential says so
// (temporary_devices.hpp), whoever reported it.
void emit_marked(spdlog::level::level_enum level, std::string_view event, std::span<const LogField> fields,
                 bool audited) {
    bool temporary = false;
    for (const auto& [k, v] : fields) {
        if (k == "temporary") return emit(level, event, fields, audited); // the reporter said it already
        if ((k == "device" || k == "presented_by") && is_temporary_device(v)) temporary = true;
    }
    if (!temporary) return emit(level, event, fields, audited);
    std::vector<LogField> marked(fields.begin(), fields.end());
    marked.emplace_back("temporary", "true");
    emit(level, event, marked, audited);
}

} // namespace

void log_event_fields(spdlog::level::level_enum level, std::string_view event,
                      std::span<const LogField> fields) {
    emit_marked(level, event, fields, true);
}

void log_event_outside_trail(spdlog::level::level_enum level, std::string_view event,
                             std::initializer_list<LogField> fields) {
    emit_marked(level, event, std::span<const LogField>(fields.begin(), fields.size()), false);
}

} // namespace sekisho::gateway
