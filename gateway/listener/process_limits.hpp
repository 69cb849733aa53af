// The process's file descriptors: every terminal connection, upstream connection and
// pooled idle connection holds one, and when they run out accepts fail for everybody.
#pragma once

#include <string>

namespace sekisho::gateway {

// Raises the soft limit on open files to the hard limit (systemd starts services with a
// soft limit of 1024, far below what a busy gateway holds; LimitNOFILE sets the hard one).
// Best effort: on failure the limit stays as it was.
void raise_open_files_limit();

// process_open_fds and process_max_fds in the Prometheus text format (the names of the
// Prometheus client libraries' process collector, so existing alerts apply).
std::string render_process_metrics();

} // namespace sekisho::gateway
