#include "gateway/listener/process_limits.hpp"

#include <sys/resource.h>

#include <filesystem>
#include <system_error>

namespace sekisho::gateway {

void raise_open_files_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == limit.rlim_max) return;
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
}

std::string render_process_metrics() {
    std::string out;
    std::error_code ec;
    std::size_t open = 0;
    for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++open;
    if (!ec) {
        out += "# HELP process_open_fds Number of open file descriptors.\n# TYPE process_open_fds gauge\n";
        out += "process_open_fds " + std::to_string(open) + "\n";
    }
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
        out += "# HELP process_max_fds Maximum number of open file descriptors.\n# TYPE process_max_fds gauge\n";
        out += "process_max_fds " + std::to_string(limit.rlim_cur) + "\n";
    }
    return out;
}

} // namespace sekisho::gateway
