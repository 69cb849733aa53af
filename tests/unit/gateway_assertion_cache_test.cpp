// AssertionCache: connections of one worker share an assertion per device, session and
// route for a quarter of its lifetime; anything else that differs gets its own signature.
#include "gateway/upstream/assertion_cache.hpp"
#include "gateway/runtime/runtime.hpp"
#include "pki/jws_verify.hpp"
#include "pki/keygen.hpp"

#include <catch2/catch.hpp>

using namespace sekisho;
using namespace sekisho::gateway;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<Runtime> runtime_with_signer() {
    auto rt = std::make_shared<Runtime>();
    rt->config.assertion.ttl = config::Seconds(60);
    rt->assertion_keys.signer = std::make_unique<pki::Es256Signer>(pki::PrivateKey(pki::generate_key(), nullptr));
    return rt;
}

config::Route route_named(std::string name) {
    config::Route r;
    r.name = std::move(name);
    r.audience = r.name;
    return r;
}

UserIdentity user_with_session(std::string ref) {
    return UserIdentity{"nurse.sato", "Sato", "clinic-a", {"nurse"}, std::move(ref)};
}

} // namespace

TEST_CASE("AssertionCache: one signature per device, session and route within a quarter lifetime",
          "[assertion_cache]") {
    AssertionCache cache;
    std::shared_ptr<const Runtime> rt = runtime_with_signer();
    const auto ehr = route_named("ehr"), lab = route_named("lab");
    const ClientIdentity terminal{"aa11", "clinic-a", "CN=t1", "01"}, other_terminal{"bb22", "clinic-a", "CN=t2", "02"};
    const auto user = user_with_session("ref-1"), other_session = user_with_session("ref-2");
    const auto t0 = std::chrono::steady_clock::now();

    auto first = cache.get(rt, ehr, terminal, &user, t0);
    REQUIRE(first);
    CHECK_FALSE(first->token.empty());
    // A second connection of the same terminal and session: the same token, not a new one.
    auto again = cache.get(rt, ehr, terminal, &user, t0 + 10s);
    CHECK(again == first);
    CHECK(AssertionCache::serves(first.get(), *rt, ehr, terminal, "ref-1", t0 + 14s, user.roles));
    // A role whose login window closed is no longer in the assertion: a new signature.
    CHECK_FALSE(AssertionCache::serves(first.get(), *rt, ehr, terminal, "ref-1", t0 + 14s, {}));
    {
        AssertionCache separate;
        auto fewer_roles = user;
        fewer_roles.roles.clear();
        const auto with_role = separate.get(rt, ehr, terminal, &user, t0);
        CHECK(separate.get(rt, ehr, terminal, &fewer_roles, t0 + 1s)->token != with_role->token);
    }

    // Anything the assertion says that differs gets its own signature.
    CHECK(cache.get(rt, lab, terminal, &user, t0)->token != first->token);
    CHECK(cache.get(rt, ehr, other_terminal, &user, t0)->token != first->token);
    CHECK(cache.get(rt, ehr, terminal, &other_session, t0)->token != first->token);
    CHECK(cache.get(rt, ehr, terminal, nullptr, t0)->token != first->token);
    CHECK(cache.size() == 5);

    // After a quarter of the 60 s lifetime it is signed anew.
    CHECK_FALSE(AssertionCache::serves(first.get(), *rt, ehr, terminal, "ref-1", t0 + 15s));
    auto later = cache.get(rt, ehr, terminal, &user, t0 + 15s);
    CHECK(later != first);

    // A reloaded configuration never gets the old snapshot's assertion.
    std::shared_ptr<const Runtime> reloaded = runtime_with_signer();
    CHECK_FALSE(AssertionCache::serves(later.get(), *reloaded, ehr, terminal, "ref-1", t0 + 15s));
    auto after_reload = cache.get(reloaded, ehr, terminal, &user, t0 + 15s);
    CHECK(after_reload != later);
    CHECK(after_reload->runtime == reloaded);
}

TEST_CASE("AssertionCache: bounded; stale entries and their snapshots are let go", "[assertion_cache]") {
    AssertionCache cache(3);
    std::shared_ptr<const Runtime> rt = runtime_with_signer();
    const auto ehr = route_named("ehr");
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; ++i) {
        const ClientIdentity id{"dev" + std::to_string(i), "clinic-a", "CN=t", "01"};
        cache.get(rt, ehr, id, nullptr, t0);
    }
    CHECK(cache.size() == 3);
    // Full, all stale: the new one is all that stays, and the old snapshot is no longer held.
    std::weak_ptr<const Runtime> old = rt;
    std::shared_ptr<const Runtime> next = runtime_with_signer();
    rt.reset();
    cache.get(next, ehr, ClientIdentity{"dev9", "clinic-a", "CN=t", "01"}, nullptr, t0 + 20s);
    CHECK(cache.size() == 1);
    CHECK(old.expired());
}

namespace {

std::string kid_in(const std::string& token) {
    const auto header = pki::base64url_decode(token.substr(0, token.find('.')));
    REQUIRE(header);
    const auto start = header->find(R"("kid":")");
    REQUIRE(start != std::string::npos);
    return header->substr(start + 7, header->find('"', start + 7) - start - 7);
}

} // namespace

TEST_CASE("AssertionCache: after a reload that rotates the key, new requests get the new kid", "[assertion_cache]") {
    AssertionCache cache;
    std::shared_ptr<const Runtime> before = runtime_with_signer();
    const std::string old_kid = before->assertion_keys.signer->kid();
    auto rotated = runtime_with_signer();
    rotated->assertion_keys.previous_kids = {old_kid}; // what assertion.previous_keys makes of the old file
    std::shared_ptr<const Runtime> after = rotated;
    const auto ehr = route_named("ehr");
    const ClientIdentity terminal{"aa11", "clinic-a", "CN=t1", "01"};
    const auto user = user_with_session("ref-1");
    const auto t0 = std::chrono::steady_clock::now();

    const auto held = cache.get(before, ehr, terminal, &user, t0);
    CHECK(kid_in(held->token) == old_kid);
    // Well inside the reuse window, yet a request under the new snapshot is signed anew...
    CHECK_FALSE(AssertionCache::serves(held.get(), *after, ehr, terminal, "ref-1", t0 + 1s, user.roles));
    const auto fresh = cache.get(after, ehr, terminal, &user, t0 + 1s);
    CHECK(kid_in(fresh->token) == after->assertion_keys.signer->kid());
    CHECK(kid_in(fresh->token) != old_kid);
    // ...while a connection still on the old snapshot (its request was in flight at the swap)
    // keeps the old key: which is why the new snapshot must go on publishing it.
    CHECK(kid_in(cache.get(before, ehr, terminal, &user, t0 + 1s)->token) == old_kid);
    CHECK(after->assertion_keys.publishes(old_kid));
}
