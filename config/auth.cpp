// The auth: section — sessions, password hashing cost, lockout, spraying limits, login
// windows and break-glass (issue 4).
#include "config/sections.hpp"

#include <array>
#include <charconv>

namespace sekisho::config::detail {

namespace {

void read_sessions(MapReader& auth, SessionConfig& out) {
    auto section = auth.mapping("sessions");
    if (!section) return;
    section->read_duration("idle_timeout", out.idle_timeout, Seconds(1), Seconds(24 * 3600));
    section->read_duration("absolute_timeout", out.absolute_timeout, Seconds(1), Seconds(7 * 86400));
    std::uint64_t max = 0;
    if (section->read_unsigned("max_per_user", max, 100)) {
        if (max == 0)
            section->problem("max_per_user", "must be at least 1");
        else
            out.max_per_user = static_cast<unsigned>(max);
    }
    section->read_choice("on_limit", out.on_limit,
                         {{"refuse", SessionLimitAction::refuse}, {"evict_oldest", SessionLimitAction::evict_oldest}});
    if (out.idle_timeout > out.absolute_timeout)
        section->problem("idle_timeout", "is longer than absolute_timeout; the absolute limit would never apply");
    read_session_store(*section, out);
    section->finish();
}

void read_argon2(MapReader& auth, Argon2Config& out) {
    auto section = auth.mapping("argon2");
    if (!section) return;
    std::uint64_t value = 0;
    // OWASP's Argon2id floor is 19 MiB, t=2; the ceiling keeps one login under ~1 GiB.
    if (section->read_unsigned("memory_kib", value, 1024 * 1024)) {
        if (value < 19456)
            section->problem("memory_kib", "must be at least 19456 (19 MiB, the OWASP minimum for Argon2id)");
        else
            out.memory_kib = static_cast<std::uint32_t>(value);
    }
    if (section->read_unsigned("iterations", value, 64)) {
        if (value < 2)
            section->problem("iterations", "must be at least 2");
        else
            out.iterations = static_cast<std::uint32_t>(value);
    }
    if (section->read_unsigned("parallelism", value, 16)) {
        if (value < 1)
            section->problem("parallelism", "must be at least 1");
        else
            out.parallelism = static_cast<std::uint32_t>(value);
    }
    section->finish();
}

void read_positive(MapReader& section, std::string_view key, unsigned& out, unsigned max) {
    std::uint64_t value = 0;
    if (!section.read_unsigned(key, value, max)) return;
    if (value == 0)
        section.problem(key, "must be at least 1");
    else
        out = static_cast<unsigned>(value);
}

void read_lockout(MapReader& auth, LockoutConfig& out) {
    auto section = auth.mapping("lockout");
    if (!section) return;
    read_positive(*section, "max_failures", out.max_failures, 100);
    section->read_duration("window", out.window, Seconds(1), Seconds(86400));
    section->read_duration("lock", out.lock, Seconds(1), Seconds(7 * 86400));
    section->finish();
}

void read_spraying(MapReader& auth, SprayingConfig& out) {
    auto section = auth.mapping("spraying");
    if (!section) return;
    read_positive(*section, "per_terminal", out.per_terminal, 100000);
    read_positive(*section, "per_source", out.per_source, 100000);
    section->read_duration("window", out.window, Seconds(1), Seconds(86400));
    section->read_duration("block", out.block, Seconds(1), Seconds(86400));
    section->finish();
}

// "HH:MM" → minutes after midnight; "24:00" allowed as an end.
std::optional<unsigned> parse_clock(std::string_view text) {
    if (text.size() != 5 || text[2] != ':') return std::nullopt;
    unsigned h = 0, m = 0;
    if (std::from_chars(text.data(), text.data() + 2, h).ptr != text.data() + 2) return std::nullopt;
    if (std::from_chars(text.data() + 3, text.data() + 5, m).ptr != text.data() + 5) return std::nullopt;
    if (m > 59 || h > 24 || (h == 24 && m != 0)) return std::nullopt;
    return h * 60 + m;
}

constexpr std::array<std::string_view, 7> day_names = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

LoginWindow read_login_window(MapReader& item) {
    LoginWindow window;
    item.require("role", "the role this window applies to, e.g. nurse");
    item.read_text("role", window.role);
    if (item.has("days")) {
        window.days = 0;
        for (const auto& day : item.scalar_list("days", true)) {
            unsigned bit = 0;
            while (bit < day_names.size() && day_names[bit] != day.value) ++bit;
            if (bit == day_names.size())
                item.context().problem(day.line, day.key, "'" + day.value + "' is not a day; use mon, tue, wed, thu, fri, sat, sun");
            else
                window.days |= 1u << bit;
        }
    }
    item.require("hours", "when logins are allowed, e.g. \"07:00-21:00\" (Japan time)");
    std::string hours;
    if (item.read_text("hours", hours)) {
        const auto dash = hours.find('-');
        const auto start = dash == std::string::npos ? std::nullopt : parse_clock(std::string_view(hours).substr(0, dash));
        const auto end = dash == std::string::npos ? std::nullopt : parse_clock(std::string_view(hours).substr(dash + 1));
        if (!start || !end || *start >= *end || *start >= 1440)
            item.problem("hours", "'" + hours + "' is not a time range like 07:00-21:00 (start before end, 24:00 at most)");
        else {
            window.start_minute = *start;
            window.end_minute = *end;
        }
    }
    item.finish();
    return window;
}

void read_break_glass(MapReader& auth, BreakGlassConfig& out) {
    auto section = auth.mapping("break_glass");
    if (!section) return;
    section->read_bool("enabled", out.enabled);
    section->read_duration("max_duration", out.max_duration, Seconds(60), Seconds(24 * 3600));
    section->finish();
}

} // namespace

void read_auth(MapReader& root, AuthConfig& out) {
    auto section = root.mapping("auth");
    if (!section) return;
    read_sessions(*section, out.sessions);
    read_argon2(*section, out.argon2);
    read_lockout(*section, out.lockout);
    read_spraying(*section, out.spraying);
    section->read_duration("failure_delay", out.failure_delay, Seconds(0), Seconds(10));
    section->read_bool("login_notice", out.login_notice);
    for (auto& item : section->mapping_list("login_windows")) out.login_windows.push_back(read_login_window(item));
    read_break_glass(*section, out.break_glass);
    if (Seconds unused{0}; section->read_duration("disable_unused_after", unused, Seconds(86400), Seconds(3650 * 86400)))
        out.disable_unused_after = unused;
    section->read_choice("password_rule", out.password_rule,
                         {{"letters_digits_symbols", PasswordRule::letters_digits_symbols},
                          {"three_of_four", PasswordRule::three_of_four}});
    section->finish();
}

} // namespace sekisho::config::detail
