#include "gateway/listener/connection_limits.hpp"

#include <catch2/catch.hpp>

using sekisho::gateway::ConnectionLimits;

TEST_CASE("a connection whose source is not known yet counts under the listener's total only") {
    ConnectionLimits limits("main", 5, 1);
    auto pending = limits.admit_unattributed("10.0.0.9");
    REQUIRE(pending);
    CHECK(limits.open() == 1);
    auto direct = limits.admit("192.0.2.10"); // the per-source count has not seen the pending one
    REQUIRE(direct);
    CHECK(limits.open() == 2);

    SECTION("attributed to a source with room, it is that source's") {
        auto other = limits.admit_unattributed("10.0.0.9");
        REQUIRE(limits.attribute(other, "192.0.2.11"));
        CHECK(other);
        CHECK_FALSE(limits.admit("192.0.2.11"));
        CHECK(limits.refused(ConnectionLimits::Refusal::source_full) == 1);
        CHECK(limits.open() == 3);
    }
    SECTION("attributed to a full source, it is refused and gives its place back") {
        CHECK_FALSE(limits.attribute(pending, "192.0.2.10"));
        CHECK_FALSE(pending);
        CHECK(limits.open() == 1);
        CHECK(limits.refused(ConnectionLimits::Refusal::source_full) == 1);
    }
    SECTION("never attributed (the header never came), it is released without a source") {
        pending = ConnectionLimits::Slot();
        CHECK(limits.open() == 1);
        CHECK(limits.admit("10.0.0.9")); // the balancer itself was never counted as a source
    }
}

TEST_CASE("a full listener refuses a connection whose source is not known yet") {
    ConnectionLimits limits("enrollment", 1, 1);
    auto first = limits.admit("192.0.2.10");
    REQUIRE(first);
    CHECK_FALSE(limits.admit_unattributed("10.0.0.9"));
    CHECK(limits.refused(ConnectionLimits::Refusal::listener_full) == 1);
    CHECK(limits.open() == 1);
}
