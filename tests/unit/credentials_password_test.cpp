#include "credentials/common_passwords.hpp"
#include "credentials/password_hash.hpp"
#include "credentials/password_policy.hpp"
#include "credentials/password_reuse.hpp"

#include <argon2.h>
#include <catch2/catch.hpp>

#include <vector>

using namespace sekisho::credentials;

namespace {

// Cheap parameters: Argon2id at 19 MiB would make every test take a while.
const Argon2Params kFast{1024, 1, 1};

} // namespace

TEST_CASE("a password hash verifies its password and nothing else", "[credentials][password]") {
    std::string hash = hash_password("Correct-Horse-9", kFast);
    CHECK(hash.rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0) == 0);
    CHECK(verify_password("Correct-Horse-9", hash));
    CHECK_FALSE(verify_password("correct-Horse-9", hash));
    CHECK_FALSE(verify_password("", hash));
    // A fresh salt each time: the same password never gives the same text.
    CHECK(hash_password("Correct-Horse-9", kFast) != hash);
    // Passwords are bytes: UTF-8 and embedded NULs work.
    std::string japanese = "病院の合言葉Ab1";
    CHECK(verify_password(japanese, hash_password(japanese, kFast)));
    std::string with_nul("ab\0cd", 5);
    std::string nul_hash = hash_password(with_nul, kFast);
    CHECK(verify_password(with_nul, nul_hash));
    CHECK_FALSE(verify_password("ab", nul_hash));
}

TEST_CASE("verification agrees with libargon2 on hashes of every shape, and keeps agreeing", "[credentials][password]") {
    // Hashes made by libargon2 itself: the canonical shape (16-byte salt, 32-byte tag) takes
    // the path with the kept working area, any other shape libargon2's own decoder.
    auto libargon2 = [](const std::string& password, const std::string& salt, std::size_t tag, std::uint32_t m) {
        std::vector<char> out(argon2_encodedlen(1, m, 1, static_cast<std::uint32_t>(salt.size()),
                                                static_cast<std::uint32_t>(tag), Argon2_id) + 1);
        REQUIRE(argon2id_hash_encoded(1, m, 1, password.data(), password.size(), salt.data(), salt.size(), tag,
                                      out.data(), out.size()) == ARGON2_OK);
        return std::string(out.data());
    };
    const std::string canonical = libargon2("Correct-Horse-9", "0123456789abcdef", 32, 1024);
    const std::string long_salt = libargon2("Correct-Horse-9", "0123456789abcdef0123", 32, 1024);
    const std::string short_tag = libargon2("Correct-Horse-9", "0123456789abcdef", 16, 1024);
    const std::string bigger = libargon2("Correct-Horse-9", "0123456789abcdef", 32, 2048);
    for (int round = 0; round < 2; ++round) { // the second round reuses this thread's area
        for (const auto& h : {canonical, long_salt, short_tag, bigger}) {
            CHECK(verify_password("Correct-Horse-9", h));
            CHECK_FALSE(verify_password("Correct-Horse-8", h));
        }
    }
    // One character of the tag or of the salt changed: no match.
    std::string tag_changed = canonical, salt_changed = canonical;
    const auto tag_at = canonical.size() - 5; // all six bits of a middle character carry the tag
    tag_changed[tag_at] = tag_changed[tag_at] == 'A' ? 'g' : 'A';
    const auto salt_at = canonical.rfind('$') - 3;
    salt_changed[salt_at] = salt_changed[salt_at] == 'A' ? 'g' : 'A';
    CHECK_FALSE(verify_password("Correct-Horse-9", tag_changed));
    CHECK_FALSE(verify_password("Correct-Horse-9", salt_changed));
}

