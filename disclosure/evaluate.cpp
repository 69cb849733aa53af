#include "disclosure/evaluate.hpp"

#include "codec/jst_time.hpp"
#include "disclosure/checks.hpp"

namespace sekisho::disclosure {

namespace checks {

void say(Text& text, const std::string& ja, const std::string& en) {
    text.ja += ja;
    if (!text.en.empty()) text.en += ' ';
    text.en += en;
}

std::string count(std::size_t n) {
    return std::to_string(n);
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : separator) + part;
    return out;
}

std::vector<std::string> plain_remote_upstreams(const config::Config& config) {
    std::vector<std::string> out;
    for (const auto& route : config.routes)
        if (route.upstream.scheme == "http" && !config::is_loopback_host(route.upstream.host))
            out.push_back(route.name);
    return out;
}

std::vector<std::string> certificate_only_routes(const config::Config& config) {
    std::vector<std::string> out;
    for (const auto& route : config.routes)
        if (!route.login) out.push_back(route.name);
    return out;
}

} // namespace checks

Text duration_text(std::chrono::seconds value) {
    const auto s = value.count();
    if (s % 86400 == 0 && s >= 86400) return {std::to_string(s / 86400) + "日", std::to_string(s / 86400) + " d"};
    if (s % 3600 == 0 && s >= 3600) return {std::to_string(s / 3600) + "時間", std::to_string(s / 3600) + " h"};
    if (s % 60 == 0 && s >= 60) return {std::to_string(s / 60) + "分", std::to_string(s / 60) + " min"};
    return {std::to_string(s) + "秒", std::to_string(s) + " s"};
}

Verdict evaluate(Check check, const Facts& facts) {
    using namespace checks;
    switch (check) {
    case Check::outside: break;
    case Check::transport_client_auth: return transport_client_auth(facts);
    case Check::encryption: return encryption(facts);
    case Check::spoofing: return spoofing(facts);
    case Check::eavesdropping: return eavesdropping(facts);
    case Check::tampering: return tampering(facts);
    case Check::peer_verification: return peer_verification(facts);
    case Check::access_control: return access_control(facts);
    case Check::two_factor: return two_factor(facts);
    case Check::device_fallback: return device_fallback(facts);
    case Check::roles: return roles(facts);
    case Check::identification: return identification(facts);
    case Check::terminal_management: return terminal_management(facts);
    case Check::registered_devices_only: return registered_devices_only(facts);
    case Check::device_ledger: return device_ledger(facts);
    case Check::unattended_terminal: return unattended_terminal(facts);
    case Check::emergency_accounts: return emergency_accounts(facts);
    case Check::emergency_procedure: return emergency_procedure(facts);
    case Check::emergency_end: return emergency_end(facts);
    case Check::incident_contact: return incident_contact(facts);
    case Check::remote_login: return remote_login(facts);
    case Check::access_log: return access_log(facts);
    case Check::access_history: return access_history(facts);
    case Check::log_protection: return log_protection(facts);
    case Check::time_accuracy: return time_accuracy(facts);
    case Check::backup_generations: return backup_generations(facts);
    case Check::restore: return restore(facts);
    case Check::maintenance_log: return maintenance_log(facts);
    case Check::maintenance_record: return maintenance_record(facts);
    case Check::redundancy: return redundancy(facts);
    }
    return Verdict{Answer::not_applicable, {}, {}, {}, {}};
}

Document build_document(const Facts& facts) {
    Document document;
    document.version = facts.version;
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(facts.now));
    const auto stamp = codec::jst_timestamp(now); // ...:56.000+09:00: the seconds suffice
    const auto dot = stamp.find('.');
    document.generated_at = dot == std::string::npos ? stamp : stamp.substr(0, dot) + stamp.substr(dot + 4);
    document.generated_unix = facts.now;
    document.source = facts.source;
    document.config_file = facts.config.source_file;
    document.config_sha256 = facts.config_sha256;
    document.signing_key = facts.signing_key;
    for (const auto& item : catalog()) {
        Entry entry;
        entry.item = item_ref(item);
        if (item.check == Check::outside) {
            entry.answer = Answer::not_applicable;
            entry.remarks = {item.outside_ja, item.outside_en};
        } else {
            auto verdict = evaluate(item.check, facts);
            entry.answer = verdict.answer;
            entry.remarks = std::move(verdict.remarks);
            if (verdict.answer == Answer::no) entry.remedy = std::move(verdict.remedy);
            entry.config_keys = std::move(verdict.config_keys);
            entry.tests = std::move(verdict.tests);
        }
        document.entries.push_back(std::move(entry));
    }
    return document;
}

} // namespace sekisho::disclosure
