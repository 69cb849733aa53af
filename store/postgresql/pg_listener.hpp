// LISTEN sekisho_registry on a connection and thread of its own: the registry_revision
// trigger notifies at each committed write (pg_schema.cpp), and every instance polls its
// revision at once instead of at its next tick.
#pragma once

#include "store/postgresql/pg_connection.hpp"
#include "store/registry.hpp"

#include <atomic>
#include <functional>
#include <thread>

namespace sekisho::store::postgresql {

class ChangeListener final : public ChangeSignal {
public:
    // settings: read again at each (re)connection. wake: called on the listener's thread.
    ChangeListener(std::function<ConnectionSettings()> settings, std::function<void()> wake);
    ~ChangeListener() override; // stops and joins the thread

private:
    void run();
    // Waits on the connection's socket (or, with fd -1, just the time) and the stop signal:
    // false once stopping.
    bool wait(int fd, int timeout_ms);

    std::function<ConnectionSettings()> settings_;
    std::function<void()> wake_;
    int stop_fd_ = -1; // an eventfd, written by the destructor
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

} // namespace sekisho::store::postgresql
