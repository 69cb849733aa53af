// Target: a hospital's policy file for `sekishoctl disclose --against` (disclosure/policy.*),
// which comes from outside the operator's team (a hospital's IT department), on arbitrary text.
//
// Invariants: load_policy_text returns a Policy or throws PolicyError — never another
// exception (yaml-cpp's own conversion errors would reach the operator naming no file) — and
// the error names the file; a loaded policy checked against a document answers every item
// named at most once, and loading the same text again gives the same verdict.
#include "fuzz_support.hpp"

#include "disclosure/evaluate.hpp"
#include "disclosure/policy.hpp"

#include <set>
#include <string>

using namespace sekisho;

namespace {

const disclosure::Facts& facts() {
    static const disclosure::Facts f = [] {
        disclosure::Facts out;
        out.config.listen = {"0.0.0.0", 8443};
        out.config.registry.sqlite = "registry.db";
        config::Route route;
        route.name = "emr";
        route.login = true;
        route.upstream = {"http", "10.0.0.5", 80, "http://10.0.0.5"};
        out.config.routes.push_back(route);
        return out;
    }();
    return f;
}

const disclosure::Document& document() {
    static const auto d = disclosure::build_document(facts());
    return d;
}

bool loads(const std::string& text) {
    try {
        const auto policy = disclosure::load_policy_text(text, "policy.yaml");
        const auto differences = disclosure::check_policy(policy, document(), facts());
        std::set<std::string> subjects;
        for (const auto& d : differences) {
            FUZZ_CHECK(!d.subject.empty());
            FUZZ_CHECK(subjects.insert(d.subject).second);
        }
        FUZZ_CHECK(differences.size() <= document().entries.size() + policy.limits.size());
        return true;
    } catch (const disclosure::PolicyError& e) {
        FUZZ_CHECK(std::string(e.what()).rfind("policy.yaml", 0) == 0);
        return false;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(fuzz::as_view(data, size));
    const bool first = loads(text);
    FUZZ_CHECK(loads(text) == first);
    return 0;
}
