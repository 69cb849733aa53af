#include "store/postgresql/pg_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sekisho::store::postgresql {

ChangeListener::ChangeListener(std::function<ConnectionSettings()> settings, std::function<void()> wake)
    : settings_(std::move(settings)), wake_(std::move(wake)), stop_fd_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (stop_fd_ < 0) throw RegistryError(std::string("registry: cannot listen for changes: eventfd: ") + std::strerror(errno));
    try {
        thread_ = std::thread([this] { run(); });
    } catch (...) {
        ::close(stop_fd_);
        throw;
    }
}

ChangeListener::~ChangeListener() {
    stopping_ = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto written = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
    ::close(stop_fd_);
}

bool ChangeListener::wait(int fd, int timeout_ms) {
    pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {fd, POLLIN, 0}};
    const int n = ::poll(fds, fd >= 0 ? 2 : 1, timeout_ms);
    return !stopping_ && !(n > 0 && (fds[0].revents & POLLIN) != 0);
}

void ChangeListener::run() {
    while (!stopping_) {
        try {
            PgConnection db(settings_());
            db.exec("LISTEN sekisho_registry", "listen for registry changes");
            wake_(); // whatever changed while no one listened
            for (;;) {
                if (!wait(PQsocket(db.handle()), 30'000)) return;
                if (PQconsumeInput(db.handle()) == 0 || PQstatus(db.handle()) != CONNECTION_OK) break;
                bool changed = false;
                while (PGnotify* n = PQnotifies(db.handle())) {
                    changed = true;
                    PQfreemem(n);
                }
                if (changed) wake_();
            }
        } catch (const std::exception&) {
            // The server is away: the gateway's poll reports it; try again in a second.
        }
        if (!wait(-1, 1000)) return;
    }
}

} // namespace sekisho::store::postgresql
