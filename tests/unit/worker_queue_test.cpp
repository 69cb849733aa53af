#include "worker/queue_worker.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

using sekisho::worker::QueueWorker;
using namespace std::chrono_literals;

namespace {

// The worker's body for the tests: takes messages until told to stop, after a gate opens.
struct Recorder {
    std::mutex mutex;
    std::vector<std::string> seen;
    std::atomic<bool> open{false};

    void run(QueueWorker& q) {
        while (!open) std::this_thread::sleep_for(1ms);
        while (auto m = q.next()) {
            std::lock_guard lock(mutex);
            seen.push_back(*m);
        }
    }
    std::vector<std::string> taken() {
        std::lock_guard lock(mutex);
        return seen;
    }
};

} // namespace

TEST_CASE("QueueWorker hands out messages in order and drops the oldest past its limit") {
    QueueWorker q(3);
    Recorder r;
    q.start([&] { r.run(q); });
    for (int i = 1; i <= 5; ++i) q.push(std::to_string(i));
    CHECK(q.queued() == 3);
    CHECK(q.dropped() == 2);
    r.open = true;
    for (int i = 0; i < 1000 && q.queued() > 0; ++i) std::this_thread::sleep_for(1ms);
    q.stop(1s);
    CHECK(r.taken() == std::vector<std::string>{"3", "4", "5"});
}

TEST_CASE("QueueWorker::stop drains for the time given, or not at all") {
    SECTION("with a drain time, what is queued is still handed out") {
        QueueWorker q;
        Recorder r;
        q.start([&] { r.run(q); });
        q.push("a");
        q.push("b");
        r.open = true;
        q.stop(5s);
        CHECK(r.taken() == std::vector<std::string>{"a", "b"});
    }
    SECTION("without, the worker stops at once") {
        QueueWorker q;
        std::atomic<bool> gate{false};
        std::vector<std::string> seen;
        q.start([&] {
            while (!gate) std::this_thread::sleep_for(1ms);
            while (auto m = q.next()) seen.push_back(*m);
        });
        q.push("a");
        std::thread opener([&] {
            while (!q.stopping()) std::this_thread::sleep_for(1ms);
            gate = true;
        });
        q.stop();
        opener.join();
        CHECK(seen.empty());
        CHECK(q.queued() == 1);
    }
}

TEST_CASE("QueueWorker: a message put back is next; pause ends at stop") {
    QueueWorker q;
    std::vector<std::string> seen;
    std::atomic<bool> paused_until_stop{false};
    q.push("first");
    q.push("second");
    q.start([&] {
        auto m = q.next();
        q.put_back(std::move(*m)); // could not be handled: retried first
        while (auto again = q.next()) {
            seen.push_back(*again);
            if (seen.size() == 2) paused_until_stop = q.pause(60s);
        }
    });
    for (int i = 0; i < 1000 && q.queued() > 0; ++i) std::this_thread::sleep_for(1ms);
    q.stop();
    CHECK(seen == std::vector<std::string>{"first", "second"});
    CHECK(paused_until_stop);
}
