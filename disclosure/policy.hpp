// A hospital's requirements (sekishoctl disclose --against POLICY.yaml): the answers it
// accepts per item and the minimums it sets, checked against a disclosure — usable in CI by
// the SaaS operator before a configuration change goes live.
//
//   name: 〇〇病院 情報システム導入基準           # optional, for the report
//   answers:
//     default: [yes, not_applicable]             # optional: every item not named below
//     "SDS No.17.1": yes                         # yes|no|not_applicable (はい|いいえ|対象外)
//     "MDS No.11": [yes, not_applicable]
//   limits:
//     session_idle_timeout: {max: 10m}
//     password_min_length: {min: 12}
//     tls_profile: [tls13]
#pragma once

#include "disclosure/document.hpp"
#include "disclosure/facts.hpp"

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace sekisho::disclosure {

// A policy file that cannot be used: what names the file, the line, the key and the reason.
struct PolicyError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Limit {
    std::string name;   // "session_idle_timeout"
    std::optional<std::int64_t> min, max; // seconds for durations, else a count
    std::set<std::string> allowed;        // for tls_profile
    int line = 0;
};

struct Policy {
    std::string file;
    std::string name;
    std::optional<std::set<Answer>> default_answers;
    std::vector<std::pair<std::string, std::set<Answer>>> answers; // key as written → accepted
    std::vector<Limit> limits;
};

// The limits a policy can set, with what they measure.
const std::map<std::string, std::string>& known_limits();

// Throws PolicyError naming file:line, the key and the reason for anything it cannot use:
// an unknown key, an item id that names no item, a value of the wrong kind.
Policy load_policy(const std::string& file);
// The same from the file's text (file names it in the errors).
Policy load_policy_text(const std::string& text, const std::string& file);

struct Difference {
    std::string subject;  // "SDS No.17.1" or "limit session_idle_timeout"
    Text required;
    Text actual;
};

std::vector<Difference> check_policy(const Policy& policy, const Document& document, const Facts& facts);

} // namespace sekisho::disclosure
