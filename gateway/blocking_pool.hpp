// The pool for work that blocks or burns CPU off the I/O threads: SQLite, the CA key,
// Argon2id. Its threads run at a lower CPU priority (nice +10) than the I/O threads, so a
// storm of logins (each Argon2id hash is tens of milliseconds of CPU) cannot starve proxied
// requests when the machine is busy; when it is idle, logins run at full speed.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <cstddef>

namespace sekisho::gateway {

class BlockingPool : public boost::asio::thread_pool {
public:
    explicit BlockingPool(std::size_t threads);
};

} // namespace sekisho::gateway
