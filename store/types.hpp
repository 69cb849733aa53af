// What every narrow registry interface speaks in: time and the registry's errors. Kept apart so
// that each interface header includes only this, not another interface.
#pragma once

#include <cstdint>
#include <stdexcept>

namespace sekisho::store {

// All times are Unix seconds (UTC).
using UnixSeconds = std::int64_t;

// A refused or failed registry operation; the message names the operation, the object and,
// for storage failures, the database.
class RegistryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The registry could not be reached or did not answer in time (server down or stuck, the
// connection lost, the file locked by another writer for longer than the busy timeout):
// worth trying again, and answered 503 rather than 500.
class RegistryUnavailable : public RegistryError {
public:
    using RegistryError::RegistryError;
};

} // namespace sekisho::store
