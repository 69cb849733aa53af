// PreemptionPoints: while a guard lives, the thread is interrupted and yields the CPU again
// and again; once it is gone, the thread is left alone (a pool thread waiting for work is
// never woken by it).
#include "worker/preemption_points.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <thread>

using sekisho::worker::PreemptionPoints;
using namespace std::chrono_literals;

namespace {

// Burns CPU until the thread has taken `wanted` more preemption points, or gives up after
// a generous deadline (a slow machine takes longer, never fails here by being slow).
std::uint64_t burn_until_taken(std::uint64_t wanted) {
    const auto start = PreemptionPoints::taken();
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    volatile std::uint64_t x = 0;
    while (PreemptionPoints::taken() - start < wanted && std::chrono::steady_clock::now() < deadline)
        for (int i = 0; i < 1000; ++i) x = x + 1;
    return PreemptionPoints::taken() - start;
}

} // namespace

TEST_CASE("a long computation under PreemptionPoints yields the CPU over and over", "[preemption_points]") {
    std::uint64_t taken = 0;
    bool active = false;
    std::thread worker([&] {
        PreemptionPoints points;
        active = points.active();
        taken = burn_until_taken(5);
    });
    worker.join();
    REQUIRE(active);
    CHECK(taken >= 5);
}

TEST_CASE("without a guard, and after it ends, the thread takes no preemption point", "[preemption_points]") {
    std::uint64_t before_guard = 0, during = 0, after = 0;
    std::thread worker([&] {
        const auto start = PreemptionPoints::taken();
        std::this_thread::sleep_for(20ms);
        before_guard = PreemptionPoints::taken() - start;
        {
            PreemptionPoints points(100us);
            during = burn_until_taken(3);
        }
        std::this_thread::sleep_for(5ms); // a signal already on its way lands here
        const auto settled = PreemptionPoints::taken();
        std::this_thread::sleep_for(50ms);
        after = PreemptionPoints::taken() - settled;
    });
    worker.join();
    CHECK(before_guard == 0);
    CHECK(during >= 3);
    CHECK(after == 0);
}

TEST_CASE("nested guards keep the timer until the outermost one ends", "[preemption_points]") {
    std::uint64_t inner_gone = 0, outer_gone = 0;
    std::thread worker([&] {
        std::optional<PreemptionPoints> outer;
        outer.emplace(100us);
        {
            PreemptionPoints inner(100us);
            CHECK(inner.active());
        }
        inner_gone = burn_until_taken(3); // still interrupted: the outer guard lives
        outer.reset();
        std::this_thread::sleep_for(5ms);
        const auto settled = PreemptionPoints::taken();
        std::this_thread::sleep_for(50ms);
        outer_gone = PreemptionPoints::taken() - settled;
    });
    worker.join();
    CHECK(inner_gone >= 3);
    CHECK(outer_gone == 0);
}

TEST_CASE("a zero interval arms nothing", "[preemption_points]") {
    std::thread worker([] {
        PreemptionPoints points(0us);
        CHECK_FALSE(points.active());
    });
    worker.join();
}
