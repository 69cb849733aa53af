#include "codec/clock_sync.hpp"

#include <sys/timex.h>

namespace sekisho::codec {

ClockSync read_clock_sync() {
    timex tx{};
    const int state = ::adjtimex(&tx);
    ClockSync sync;
    sync.max_error_seconds = static_cast<double>(tx.maxerror) / 1e6;
    sync.estimated_error_seconds = static_cast<double>(tx.esterror) / 1e6;
    sync.synchronized = state != -1 && state != TIME_ERROR && !(tx.status & STA_UNSYNC) && tx.maxerror < 16'000'000;
    return sync;
}

} // namespace sekisho::codec
