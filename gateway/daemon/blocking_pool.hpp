// The pool for work that blocks or burns CPU off the I/O threads: SQLite, the CA key,
// Argon2id. Its threads run at the lowest CPU priority (nice 19), so a
// storm of logins (each Argon2id hash is tens of milliseconds of CPU) does not delay
// proxied requests on a busy core; logins still get whatever CPU the I/O threads leave
// (measured: about 15 logins/s on the core that also served 2,000 proxied requests/s,
// docs/benchmarks.md).
#pragma once

#include <boost/asio/thread_pool.hpp>

#include <cstddef>

namespace sekisho::gateway {

class BlockingPool : public boost::asio::thread_pool {
public:
    explicit BlockingPool(std::size_t threads);
};

} // namespace sekisho::gateway
