// What the fuzz targets share: invariants that abort (so libFuzzer keeps the input as a
// reproducer), and a deterministic way to cut a byte stream into reads of arbitrary sizes.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

// Not assert(): it must hold in every build, and say which invariant broke.
#define FUZZ_CHECK(condition)                                                                   \
    do {                                                                                        \
        if (!(condition)) {                                                                     \
            std::fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", #condition, __FILE__,  \
                         __LINE__);                                                             \
            std::abort();                                                                       \
        }                                                                                       \
    } while (0)

namespace sekisho::fuzz {

inline std::string_view as_view(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// The sizes of successive reads off a socket. Seed 0 reads everything at once; any other
// seed gives sizes from 1 byte up, so that every split point of a message gets tried as the
// fuzzer mutates the seed byte of its input.
class ReadSizes {
public:
    explicit ReadSizes(std::uint8_t seed) : state_(seed), whole_(seed == 0) {}

    std::size_t next(std::size_t available) {
        if (whole_ || available == 0) return available;
        state_ = state_ * 1103515245u + 12345u;
        const std::size_t cap = (state_ >> 16) % 4 == 0 ? 4096 : 16; // mostly small reads
        return std::min(available, 1 + (state_ >> 8) % cap);
    }

private:
    std::uint32_t state_;
    bool whole_;
};

} // namespace sekisho::fuzz