TEST_CASE("the default parameters are m=19456 KiB, t=2, p=1 with a 16-byte salt and 32-byte tag",
          "[credentials][password]") {
    std::string hash = hash_password("Default-Params-1", Argon2Params{});
    REQUIRE(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
    // Unpadded base64: 16 bytes → 22 characters, 32 bytes → 43.
    std::string_view rest =
        std::string_view(hash).substr(std::string_view("$argon2id$v=19$m=19456,t=2,p=1$").size());
    auto dollar = rest.find('$');
    REQUIRE(dollar != std::string_view::npos);
    CHECK(dollar == 22);
    CHECK(rest.size() - dollar - 1 == 43);
    CHECK(verify_password("Default-Params-1", hash));
    CHECK_FALSE(needs_rehash(hash, Argon2Params{}));
    CHECK(needs_rehash(hash, kFast));
}

TEST_CASE("malformed hashes never verify and never throw", "[credentials][password]") {
    std::string good = hash_password("Secret-Pass-1", kFast);
    for (const std::string& bad :
         {std::string(), std::string("Secret-Pass-1"), std::string("$argon2id$"),
          good.substr(0, good.size() - 5), good.substr(0, good.rfind('$')), "$argon2i$" + good.substr(10),
          std::string("$argon2id$v=19$m=1024,t=1,p=1$$"),
          std::string("$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaA"),
          std::string("$2b$12$abcdefghijklmnopqrstuu")}) {
        INFO(bad);
        CHECK_NOTHROW(verify_password("Secret-Pass-1", bad));
        CHECK_FALSE(verify_password("Secret-Pass-1", bad));
        CHECK(needs_rehash(bad, kFast));
    }
    CHECK_FALSE(needs_rehash(good, kFast));
    CHECK(needs_rehash(good, Argon2Params{2048, 1, 1}));
    CHECK(needs_rehash(good, Argon2Params{1024, 2, 1}));
    CHECK(needs_rehash(good, Argon2Params{1024, 1, 2}));
}

TEST_CASE("parameters libargon2 refuses are reported, not silently weakened", "[credentials][password]") {
    CHECK_THROWS_AS(hash_password("x", Argon2Params{1024, 0, 1}), PasswordHashError);
    CHECK_THROWS_WITH(hash_password("x", Argon2Params{1, 1, 1}), Catch::Contains("m=1,t=1,p=1"));
}

TEST_CASE("the dummy hash is valid, stable per process and matches no password", "[credentials][password]") {
    const std::string& dummy = dummy_hash(kFast);
    CHECK(dummy.rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0) == 0);
    CHECK(&dummy_hash(kFast) == &dummy);
    CHECK(dummy_hash(kFast) == dummy);
    CHECK_FALSE(needs_rehash(dummy, kFast));
    for (const char* guess : {"", "password", "Dummy-Pass-1", "\x00"})
        CHECK_FALSE(verify_password(guess, dummy));
    CHECK(dummy_hash(Argon2Params{2048, 1, 1}) != dummy);
}

TEST_CASE("policy: length in code points, 8 with two factors and 13 without", "[credentials][policy]") {
    PasswordPolicy policy;
    CHECK(check_password("Ab1!xyz", policy, "alice", "Alice Smith") ==
          "パスワードは8文字以上にしてください / use at least 8 characters");
    CHECK_FALSE(check_password("Ab1!xyzw", policy, "alice", "Alice Smith"));

    policy.two_factor = false;
    auto reason = check_password("Ab1!xyzw", policy, "alice", "Alice Smith");
    REQUIRE(reason);
    CHECK_THAT(*reason, Catch::Contains("13文字以上") && Catch::Contains("at least 13 characters"));
    CHECK_FALSE(check_password("Ab1!xyzwvutsr", policy, "alice", "Alice Smith")); // 13
    CHECK(check_password("Ab1!xyzwvuts", policy, "alice", "Alice Smith"));        // 12

    policy.max_length = 20;
    CHECK_THAT(check_password(std::string(21, 'a') + "B1", policy, "alice", "Alice").value_or(""),
               Catch::Contains("at most 20"));
}

TEST_CASE("policy: multibyte passwords are counted in code points, not bytes", "[credentials][policy]") {
    PasswordPolicy policy;
    // 7 code points, 15 bytes: too short.
    CHECK(utf8_length("さくらAb1!") == 7);
    CHECK_THAT(check_password("さくらAb1!", policy, "alice", "Alice").value_or(""),
               Catch::Contains("at least 8"));
    // 8 code points; Japanese characters count as symbols: letters, digit, symbol.
    CHECK_FALSE(check_password("さくらのはなA1", policy, "alice", "Alice"));
    // Kana and digits only: no letter.
    CHECK_THAT(check_password("さくらさくら2024", policy, "alice", "Alice").value_or(""),
               Catch::Contains("letters, digits and symbols"));
    CHECK(utf8_length("\xC3\x28") == std::nullopt);
    CHECK(utf8_length("\xE3\x81") == std::nullopt);     // truncated
    CHECK(utf8_length("\xC0\xAF") == std::nullopt);     // overlong '/'
    CHECK(utf8_length("\xED\xA0\x80") == std::nullopt); // surrogate
    CHECK(utf8_length("\xF0\x9F\x8F\xA5") == 1);        // U+1F3E5 hospital
    CHECK_THAT(check_password("Abcdefg1\xC3\x28", policy, "alice", "Alice").value_or(""),
               Catch::Contains("UTF-8"));
    CHECK_THAT(check_password("Abcdefg1\n", policy, "alice", "Alice").value_or(""),
               Catch::Contains("control"));
}

