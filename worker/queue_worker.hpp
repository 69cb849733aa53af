// The background sink: a thread of its own behind a queue of messages, for work no caller
// may wait for (the audit trail's syslog copy, the alert webhook). Callers push from any
// thread and return at once; the worker takes the messages in order with next(), may put
// one back at the front to retry it first, and sleeps between retries with pause(), which
// a stop cuts short. Past the limit the oldest message is dropped and counted, so a sink
// that is away costs bounded memory and the owner can say how much it lost.
//
// Lifetime: the owner calls start() last in its constructor and stop() first in its
// destructor (and declares the QueueWorker after the members the body uses), so the body
// never runs on a half-built or half-destroyed owner.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace sekisho::worker {

class QueueWorker {
public:
    explicit QueueWorker(std::size_t limit = 0); // the most messages that wait; 0: no limit
    ~QueueWorker();                              // stop()

    QueueWorker(const QueueWorker&) = delete;
    QueueWorker& operator=(const QueueWorker&) = delete;

    // Runs body on the worker thread; once.
    void start(std::function<void()> body);
    // Asks the worker to stop, wakes it and joins it: from now on next() hands out what is
    // queued for up to drain_for (none by default), then nothing; pause() returns at once.
    // Later calls only join.
    void stop(std::chrono::milliseconds drain_for = {});

    // Any thread: queue a message (the oldest is dropped past the limit) and wake the worker.
    void push(std::string message);

    // Worker thread: the next message, waiting for one; nullopt once the worker is to stop
    // (stop(): queue empty, or the drain time is over). The body returns then.
    std::optional<std::string> next();
    // Worker thread: a message that could not be handled goes back in front, to be next.
    void put_back(std::string message);
    // Worker thread: sleeps for d or until stop(); true when stopping.
    bool pause(std::chrono::milliseconds d);

    bool stopping() const;
    std::size_t queued() const;
    std::uint64_t dropped() const; // since the start, by the limit

private:
    const std::size_t limit_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::string> queue_;
    std::uint64_t dropped_ = 0;
    bool stopping_ = false;
    std::chrono::steady_clock::time_point drain_until_{};
    std::thread thread_;
};

} // namespace sekisho::worker
