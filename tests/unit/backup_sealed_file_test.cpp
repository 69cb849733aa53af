#include "backup/sealed_file.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::backup;

namespace {

// The smallest cost the KDF accepts: these tests are about the format, not the work factor.
const sekisho::codec::ScryptParams kCheap{1u << 14, 8, 1};

} // namespace

TEST_CASE("a sealed file opens with the passphrase, under its own name, and only so") {
    PassphraseSealer sealer("a passphrase of some length", kCheap);
    const std::string key = "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n";
    const auto sealed = sealer.seal(key, "files/pki/device-ca.key.sealed");
    CHECK(sealed.starts_with("sekisho-sealed 1\n{\"kdf\":\"scrypt\""));
    CHECK(sealed.find("PRIVATE KEY") == std::string::npos);

    PassphraseSealer again("a passphrase of some length");
    CHECK(again.open(sealed, "files/pki/device-ca.key.sealed") == key);

    PassphraseSealer wrong("another passphrase entirely");
    CHECK_THROWS_AS(wrong.open(sealed, "files/pki/device-ca.key.sealed"), WrongPassphrase);
    CHECK_THROWS_WITH(again.open(sealed, "files/pki/server.key.sealed"), Catch::Contains("not under this name"));

    auto flipped = sealed;
    flipped[flipped.size() - 1] ^= 1;
    CHECK_THROWS_AS(again.open(flipped, "files/pki/device-ca.key.sealed"), WrongPassphrase);
    // The parameters are authenticated too: a header lowered to the cheapest cost does not open.
    auto cheaper = sealed;
    cheaper.replace(cheaper.find("\"r\":8"), 5, "\"r\":1");
    CHECK_THROWS_AS(again.open(cheaper, "files/pki/device-ca.key.sealed"), WrongPassphrase);
    CHECK_THROWS_WITH(again.open("plain text", "x"), Catch::Contains("not a sealed file"));
}

TEST_CASE("a short passphrase and absurd KDF parameters are refused") {
    CHECK_THROWS_WITH(PassphraseSealer("short"), Catch::Contains("at least 12"));
    PassphraseSealer sealer("a passphrase of some length", kCheap);
    auto sealed = sealer.seal("x", "n");
    sealed.replace(sealed.find("\"n\":16384"), 9, "\"n\":1073741824");
    CHECK_THROWS_WITH(sealer.open(sealed, "n"), Catch::Contains("out of bounds"));
}
