#include "store/clock.hpp"

#include <chrono>

namespace sekisho::store {

UnixSeconds system_clock_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace sekisho::store
