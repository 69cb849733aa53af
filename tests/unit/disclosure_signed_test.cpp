// The signed disclosure (issue 17): only the bytes sign_document wrote pass verify — not a
// token or a seal of the same key, not the same signature spelled another way, not a file a
// JSON parser would read the same.
#include "disclosure/evaluate.hpp"
#include "disclosure/render_json.hpp"
#include "pki/jws_verify.hpp"
#include "pki/keygen.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <openssl/bn.h>

#include <algorithm>
#include <vector>

using namespace sekisho;
using namespace sekisho::disclosure;

namespace {

struct Keys {
    pki::EvpPkeyPtr key = pki::generate_key();
    pki::Es256Signer signer{pki::PrivateKey(pki::EvpPkeyPtr(EVP_PKEY_dup(key.get())), nullptr)};
};

Document small_document() {
    Facts facts;
    facts.config.listen = {"0.0.0.0", 8443};
    facts.now = 1'796'000'000;
    return build_document(facts);
}

std::string wrap(const std::string& compact) {
    const auto first = compact.find('.');
    const auto second = compact.find('.', first + 1);
    return boost::json::serialize(boost::json::object{{"protected", compact.substr(0, first)},
                                                      {"payload", compact.substr(first + 1, second - first - 1)},
                                                      {"signature", compact.substr(second + 1)}}) +
           "\n";
}

} // namespace

TEST_CASE("a signed disclosure verifies with its key only, and gives back what was signed", "[disclosure]") {
    Keys keys;
    const auto document = small_document();
    const auto file = sign_document(document, keys.signer);
    const auto verified = verify_signed_document(file, keys.key.get());
    REQUIRE(verified);
    CHECK(verified->json == render_json(document));
    CHECK(verified->kid == keys.signer.kid());
    CHECK(verified->generated_at == document.generated_at);
    Keys other;
    CHECK_FALSE(verify_signed_document(file, other.key.get()));
}

TEST_CASE("any one byte changed, and the same content spelled otherwise, do not verify", "[disclosure]") {
    Keys keys;
    const auto file = sign_document(small_document(), keys.signer);
    // 300 offsets spread over the file, the first and last bytes among them.
    std::vector<std::size_t> offsets{file.size() - 1};
    for (std::size_t i = 0; i < file.size(); i += std::max<std::size_t>(1, file.size() / 300)) offsets.push_back(i);
    for (const auto i : offsets) {
        auto edited = file;
        edited[i] = edited[i] == 'A' ? 'B' : 'A';
        INFO("offset " << i);
        CHECK_FALSE(verify_signed_document(edited, keys.key.get()));
    }
    const auto value = boost::json::parse(file).as_object();
    // Reformatted, a member escaped, without the newline, a member twice (the last wins in
    // Boost.JSON, the first in other parsers).
    CHECK_FALSE(verify_signed_document(" " + file, keys.key.get()));
    CHECK_FALSE(verify_signed_document(file.substr(0, file.size() - 1), keys.key.get()));
    auto escaped = file;
    escaped.replace(escaped.find("\"protected\""), 11, "\"\\u0070rotected\"");
    CHECK_FALSE(verify_signed_document(escaped, keys.key.get()));
    const std::string twice = "{\"protected\":\"x\",\"protected\":" +
                              boost::json::serialize(value.at("protected")) + file.substr(file.find(",\"payload\""));
    CHECK_FALSE(verify_signed_document(twice, keys.key.get()));
}

TEST_CASE("the same signature with S replaced by n - S does not verify", "[disclosure]") {
    Keys keys;
    const auto file = sign_document(small_document(), keys.signer);
    auto object = boost::json::parse(file).as_object();
    auto raw = *pki::base64url_decode(object.at("signature").as_string());
    pki::BignumPtr s(BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr));
    pki::BignumPtr n(BN_bin2bn(pki::kP256Order, 32, nullptr));
    REQUIRE(BN_sub(s.get(), n.get(), s.get()) == 1);
    REQUIRE(BN_bn2binpad(s.get(), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32) == 32);
    object["signature"] = pki::base64url_encode(raw);
    const auto high_s = boost::json::serialize(object) + "\n";
    // Still a valid ECDSA signature, but not the one spelling the gateway writes.
    CHECK(pki::verify_es256(std::string(object.at("protected").as_string()) + "." +
                                std::string(object.at("payload").as_string()) + "." +
                                std::string(object.at("signature").as_string()),
                            keys.key.get()));
    CHECK_FALSE(verify_signed_document(high_s, keys.key.get()));
}

TEST_CASE("a token or an audit seal of the same key is no disclosure", "[disclosure]") {
    Keys keys;
    // Signed as a token (typ JWT), even with a disclosure's content.
    CHECK_FALSE(verify_signed_document(wrap(keys.signer.sign(render_json(small_document()))), keys.key.get()));
    // Typed as a disclosure, but not one (an audit seal's payload).
    CHECK_FALSE(verify_signed_document(wrap(keys.signer.sign_typed(R"({"seq":25,"head":"ab"})", kDisclosureType)),
                                       keys.key.get()));
}
