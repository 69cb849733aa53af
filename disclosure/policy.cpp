#include "disclosure/policy.hpp"

#include "credentials/password_policy.hpp"
#include "disclosure/catalog.hpp"
#include "disclosure/evaluate.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace sekisho::disclosure {

namespace {

enum class Kind { duration, count, profile };

struct LimitSpec {
    Kind kind;
    const char* what;
};

const std::map<std::string, LimitSpec>& specs() {
    static const std::map<std::string, LimitSpec> table{
        {"session_idle_timeout", {Kind::duration, "auth.sessions.idle_timeout"}},
        {"session_absolute_timeout", {Kind::duration, "auth.sessions.absolute_timeout"}},
        {"sessions_per_user", {Kind::count, "auth.sessions.max_per_user"}},
        {"password_min_length", {Kind::count, "the shortest password accepted (characters)"}},
        {"lockout_max_failures", {Kind::count, "auth.lockout.max_failures"}},
        {"lockout_duration", {Kind::duration, "auth.lockout.lock"}},
        {"audit_retention", {Kind::duration, "audit.retention"}},
        {"backup_max_age", {Kind::duration, "backup.max_age"}},
        {"break_glass_max_duration", {Kind::duration, "auth.break_glass.max_duration"}},
        {"tls_profile", {Kind::profile, "tls.profile"}},
    };
    return table;
}

std::string where(const std::string& file, const YAML::Node& node) {
    const auto mark = node.Mark();
    return file + ":" + std::to_string(mark.line + 1);
}

[[noreturn]] void fail(const std::string& file, const YAML::Node& node, const std::string& key, const std::string& reason) {
    throw PolicyError(where(file, node) + ": " + key + ": " + reason);
}

// A mapping key or a value that must be plain text: anything else is the policy's mistake,
// reported like the others (yaml-cpp's own conversion error would name no file).
std::string scalar(const std::string& file, const YAML::Node& node, const std::string& key, const char* what) {
    if (!node.IsScalar()) fail(file, node, key, std::string("wants ") + what);
    return node.Scalar();
}

std::optional<Answer> parse_answer(const std::string& text) {
    if (text == "yes" || text == "はい") return Answer::yes;
    if (text == "no" || text == "いいえ") return Answer::no;
    if (text == "not_applicable" || text == "n/a" || text == "対象外") return Answer::not_applicable;
    return std::nullopt;
}

std::set<Answer> parse_answers(const std::string& file, const YAML::Node& node, const std::string& key) {
    std::set<Answer> out;
    auto one = [&](const YAML::Node& n) {
        const auto text = scalar(file, n, key, "yes, no or not_applicable (はい, いいえ, 対象外), or a list of them");
        const auto answer = parse_answer(text);
        if (!answer) fail(file, n, key, "'" + text + "' is not yes, no or not_applicable (はい, いいえ, 対象外)");
        out.insert(*answer);
    };
    if (node.IsSequence()) {
        for (const auto& n : node) one(n);
        if (out.empty()) fail(file, node, key, "an empty list accepts nothing");
    } else {
        one(node);
    }
    return out;
}

std::int64_t parse_duration_text(const std::string& file, const YAML::Node& node, const std::string& key) {
    const auto text = node.IsScalar() ? node.Scalar() : std::string();
    std::size_t digits = 0;
    while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
    const std::string unit = text.substr(digits);
    const std::map<std::string, std::int64_t> units{{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
    if (digits == 0 || digits > 9 || !units.count(unit))
        fail(file, node, key, "'" + text + "' is not a duration like 30s, 10m, 48h or 1827d");
    return std::stoll(text.substr(0, digits)) * units.at(unit);
}

std::int64_t parse_count(const std::string& file, const YAML::Node& node, const std::string& key) {
    const auto text = node.IsScalar() ? node.Scalar() : std::string();
    if (text.empty() || text.size() > 9 || !std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        fail(file, node, key, "'" + text + "' is not a whole number");
    return std::stoll(text);
}

Limit parse_limit(const std::string& file, const std::string& name, const YAML::Node& node) {
    const auto spec = specs().find(name);
    if (spec == specs().end()) {
        std::string names;
        for (const auto& [known, _] : specs()) names += (names.empty() ? "" : ", ") + known;
        fail(file, node, "limits." + name, "is not a limit this checker knows (" + names + ")");
    }
    Limit limit;
    limit.name = name;
    limit.line = static_cast<int>(node.Mark().line + 1);
    const std::string key = "limits." + name;
    if (spec->second.kind == Kind::profile) {
        auto add = [&](const YAML::Node& n) {
            const auto text = n.IsScalar() ? n.Scalar() : std::string();
            if (text != "tls13" && text != "tls12-high-security")
                fail(file, n, key, "'" + text + "' is not tls13 or tls12-high-security");
            limit.allowed.insert(text);
        };
        if (node.IsSequence())
            for (const auto& n : node) add(n);
        else
            add(node);
        return limit;
    }
    if (!node.IsMap()) fail(file, node, key, "wants {min: …} and/or {max: …}");
    for (const auto& entry : node) {
        const auto bound = scalar(file, entry.first, key, "min or max");
        if (bound != "min" && bound != "max") fail(file, entry.first, key + "." + bound, "is not min or max");
        const auto value = spec->second.kind == Kind::duration ? parse_duration_text(file, entry.second, key + "." + bound)
                                                               : parse_count(file, entry.second, key + "." + bound);
        (bound == "min" ? limit.min : limit.max) = value;
    }
    if (!limit.min && !limit.max) fail(file, node, key, "wants {min: …} and/or {max: …}");
    return limit;
}

std::optional<std::int64_t> actual_value(const std::string& name, const Facts& facts) {
    const auto& c = facts.config;
    if (name == "session_idle_timeout") return c.auth.sessions.idle_timeout.count();
    if (name == "session_absolute_timeout") return c.auth.sessions.absolute_timeout.count();
    if (name == "sessions_per_user") return c.auth.sessions.max_per_user;
    if (name == "password_min_length") return static_cast<std::int64_t>(credentials::PasswordPolicy{}.min_length());
    if (name == "lockout_max_failures") return c.auth.lockout.max_failures;
    if (name == "lockout_duration") return c.auth.lockout.lock.count();
    if (name == "audit_retention") {
        if (c.audit.file.empty()) return std::nullopt;
        return c.audit.retention.count();
    }
    if (name == "backup_max_age") {
        if (!c.backup) return std::nullopt;
        return c.backup->max_age.count();
    }
    if (name == "break_glass_max_duration") {
        if (!c.auth.break_glass.enabled) return 0;
        return c.auth.break_glass.max_duration.count();
    }
    return std::nullopt;
}

Text shown(const std::string& name, std::int64_t value) {
    if (specs().at(name).kind == Kind::duration) return duration_text(std::chrono::seconds(value));
    return {std::to_string(value), std::to_string(value)};
}

Text answers_text(const std::set<Answer>& answers) {
    Text out;
    for (const auto a : answers) {
        out.ja += (out.ja.empty() ? "" : " / ") + std::string(answer_ja(a));
        out.en += (out.en.empty() ? "" : " / ") + std::string(answer_en(a));
    }
    return out;
}

} // namespace

const std::map<std::string, std::string>& known_limits() {
    static const std::map<std::string, std::string> out = [] {
        std::map<std::string, std::string> m;
        for (const auto& [name, spec] : specs()) m[name] = spec.what;
        return m;
    }();
    return out;
}

Policy load_policy(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw PolicyError(file + ": cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    return load_policy_text(text.str(), file);
}

Policy load_policy_text(const std::string& text, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw PolicyError(file + ":" + std::to_string(e.mark.is_null() ? 0 : e.mark.line + 1) + ": not YAML: " + e.msg);
    }
    if (!root.IsMap()) throw PolicyError(file + ": wants a mapping with answers: and/or limits:");
    Policy policy;
    policy.file = file;
    std::vector<ItemRef> items;
    for (const auto& item : catalog()) items.push_back(item_ref(item));
    for (const auto& entry : root) {
        const auto key = scalar(file, entry.first, "(top level)", "a key: name, answers or limits");
        const auto& value = entry.second;
        if (key == "name") {
            policy.name = scalar(file, value, key, "a text");
        } else if (key == "answers") {
            if (!value.IsMap()) fail(file, value, key, "wants a mapping of item (\"SDS No.17.1\") to the answers accepted");
            for (const auto& answer : value) {
                const auto item_key = scalar(file, answer.first, key, "an item such as \"SDS No.17.1\"");
                const auto accepted = parse_answers(file, answer.second, "answers." + item_key);
                const bool twice = (item_key == "default" && policy.default_answers) ||
                                   std::any_of(policy.answers.begin(), policy.answers.end(),
                                               [&](const auto& earlier) { return earlier.first == item_key; });
                if (twice) fail(file, answer.first, "answers." + item_key, "is given twice");
                if (item_key == "default") {
                    policy.default_answers = accepted;
                    continue;
                }
                const bool known = std::any_of(items.begin(), items.end(), [&](const ItemRef& r) { return names_item(item_key, r); });
                if (!known)
                    fail(file, answer.first, "answers." + item_key,
                         "names no item of the MDS/SDS lists (write it as the 別紙 does: \"MDS No.4.1\", \"SDS No.59\")");
                policy.answers.emplace_back(item_key, accepted);
            }
        } else if (key == "limits") {
            if (!value.IsMap()) fail(file, value, key, "wants a mapping of limit name to {min: …} / {max: …}");
            for (const auto& limit : value) {
                const auto name = scalar(file, limit.first, key, "a limit name");
                for (const auto& earlier : policy.limits)
                    if (earlier.name == name) fail(file, limit.first, "limits." + name, "is given twice");
                policy.limits.push_back(parse_limit(file, name, limit.second));
            }
        } else {
            fail(file, entry.first, key, "is not a policy key (name, answers, limits)");
        }
    }
    return policy;
}

std::vector<Difference> check_policy(const Policy& policy, const Document& document, const Facts& facts) {
    std::vector<Difference> out;
    for (const auto& entry : document.entries) {
        const std::set<Answer>* accepted = nullptr;
        for (const auto& [key, answers] : policy.answers)
            if (names_item(key, entry.item)) accepted = &answers;
        if (!accepted && policy.default_answers) accepted = &*policy.default_answers;
        if (!accepted || accepted->count(entry.answer)) continue;
        Difference d;
        d.subject = entry.item.id;
        d.required = answers_text(*accepted);
        d.actual = {std::string(answer_ja(entry.answer)), std::string(answer_en(entry.answer))};
        if (!entry.remedy.empty()) {
            d.actual.ja += "（" + entry.remedy.ja + "）";
            d.actual.en += " (" + entry.remedy.en + ")";
        }
        out.push_back(std::move(d));
    }
    for (const auto& limit : policy.limits) {
        Difference d;
        d.subject = "limit " + limit.name;
        if (limit.name == "tls_profile") {
            const std::string profile =
                facts.config.tls.profile == config::TlsProfile::tls13 ? "tls13" : "tls12-high-security";
            if (limit.allowed.count(profile)) continue;
            std::string allowed;
            for (const auto& a : limit.allowed) allowed += (allowed.empty() ? "" : " / ") + a;
            d.required = {allowed, allowed};
            d.actual = {profile, profile};
            out.push_back(std::move(d));
            continue;
        }
        const auto actual = actual_value(limit.name, facts);
        if (!actual) {
            d.required = {"設定されていること", "configured"};
            d.actual = {"未設定（" + known_limits().at(limit.name) + "）", "not configured (" + known_limits().at(limit.name) + ")"};
            out.push_back(std::move(d));
            continue;
        }
        const bool low = limit.min && *actual < *limit.min;
        const bool high = limit.max && *actual > *limit.max;
        if (!low && !high) continue;
        const auto bound = shown(limit.name, low ? *limit.min : *limit.max);
        d.required = {bound.ja + (low ? " 以上" : " 以下"), (low ? "at least " : "at most ") + bound.en};
        const auto now = shown(limit.name, *actual);
        d.actual = {now.ja + "（" + known_limits().at(limit.name) + "）", now.en + " (" + known_limits().at(limit.name) + ")"};
        out.push_back(std::move(d));
    }
    return out;
}

} // namespace sekisho::disclosure
