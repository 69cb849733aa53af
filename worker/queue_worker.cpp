#include "worker/queue_worker.hpp"

#include <utility>

namespace sekisho::worker {

QueueWorker::QueueWorker(std::size_t limit) : limit_(limit) {}

QueueWorker::~QueueWorker() {
    stop();
}

void QueueWorker::start(std::function<void()> body) {
    thread_ = std::thread(std::move(body));
}

void QueueWorker::stop(std::chrono::milliseconds drain_for) {
    {
        std::lock_guard lock(mutex_);
        if (!stopping_) {
            stopping_ = true;
            drain_until_ = std::chrono::steady_clock::now() + drain_for;
        }
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void QueueWorker::push(std::string message) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(message));
        while (limit_ && queue_.size() > limit_) {
            queue_.pop_front();
            ++dropped_;
        }
    }
    wake_.notify_one();
}

std::optional<std::string> QueueWorker::next() {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() || (stopping_ && std::chrono::steady_clock::now() >= drain_until_)) return std::nullopt;
    std::string message = std::move(queue_.front());
    queue_.pop_front();
    return message;
}

void QueueWorker::put_back(std::string message) {
    std::lock_guard lock(mutex_);
    queue_.push_front(std::move(message));
}

bool QueueWorker::pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex_);
    return wake_.wait_for(lock, d, [&] { return stopping_; });
}

bool QueueWorker::stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
}

std::size_t QueueWorker::queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

std::uint64_t QueueWorker::dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
}

} // namespace sekisho::worker
