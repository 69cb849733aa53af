// The assertion's key set: what the configuration's key files become (signer, JWKS, ETag),
// every problem with them at once, and what a reload that rotates keys logs.
#include "config/load.hpp"
#include "gateway/runtime/assertion_keys.hpp"
#include "pki/jws_verify.hpp"
#include "pki/keygen.hpp"
#include "pki/pem_io.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>

using namespace sekisho;
using namespace sekisho::gateway;

namespace {

class KeyDir {
public:
    KeyDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "sekisho-keys-XXXXXX").string();
        if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~KeyDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    // A private key file: a new EC P-256 key unless another is given.
    config::KeyFile key(const std::string& name, std::string list_key, int line,
                        pki::EvpPkeyPtr key = pki::generate_key()) const {
        pki::write_private_key_pem(file(name), key.get());
        return {file(name), std::move(list_key), line};
    }
    // The public half of an existing key file, in a file of its own.
    config::KeyFile public_half(const config::KeyFile& of, const std::string& name, std::string list_key,
                                int line) const {
        pki::write_file(file(name), pki::public_key_to_pem(pki::load_public_key_pem(of.path).get()));
        return {file(name), std::move(list_key), line};
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

std::string kid_of(const config::KeyFile& file) {
    return pki::es256_jwk(pki::load_public_key_pem(file.path).get()).kid;
}

std::vector<config::ConfigProblem> problems_of(const config::AssertionConfig& cfg) {
    try {
        load_assertion_keys(cfg, "sekisho.yaml");
    } catch (const config::ConfigError& e) {
        return e.problems();
    }
    return {};
}

} // namespace

TEST_CASE("AssertionKeys: the signing key signs, every listed key is published under its kid",
          "[assertion_keys]") {
    KeyDir dir;
    config::AssertionConfig cfg;
    cfg.signing_key = dir.key("current.pem", "assertion.signing_key", 2);
    const auto next = dir.key("next.pem", "assertion.next_keys[0]", 3);
    const auto old = dir.key("old.pem", "assertion.previous_keys[0]", 4);
    cfg.next_keys = {dir.public_half(next, "next.pub", "assertion.next_keys[0]", 3)}; // public halves do
    cfg.previous_keys = {old};

    const auto keys = load_assertion_keys(cfg, "sekisho.yaml");
    REQUIRE(keys.signer);
    CHECK(keys.signer->kid() == kid_of(cfg.signing_key));
    CHECK(keys.next_kids == std::vector<std::string>{kid_of(next)});
    CHECK(keys.previous_kids == std::vector<std::string>{kid_of(old)});
    for (const auto* file : std::initializer_list<const config::KeyFile*>{&cfg.signing_key, &next, &old}) {
        CHECK(keys.publishes(kid_of(*file)));
        CHECK(keys.jwks.find(kid_of(*file)) != std::string::npos);
    }
    CHECK_FALSE(keys.publishes("unknown"));
    CHECK(keys.etag.size() == 24); // "…" around 22 base64url characters

    SECTION("the same files give the same bytes and tag; so does the same set with another signer") {
        const auto again = load_assertion_keys(cfg, "sekisho.yaml");
        CHECK(again.jwks == keys.jwks);
        CHECK(again.etag == keys.etag);
        config::AssertionConfig rotated; // next signs now, current is previous, old is gone... then back
        rotated.signing_key = next;
        rotated.previous_keys = {cfg.signing_key, old};
        const auto after = load_assertion_keys(rotated, "sekisho.yaml");
        CHECK(after.signer->kid() == kid_of(next));
        CHECK(after.jwks == keys.jwks);
        CHECK(after.etag == keys.etag);
    }
    SECTION("another set, another tag") {
        cfg.previous_keys.clear();
        CHECK(load_assertion_keys(cfg, "sekisho.yaml").etag != keys.etag);
    }
}

TEST_CASE("AssertionKeys: every problem at once, each naming the key, the line, the file and what to do",
          "[assertion_keys]") {
    KeyDir dir;
    config::AssertionConfig cfg;
    cfg.signing_key = dir.key("current.pem", "assertion.signing_key", 2);
    const auto next = dir.key("next.pem", "assertion.next_keys[0]", 4);
    cfg.next_keys = {next};
    cfg.previous_keys = {
        dir.public_half(cfg.signing_key, "current.pub", "assertion.previous_keys[0]", 6),
        dir.key("rsa.pem", "assertion.previous_keys[1]", 7, pki::generate_key(pki::KeyAlgorithm::rsa_2048)),
        {dir.file("missing.pem"), "assertion.previous_keys[2]", 8},
        dir.public_half(next, "next.pub", "assertion.previous_keys[3]", 9),
    };
    pki::write_file(dir.file("garbage.pem"), "not a key\n");
    cfg.previous_keys.push_back({dir.file("garbage.pem"), "assertion.previous_keys[4]", 10});

    const auto problems = problems_of(cfg);
    REQUIRE(problems.size() == 5);
    for (const auto& p : problems)
        CHECK(p.file == "sekisho.yaml");
    CHECK(problems[0].key == "assertion.previous_keys[0]");
    CHECK(problems[0].line == 6);
    CHECK_THAT(problems[0].reason, Catch::Contains(dir.file("current.pub")) && Catch::Contains("same key") &&
                                       Catch::Contains("assertion.signing_key") &&
                                       Catch::Contains("remove it from assertion.previous_keys"));
    CHECK(problems[1].key == "assertion.previous_keys[1]");
    CHECK_THAT(problems[1].reason, Catch::Contains(dir.file("rsa.pem")) &&
                                       Catch::Contains("not an EC P-256 key") && Catch::Contains("RSA") &&
                                       Catch::Contains("genpkey"));
    CHECK(problems[2].key == "assertion.previous_keys[2]");
    CHECK_THAT(problems[2].reason, Catch::Contains(dir.file("missing.pem")));
    CHECK(problems[3].key == "assertion.previous_keys[3]");
    CHECK_THAT(problems[3].reason,
               Catch::Contains("assertion.next_keys[0]") && Catch::Contains("list each key once"));
    CHECK_THAT(problems[4].reason, Catch::Contains(dir.file("garbage.pem")) && Catch::Contains("PEM"));
    // The operator sees them as sekisho --check prints them: file:line: key: reason.
    CHECK_THAT(problems[0].to_string(), Catch::StartsWith("sekisho.yaml:6: assertion.previous_keys[0]: "));
}

TEST_CASE("AssertionKeys: a signing key must be a private EC P-256 key", "[assertion_keys]") {
    KeyDir dir;
    config::AssertionConfig cfg;
    const auto key = dir.key("current.pem", "assertion.signing_key", 2);
    cfg.signing_key = dir.public_half(key, "current.pub", "assertion.signing_key", 2);
    auto problems = problems_of(cfg);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason,
               Catch::Contains(dir.file("current.pub")) && Catch::Contains("private key"));

