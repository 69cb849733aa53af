#include "gateway/upstream/identity.hpp"

#include <catch2/catch.hpp>

using namespace sekisho::gateway;

TEST_CASE("inbound identity and hop-by-hop headers never reach the upstream") {
    Request req{http::verb::post, "/x", 11};
    req.set(http::field::host, "localhost");
    req.set("X-Sekisho-User", "admin");
    req.set("x-sekisho-device", "forged");
    req.set("X-SEKISHO-ROLES", "root");
    req.set(http::field::connection, "keep-alive, X-Secret");
    req.set("X-Secret", "hop");
    req.set(http::field::keep_alive, "timeout=5");
    req.set(http::field::te, "trailers");
    req.set(http::field::proxy_authorization, "Basic abc");
    req.set(http::field::forwarded, "for=10.0.0.1");
    req.set("X-Forwarded-For", "10.0.0.1");
    req.set(http::field::upgrade, "h2c");
    req.body() = "hello";

    ClientIdentity id{"ab12", "clinic-a", "CN=t", "1a"};
    rewrite_for_upstream(req, id, nullptr, "127.0.0.1", "jws.token.sig", false, "p-1-1");

    CHECK(req["X-Sekisho-Device"] == "ab12");
    CHECK(req["X-Sekisho-Facility"] == "clinic-a");
    CHECK(req["X-Sekisho-Jwt-Assertion"] == "jws.token.sig");
    CHECK(req.count("X-Sekisho-User") == 0);
    CHECK(req.count("X-Sekisho-Roles") == 0);
    CHECK(req.count("X-Sekisho-Device") == 1);
    CHECK(req.count("X-Secret") == 0);
    CHECK(req.count(http::field::connection) == 0);
    CHECK(req.count(http::field::keep_alive) == 0);
    CHECK(req.count(http::field::te) == 0);
    CHECK(req.count(http::field::proxy_authorization) == 0);
    CHECK(req.count(http::field::forwarded) == 0);
    CHECK(req.count(http::field::upgrade) == 0);
    CHECK(req["X-Forwarded-For"] == "127.0.0.1");
    CHECK(req["X-Forwarded-Proto"] == "https");
    CHECK(req[http::field::content_length] == "5");
}

TEST_CASE("header names with an underscore never reach the upstream: CGI reads them as ours") {
    Request req{http::verb::get, "/x", 11};
    req.set(http::field::host, "localhost");
    req.set("X_Sekisho_User", "admin");
    req.set("x_sekisho_roles", "root");
    req.set("X_Forwarded_For", "1.2.3.4");
    req.set("Some_Other_Header", "1");
    req.set("X-Plain-Header", "kept");
    req.set("X-Request-Id", "chosen-by-the-client");
    UserIdentity user{"demo.nurse", "Demo Nurse", "clinic-a", {"nurse"}, "ref"};
    rewrite_for_upstream(req, ClientIdentity{"d", "f", "s", "1a"}, &user, "127.0.0.1", "a.b.c", false, "0a1b-2c-3");

    for (const auto& f : req) {
        INFO(f.name_string());
        CHECK(f.name_string().find('_') == std::string_view::npos);
    }
    CHECK(req.count("X_Sekisho_User") == 0);
    CHECK(req.count("X_Forwarded_For") == 0);
    CHECK(req.count("Some_Other_Header") == 0);
    CHECK(req["X-Sekisho-User"] == "demo.nurse");
    CHECK(req["X-Sekisho-Roles"] == "nurse");
    CHECK(req["X-Forwarded-For"] == "127.0.0.1");
    CHECK(req["X-Plain-Header"] == "kept");
    CHECK(req.count("X-Request-Id") == 1);
    CHECK(req["X-Request-Id"] == "0a1b-2c-3"); // the gateway's id, as in the audit trail
}

TEST_CASE("a WebSocket upgrade keeps exactly its upgrade fields") {
    Request req{http::verb::get, "/ws", 11};
    req.set(http::field::host, "localhost");
    req.set(http::field::connection, "Upgrade, X-Other");
    req.set(http::field::upgrade, "websocket");
    req.set("X-Other", "1");
    rewrite_for_upstream(req, ClientIdentity{"d", "f", "s", "1a"}, nullptr, "127.0.0.1", "a.b.c", true, "0a1b-2c-4");
    CHECK(req[http::field::upgrade] == "websocket");
    CHECK(req[http::field::connection] == "upgrade");
    CHECK(req.count("X-Other") == 0);
}
