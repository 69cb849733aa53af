// The rules every backend applies (store/registry_rules.hpp), checked without a database.
#include "store/registry_rules.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::store;

TEST_CASE("rules: ids, roles, hashes and required text", "[store][rules]") {
    CHECK_FALSE(rules::user_id("yamada.hanako@north-1"));
    CHECK(rules::user_id("")->find("is not valid") != std::string::npos);
    CHECK(rules::user_id(std::string(65, 'a')));
    CHECK(rules::user_id("yamada hanako"));
    CHECK_FALSE(rules::role("ward-3_nurse"));
    CHECK(rules::role("Nurse"));
    CHECK_FALSE(rules::password_hash("$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA"));
    CHECK(rules::password_hash("$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA")->find("Argon2id") != std::string::npos);
    CHECK(rules::password_hash("Secret-Pass-1"));
    CHECK(*rules::required_text("", "the actor") == "the actor must not be empty");
    CHECK_FALSE(rules::required_text("admin:alice", "the actor"));
    CHECK_FALSE(rules::lockout_policy(LockoutPolicy{}));
    CHECK(rules::lockout_policy(LockoutPolicy{0, 60, 60}));
}

TEST_CASE("rules: certificate serials, fingerprints and revocation reasons", "[store][rules]") {
    CHECK_FALSE(rules::serial("3f9c0a"));
    CHECK(rules::canonical_serial("3f9c0a") == "3F9C0A");
    CHECK(rules::serial("3G"));
    CHECK(rules::serial(""));
    const std::string fingerprint(64, 'A');
    CHECK_FALSE(rules::fingerprint(fingerprint));
    CHECK(rules::canonical_fingerprint(fingerprint) == std::string(64, 'a'));
    CHECK(rules::fingerprint(std::string(63, 'a')));
    CHECK_FALSE(rules::revocation_reason(""));
    CHECK(rules::revocation_reason_name("") == "unspecified");
    CHECK_FALSE(rules::revocation_reason("keyCompromise"));
    CHECK(rules::revocation_reason("certificateHold")); // the registry's own, for suspension
    CHECK(rules::revocation_reason("stolen"));
}