    cfg.signing_key = dir.key("p384.pem", "assertion.signing_key", 2, pki::EvpPkeyPtr(EVP_EC_gen("P-384")));
    problems = problems_of(cfg);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0].reason,
               Catch::Contains(dir.file("p384.pem")) && Catch::Contains("not an EC P-256 key"));
}

TEST_CASE("key_events: what a start and each step of a rotation log", "[assertion_keys]") {
    KeyDir dir;
    const auto a = dir.key("a.pem", "assertion.signing_key", 2);
    const auto b = dir.key("b.pem", "assertion.next_keys[0]", 3);
    auto keys = [](config::KeyFile signing, std::vector<config::KeyFile> next,
                   std::vector<config::KeyFile> previous) {
        config::AssertionConfig cfg;
        cfg.signing_key = std::move(signing);
        cfg.next_keys = std::move(next);
        cfg.previous_keys = std::move(previous);
        return load_assertion_keys(cfg, "sekisho.yaml");
    };
    auto names = [](const std::vector<KeyEvent>& events) {
        std::vector<std::string> out;
        for (const auto& e : events)
            out.push_back(e.name);
        return out;
    };
    const auto only_a = keys(a, {}, {});
    const auto announced = keys(a, {b}, {});
    const auto switched = keys(b, {}, {a});
    const auto retired = keys(b, {}, {});
    const std::chrono::seconds keep{110};

    const auto start = key_events(nullptr, announced, keep);
    REQUIRE(names(start) == std::vector<std::string>{"assertion.keys"});
    CHECK(start[0].fields[0] == std::pair<std::string, std::string>{"signing", kid_of(a)});
    CHECK(start[0].fields[1] == std::pair<std::string, std::string>{"next", kid_of(b)});
    CHECK(start[0].fields[2] == std::pair<std::string, std::string>{"previous", "-"});

    CHECK(key_events(&announced, keys(a, {b}, {}), keep).empty()); // a reload that changes nothing
    CHECK(names(key_events(&only_a, announced, keep)) == std::vector<std::string>{"assertion.keys"});
    // The safe order: b was published before it signs, a stays published after.
    const auto step2 = key_events(&announced, switched, keep);
    REQUIRE(names(step2) == std::vector<std::string>{"assertion.keys", "assertion.signing_key_changed"});
    CHECK_THAT(step2[1].fields[2].second, Catch::Contains("at least 110s"));
    CHECK(names(key_events(&switched, retired, keep)) == std::vector<std::string>{"assertion.keys"});
    // Skipping a step warns, naming the kid concerned.
    const auto hasty = key_events(&only_a, retired, keep);
    REQUIRE(names(hasty) == std::vector<std::string>{"assertion.keys", "assertion.signing_key_changed",
                                                     "assertion.key_unannounced", "assertion.key_withdrawn"});
    CHECK(hasty[2].level == spdlog::level::warn);
    CHECK(hasty[2].fields[0].second == kid_of(b));
    CHECK(hasty[3].fields[0].second == kid_of(a));
}

TEST_CASE("keep_previous_for: the longest a request admitted before a reload signs, plus the ttl",
          "[assertion_keys]") {
    config::Config cfg;
    CHECK(keep_previous_for(cfg) == std::chrono::seconds(10 + 10 + 30 + 60));
    cfg.assertion.ttl = config::Seconds(30);
    cfg.timeouts.request_body = config::Seconds(5);
    CHECK(keep_previous_for(cfg) == std::chrono::seconds(10 + 10 + 5 + 30));
}
