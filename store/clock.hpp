// The time a registry stamps on its changes, whatever the backend; tests substitute a fixed one.
#pragma once

#include "store/types.hpp"

#include <functional>

namespace sekisho::store {

using Clock = std::function<UnixSeconds()>;

// Now, in Unix seconds (UTC).
UnixSeconds system_clock_now();

} // namespace sekisho::store
