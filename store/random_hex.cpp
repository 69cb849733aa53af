#include "store/random_hex.hpp"

#include "codec/hex.hpp"
#include "codec/random.hpp"

namespace sekisho::store {

std::string random_id(std::string_view prefix) {
    return std::string(prefix) + codec::to_lower_hex(codec::random_bytes(8));
}

} // namespace sekisho::store
