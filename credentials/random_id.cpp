#include "credentials/random_id.hpp"

#include "codec/hex.hpp"
#include "codec/random.hpp"

namespace sekisho::credentials {

std::string random_id(std::string_view prefix) {
    return std::string(prefix) + codec::to_lower_hex(codec::random_bytes(8));
}

} // namespace sekisho::credentials
