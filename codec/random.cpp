#include "codec/random.hpp"

#include <openssl/rand.h>

#include <stdexcept>

namespace sekisho::codec {

std::string random_bytes(std::size_t n) {
    std::string out(n, '\0');
    if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw std::runtime_error("the random number generator (OpenSSL RAND_bytes) failed");
    return out;
}

} // namespace sekisho::codec
