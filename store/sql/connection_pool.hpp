// Connections to one registry, one per concurrent caller. An operation takes an
// idle connection (or opens another), runs on it alone, and gives it back.
//
// Why not one shared connection: a connection runs one statement at a time, so a shared one
// is a lock, and a write waits up to busy_timeout (5 s) for sekishoctl's write lock while
// holding it. Before the registry was opened once, each part of the gateway (logins, the
// registry watch, the dashboard, the ledger copy, enrollment) had a connection of its own,
// and the control thread's revision poll never waited behind a login or an enrollment; with
// a connection per concurrent caller it still does not, and WAL lets the readers run beside
// the one writer. Each thread holds at most one connection at a time, so the pool grows to
// the number of threads that use the registry at once (the gateway: its two blocking
// threads, the hashing threads and the control thread) and keeps at most max_idle of them.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace sekisho::store::sql {

template <class Connection>
class ConnectionPool {
public:
    using Open = std::function<std::unique_ptr<Connection>()>;

    // Opens the first connection at once, so that a file that cannot be used fails here.
    ConnectionPool(Open open, std::size_t max_idle) : open_(std::move(open)), max_idle_(max_idle) {
        idle_.push_back(open_());
    }

    // One connection, the caller's alone until the lease ends.
    class Lease {
    public:
        Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
            : pool_(pool), connection_(std::move(connection)) {}
        ~Lease() { pool_.give_back(std::move(connection_)); }
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;

        Connection* operator->() const { return connection_.get(); }

    private:
        ConnectionPool& pool_;
        std::unique_ptr<Connection> connection_;
    };

    // An idle connection the server closed meanwhile (restart, failover, idle timeout) is
    // dropped here, before a caller's statement can fail on it.
    Lease take() {
        for (;;) {
            std::unique_ptr<Connection> connection;
            {
                std::lock_guard lock(mutex_);
                if (idle_.empty()) break;
                connection = std::move(idle_.back());
                idle_.pop_back();
            }
            if (connection->usable()) return Lease(*this, std::move(connection));
        }
        return Lease(*this, open_()); // outside the lock: opening reads the file or connects
    }

private:
    void give_back(std::unique_ptr<Connection> connection) noexcept {
        if (!connection->usable()) return; // broken (server gone): the next caller opens a fresh one
        {
            std::lock_guard lock(mutex_);
            if (idle_.size() < max_idle_) {
                try {
                    idle_.push_back(std::move(connection));
                    return;
                } catch (...) { // out of memory: the connection closes, the next caller opens one
                }
            }
        }
        connection.reset(); // a surplus one closes outside the lock
    }

    Open open_;
    std::size_t max_idle_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Connection>> idle_;
};

} // namespace sekisho::store::sql