TEST_CASE("policy: letters, digits and symbols, all three (the guideline) by default", "[credentials][policy]") {
    PasswordPolicy policy;
    const auto mix = "英字・数字・記号をすべて組み合わせてください / mix letters, digits and symbols (all three)";
    CHECK(check_password("ABCDEFGH1x", policy, "alice", "Alice") == mix); // 3 of 4 classes, no symbol
    CHECK(check_password("abcdefgh12", policy, "alice", "Alice") == mix);
    CHECK(check_password("abcdefgh!?", policy, "alice", "Alice") == mix);
    CHECK(check_password("!!!!####12", policy, "alice", "Alice") == mix);
    CHECK_FALSE(check_password("abcdefgh1!", policy, "alice", "Alice")); // one case of letters is enough
    CHECK_FALSE(check_password("ZEBRA HORSE 9", policy, "alice", "Alice")); // space is a symbol
}

TEST_CASE("policy: the three_of_four rule, only when chosen", "[credentials][policy]") {
    PasswordPolicy policy;
    policy.characters = CharacterRule::three_of_four;
    CHECK(check_password("abcdefgh12", policy, "alice", "Alice") ==
          "英大文字・英小文字・数字・記号のうち3種類以上を組み合わせてください / use at least 3 of: "
          "upper-case letters, lower-case letters, digits, symbols");
    CHECK(check_password("ABCDEFGHij", policy, "alice", "Alice"));
    CHECK(check_password("!!!!####12", policy, "alice", "Alice"));
    CHECK_FALSE(check_password("abcdefgh1!", policy, "alice", "Alice"));
    CHECK_FALSE(check_password("ABCDEFGH1x", policy, "alice", "Alice"));
    CHECK_FALSE(check_password("zebra horse 9", policy, "alice", "Alice")); // space is a symbol
}

TEST_CASE("policy: neither the user id nor the name, in any case", "[credentials][policy]") {
    PasswordPolicy policy;
    const auto id_reason =
        "パスワードにユーザーIDを含めないでください / do not include your user ID in the password";
    const auto name_reason =
        "パスワードに氏名を含めないでください / do not include your name in the password";
    CHECK(check_password("xTanaka99!", policy, "tanaka", "Taro Tanaka") == id_reason);
    CHECK(check_password("TANAKA-pw-1", policy, "tanaka", "Taro Tanaka") == id_reason);
    // Parts of a composite id.
    CHECK(check_password("Kango#2719x", policy, "yamada.hanako@kango", "H Y") == id_reason);
    // Each part of the name of at least 3 characters: "Hanako", "Yamada".
    CHECK(check_password("myHanako#7", policy, "nurse042", "Yamada Hanako") == name_reason);
    CHECK(check_password("yamada!X12", policy, "nurse042", "Yamada Hanako") == name_reason);
    // Japanese names split at the ideographic space.
    CHECK(check_password("山田太郎Ab1!", policy, "nurse042", "山田　太郎") == name_reason);
    CHECK(check_password("X佐々木1!ab", policy, "nurse042", "佐々木 一郎") == name_reason);
    // Short ids and name parts (< 3 characters) are not searched for.
    CHECK_FALSE(check_password("Li!9Wxyzab", policy, "li", "Li Na"));
    CHECK_FALSE(check_password("Blue-River-84", policy, "tanaka", "Taro Tanaka"));
}

TEST_CASE("policy: the bundled common passwords, case-insensitively", "[credentials][policy]") {
    PasswordPolicy policy;
    CHECK(common_password_count() >= 1000);
    const auto common =
        "よく使われるパスワードのため使用できません / this password is too common; choose another";
    for (const char* pw :
         {"Password1!", "PASSWORD1!", "P@ssw0rd", "p@SSW0RD", "Welcome1!", "Sakura2024!", "Hospital123!",
          "Byouin2025!", "Qwerty123!", "Letmein1!", "Tokyo2020!", "Iloveyou1!", "Admin123!", "1Qaz2wsx!"}) {
        INFO(pw);
        CHECK(is_common_password(pw));
        CHECK(check_password(pw, policy, "nurse042", "Yamada Hanako") == common);
    }
    CHECK_FALSE(is_common_password("Blue-River-84"));
    CHECK_FALSE(is_common_password(""));
    CHECK_FALSE(is_common_password(
        "# Common passwords Sekisho refuses (compared case-insensitively), compiled into the"));
}

TEST_CASE("policy: the reuse message names the history depth", "[credentials][policy]") {
    CHECK(reused_password_reason(5) ==
          "最近使用した5回分のパスワードは使用できません / do not reuse any of your last 5 passwords");
}

TEST_CASE("reuse: any of the newest hashes of a history, up to the depth asked", "[credentials][password]") {
    const std::vector<std::string> history = {hash_password("Newest-Pass-3", kFast),
                                              hash_password("Middle-Pass-2", kFast),
                                              hash_password("Oldest-Pass-1", kFast)};
    CHECK(password_reused("Newest-Pass-3", history));
    CHECK(password_reused("Oldest-Pass-1", history));
    CHECK_FALSE(password_reused("Oldest-Pass-1", history, 2)); // beyond the depth
    CHECK_FALSE(password_reused("Brand-New-9", history));
    CHECK_FALSE(password_reused("Newest-Pass-3", {}));
}
