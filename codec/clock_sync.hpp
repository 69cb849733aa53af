// The kernel's view of clock synchronisation (adjtimex): unsynchronised when NTP has not
// disciplined the clock (STA_UNSYNC) or its maximum error has grown past 16 s. Read by the
// gateway's metrics and health watch, and by the self-disclosure (time accuracy).
#pragma once

namespace sekisho::codec {

struct ClockSync {
    bool synchronized = false;
    double max_error_seconds = 0;
    double estimated_error_seconds = 0;
};

ClockSync read_clock_sync();

} // namespace sekisho::codec
