#include "pki/ca.hpp"
#include "pki/jws.hpp"
#include "pki/key_store.hpp"
#include "pki/pem_io.hpp"
#include "pki/pkcs11_uri.hpp"
#include "pki_test_support.hpp"

#include <catch2/catch.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>

using namespace sekisho::pki;

namespace {

// Signs data with key and verifies it with a software copy of the public half only.
bool signs_verifiably(EVP_PKEY* key) {
    const std::string data = "sekisho pkcs11 test";
    using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX_free>>;
    MdCtxPtr sign_ctx(EVP_MD_CTX_new());
    unsigned char sig[512];
    std::size_t sig_len = sizeof sig;
    if (EVP_DigestSignInit(sign_ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(sign_ctx.get(), sig, &sig_len, reinterpret_cast<const unsigned char*>(data.data()),
                       data.size()) != 1) {
        FAIL("signing failed: " << take_openssl_errors());
    }
    unsigned char* der = nullptr;
    int der_len = i2d_PUBKEY(key, &der);
    REQUIRE(der_len > 0);
    const unsigned char* p = der;
    EvpPkeyPtr public_key(d2i_PUBKEY(nullptr, &p, der_len));
    OPENSSL_free(der);
    REQUIRE(public_key);
    MdCtxPtr verify_ctx(EVP_MD_CTX_new());
    REQUIRE(EVP_DigestVerifyInit(verify_ctx.get(), nullptr, EVP_sha256(), nullptr, public_key.get()) == 1);
    return EVP_DigestVerify(verify_ctx.get(), sig, sig_len, reinterpret_cast<const unsigned char*>(data.data()),
                            data.size()) == 1;
}

// A TLS 1.3 handshake in memory: the server proves possession of server_key (which signs
// the CertificateVerify), the client checks the server certificate against root.
bool tls_handshake_succeeds(X509* server_cert, EVP_PKEY* server_key, X509* root) {
    using SslCtxPtr = std::unique_ptr<SSL_CTX, OsslDeleter<SSL_CTX_free>>;
    using SslPtr = std::unique_ptr<SSL, OsslDeleter<SSL_free>>;
    SslCtxPtr server_ctx(SSL_CTX_new(TLS_server_method()));
    SslCtxPtr client_ctx(SSL_CTX_new(TLS_client_method()));
    REQUIRE(SSL_CTX_use_certificate(server_ctx.get(), server_cert) == 1);
    REQUIRE(SSL_CTX_use_PrivateKey(server_ctx.get(), server_key) == 1);
    REQUIRE(SSL_CTX_check_private_key(server_ctx.get()) == 1);
    SSL_CTX_set_min_proto_version(server_ctx.get(), TLS1_3_VERSION);
    REQUIRE(X509_STORE_add_cert(SSL_CTX_get_cert_store(client_ctx.get()), root) == 1);
    SSL_CTX_set_verify(client_ctx.get(), SSL_VERIFY_PEER, nullptr);

    SslPtr server(SSL_new(server_ctx.get()));
    SslPtr client(SSL_new(client_ctx.get()));
    BIO* server_bio = nullptr;
    BIO* client_bio = nullptr;
    REQUIRE(BIO_new_bio_pair(&server_bio, 0, &client_bio, 0) == 1);
    SSL_set_bio(server.get(), server_bio, server_bio);
    SSL_set_bio(client.get(), client_bio, client_bio);
    SSL_set_accept_state(server.get());
    SSL_set_connect_state(client.get());
    bool client_done = false;
    bool server_done = false;
    for (int round = 0; round < 20 && !(client_done && server_done); ++round) {
        if (!client_done) client_done = SSL_do_handshake(client.get()) == 1;
        if (!server_done) server_done = SSL_do_handshake(server.get()) == 1;
    }
    const bool ok = client_done && server_done && SSL_get_verify_result(client.get()) == X509_V_OK &&
                    SSL_version(client.get()) == TLS1_3_VERSION;
    if (!ok) WARN("handshake failed: " << take_openssl_errors());
    return ok;
}

std::string find_softhsm_module() {
    for (const char* path : {"/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"}) {
        if (::access(path, R_OK) == 0) return path;
    }
    return "";
}

// A SoftHSM2 token "T" (user PIN 1234) with an EC P-256 key pair "server" (id 01), in a
// temporary token folder selected through SOFTHSM2_CONF. Created once for the test run.
struct SoftHsmToken {
    test::TempDir dir;
    std::string module = find_softhsm_module();
    bool ready = false;
    std::string problem;

    SoftHsmToken() {
        if (module.empty()) {
            problem = "libsofthsm2.so not found";
            return;
        }
        std::filesystem::create_directory(dir.path() / "tokens");
        std::ofstream(dir.file("softhsm2.conf")) << "directories.tokendir = " << dir.file("tokens")
                                                 << "\nobjectstore.backend = file\nlog.level = ERROR\n";
        ::setenv("SOFTHSM2_CONF", dir.file("softhsm2.conf").c_str(), 1);
        if (test::run_command("softhsm2-util --init-token --free --label T --so-pin 5678 --pin 1234 "
                              ">/dev/null 2>&1").status != 0) {
            problem = "softhsm2-util --init-token failed";
            return;
        }
        if (test::run_command("pkcs11-tool --module " + module + " --login --pin 1234 --token-label T "
                              "--keypairgen --key-type EC:prime256v1 --label server --id 01 >/dev/null 2>&1")
                .status != 0) {
            problem = "pkcs11-tool --keypairgen failed";
            return;
        }
        ready = true;
    }
};

SoftHsmToken& softhsm_token() {
    static SoftHsmToken token;
    return token;
}

} // namespace

TEST_CASE("PEM private keys load; errors name the file", "[pki][key_store]") {
    test::TempDir dir;
    EvpPkeyPtr generated = generate_key();
    write_private_key_pem(dir.file("k.pem"), generated.get());
    struct stat st {};
    REQUIRE(::stat(dir.file("k.pem").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    PrivateKey key = load_private_key(dir.file("k.pem"));
    REQUIRE(key);
    CHECK_FALSE(key.in_hardware());
    CHECK(EVP_PKEY_eq(key.get(), generated.get()) == 1);
    CHECK(signs_verifiably(key.get()));

    CHECK_THROWS_WITH(load_private_key(dir.file("missing.pem")), Catch::Contains(dir.file("missing.pem")));
    write_file(dir.file("junk.pem"), "junk\n");
    CHECK_THROWS_WITH(load_private_key(dir.file("junk.pem")), Catch::Contains(dir.file("junk.pem")));
}

TEST_CASE("pkcs11: URIs are parsed, percent-decoded and masked", "[pki][key_store]") {
    CHECK(is_pkcs11_uri("pkcs11:token=T"));
    CHECK_FALSE(is_pkcs11_uri("/etc/sekisho/server.key"));
    CHECK(percent_decode("a%20b%2F%41") == "a b/A");
    CHECK_THROWS(percent_decode("bad%2"));
    CHECK_THROWS(percent_decode("bad%zz"));

    Pkcs11Uri uri = parse_pkcs11_uri(
        "pkcs11:token=My%20Token;object=server;id=%01%a0;type=private?pin-value=12%334&module-path=/m.so");
    CHECK(uri.token == "My Token");
    CHECK(uri.object == "server");
    CHECK(uri.id == std::string("\x01\xa0", 2));
    CHECK(uri.pin_value == "1234");
    CHECK(uri.module_path == "/m.so");
    // Masked up to the next ';' or the end, whatever the value holds: over-masking costs a
    // module-path in an error message, under-masking a PIN.
    CHECK(uri.masked == "pkcs11:token=My%20Token;object=server;id=%01%a0;type=private?pin-value=***");

    CHECK(parse_pkcs11_uri("pkcs11:object=k;pin-source=file:/run/pin").pin_source == "/run/pin");
    CHECK_THROWS_WITH(parse_pkcs11_uri("pkcs11:object=k;type=cert;pin-value=4321"),
                      Catch::Contains("type=private") && !Catch::Contains("4321"));
    CHECK_THROWS_WITH(parse_pkcs11_uri("pkcs11:object=a;object=b"), Catch::Contains("given twice"));
}

TEST_CASE("pkcs11: no part of a PIN reaches a message, whatever its case or characters", "[pki][key_store]") {
    // RFC 3986: the scheme is case-insensitive; "PKCS11:" taken for a file name would put the
    // whole URI, PIN included, into the "cannot open private key file" message.
    CHECK(is_pkcs11_uri("PKCS11:token=T"));
    CHECK(is_pkcs11_uri("Pkcs11:token=T"));
    CHECK_FALSE(is_pkcs11_uri("pkcs11-keys/server.pem"));
    const auto uri = parse_pkcs11_uri("PKCS11:token=T;pin-value=se&cr?et;object=k");
    CHECK(uri.token == "T");
    CHECK(uri.masked == "PKCS11:token=T;pin-value=***;object=k");
    CHECK(parse_pkcs11_uri("pkcs11:token=T;pin-value=secret&x").masked == "pkcs11:token=T;pin-value=***");
    for (const std::string spec : {"PKCS11:token=none;object=k;pin-value=secret&x", "pkcs11:token=none;pin-value=secret?x",
                                   "pkcs11:token=none;pin-value=secret&x;object=k"}) {
        INFO(spec);
        CHECK_THROWS_WITH(load_private_key(spec), !Catch::Contains("secret") && !Catch::Contains("x;") &&
                                                      Catch::Contains("pin-value=***"));
        CHECK_THROWS_WITH(load_private_key(spec, "/nonexistent/libpkcs11.so"),
                          !Catch::Contains("secret") && Catch::Contains("pin-value=***"));
    }
}

TEST_CASE("pkcs11: a SoftHSM2 key loads through libp11 and signs", "[pki][key_store][softhsm]") {
    SoftHsmToken& token = softhsm_token();
    if (!token.ready) {
        WARN("SoftHSM2 test skipped: " << token.problem);
        return;
    }

    SECTION("token + object + pin-value; usable for raw signing, ES256 and as a CA key") {
        PrivateKey key = load_private_key("pkcs11:token=T;object=server;type=private;pin-value=1234", token.module);
        REQUIRE(key);
        CHECK(key.in_hardware());
        CHECK(signs_verifiably(key.get()));

        // The gateway's use: the token key as a TLS server key, signed for by a software CA.
        EvpPkeyPtr ca_key = generate_key();
        X509Ptr root = create_root_ca(ca_key.get(), {"Soft Root", "", Validity::days_from_now(1), std::nullopt, ""});
        CertificateProfile server_profile;
        server_profile.common_name = "localhost";
        server_profile.dns_names = {"localhost"};
        server_profile.server_auth = true;
        server_profile.validity = Validity::days_from_now(1);
        X509Ptr server_cert = issue_certificate(key.get(), server_profile, {root.get(), ca_key.get()});
        CHECK(tls_handshake_succeeds(server_cert.get(), key.get(), root.get()));

        Es256Signer signer(std::move(key));
        CHECK(signer.sign(R"({"sub":"x"})").size() > 100);

        PrivateKey hsm_ca_key = load_private_key("pkcs11:token=T;id=%01?pin-value=1234", token.module);
        X509Ptr hsm_root = create_root_ca(hsm_ca_key.get(), {"HSM Root", "", Validity::days_from_now(1), std::nullopt, ""});
        CHECK(X509_verify(hsm_root.get(), X509_get0_pubkey(hsm_root.get())) == 1);
    }
    SECTION("pin-source file") {
        write_file(token.dir.file("pin"), "1234\n", 0600);
        PrivateKey key = load_private_key("pkcs11:token=T;object=server;pin-source=file:" + token.dir.file("pin"),
                                          token.module);
        CHECK(signs_verifiably(key.get()));
    }
    SECTION("a key assigned over another is released in a safe order") {
        PrivateKey key = load_private_key("pkcs11:token=T;object=server;pin-value=1234", token.module);
        key = load_private_key("pkcs11:token=T;id=%01;pin-value=1234", token.module);
        CHECK(signs_verifiably(key.get()));
        key = PrivateKey();
        CHECK_FALSE(key);
    }
    SECTION("errors mask the PIN and say what is wrong") {
        CHECK_THROWS_WITH(load_private_key("pkcs11:token=T;object=server;pin-value=9999", token.module),
                          Catch::Contains("pin-value=***") && Catch::Contains("PIN") && !Catch::Contains("9999"));
        CHECK_THROWS_WITH(load_private_key("pkcs11:token=T;object=nope;pin-value=1234", token.module),
                          Catch::Contains("no matching private key") && Catch::Contains("server") &&
                              !Catch::Contains("1234"));
        CHECK_THROWS_WITH(load_private_key("pkcs11:token=Other;pin-value=1234", token.module),
                          Catch::Contains("no initialized token"));
        CHECK_THROWS_WITH(load_private_key("pkcs11:token=T;object=server", token.module),
                          Catch::Contains("needs a PIN"));
        CHECK_THROWS_WITH(load_private_key("pkcs11:token=T;object=server;pin-value=1234"),
                          Catch::Contains("no PKCS#11 module"));
        ERR_clear_error();
    }
}
