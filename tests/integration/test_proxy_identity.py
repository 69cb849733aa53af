"""The demo environment end to end: the terminal certificate gets through TLS 1.3, the demo
user logs in, the backend receives the device and user identity and a signed assertion it
can verify, and nothing a client sends can forge that identity."""
import os
import time
import unittest

from harness import (REFUSAL_REASONS, EchoServer, GatewayTestCase, header_values,
                     metric_value, rewrite_listen_ports)
from pki_tools import decode_jws, tamper_payload, verify_es256
from tls_clients import open_tls


class ProxyIdentityTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        # The demo's own sekisho.yaml, only the ports changed: demo init must be usable as is.
        rewrite_listen_ports(cls.demo.config_path, cls.listen_port, cls.admin_port)
        cls.start_gateway(cls.demo.config_path)
        cls.initial_metrics = cls.gateway.metrics()
        result, cls.session_jar = cls.api_login()
        if result.status != 200:
            raise AssertionError("demo user login failed: " + result.describe() + "\n" + cls.gateway.log_tail())
        cls.cookie = cls.session_cookie(cls.session_jar)

    def last_record_for(self, target):
        for record in reversed(self.echo.snapshot()):
            if record["target"] == target:
                return record
        self.fail("backend never received %s; it saw %r\n%s" % (
            target, [r["target"] for r in self.echo.snapshot()], self.log_tail()))

    def fetch_assertion(self, target):
        result = self.device_curl(target)
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        tokens = header_values(self.last_record_for(target), "X-Sekisho-Jwt-Assertion")
        self.assertEqual(len(tokens), 1, "want exactly one assertion header, got %r" % tokens)
        return tokens[0]

    def jwks(self):
        result = self.device_curl("/_sekisho/jwks.json")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        keys = result.json().get("keys")
        self.assertTrue(keys, "JWKS has no keys: %r" % result.body)
        return result.json()

    def jwk_for(self, token):
        header = decode_jws(token)[0]
        for key in self.jwks()["keys"]:
            if key.get("kid") == header.get("kid"):
                return key
        self.fail("no JWKS key with kid %r: %r" % (header.get("kid"), self.jwks()))

    def test_demo_json_describes_the_environment(self):
        info = self.demo.info
        self.assertEqual(info["gateway_url"], "https://localhost:%d/" % self.listen_port)
        self.assertEqual(info["facility"], "demo-clinic")
        for key in ("config", "ca_bundle", "admin_url", "registry", "audit_log"):
            self.assertIn(key, info)
        self.assertEqual(info["dashboard_url"], info["admin_url"] + "dashboard")
        self.assertEqual(info["enroll_url"], "https://localhost:%d/enroll" % (self.listen_port + 1))
        self.assertEqual(info["issuing_ca"], self.demo.path("device-ca.crt"))
        for key in ("cert", "key", "p12", "p12_password"):
            self.assertIn(key, info["device"])
        for name in ("root-ca.crt", "device-ca.crt", "device-ca-bundle.pem", "device-ca.crl",
                     "root-ca.crl", "server.crt", "server.key", "assertion.key"):
            self.assertTrue(os.path.exists(self.demo.path(name)), name)

    def test_device_request_reaches_backend_with_identity_headers(self):
        result = self.device_curl("/hello?x=1")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        seen = result.json()
        self.assertEqual(seen["target"], "/hello?x=1")
        self.assertEqual(header_values(seen, "X-Sekisho-Device"), [self.demo.fingerprint],
                         "X-Sekisho-Device must be the SHA-256 of the client certificate DER")
        self.assertEqual(header_values(seen, "X-Sekisho-Facility"), ["demo-clinic"])
        self.assertEqual(header_values(seen, "X-Forwarded-For"), ["127.0.0.1"])
        self.assertEqual(header_values(seen, "X-Forwarded-Proto"), ["https"])
        self.assertEqual(header_values(seen, "X-Sekisho-User"), ["demo.nurse"])
        self.assertEqual(header_values(seen, "X-Sekisho-Roles"), ["nurse"])
        self.assertRegex(header_values(seen, "X-Sekisho-Session")[0], r"^[0-9a-f]{32}$")

    def test_session_cookie_never_reaches_the_backend(self):
        result = self.device_curl("/cookies", headers=["Cookie: app=kept; other=also"])
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        cookies = "; ".join(header_values(result.json(), "Cookie"))
        self.assertIn("app=kept", cookies)
        self.assertIn("other=also", cookies)
        self.assertNotIn("__Host-sekisho", cookies)
        self.assertNotIn(self.cookie, cookies)
        session_ref = header_values(result.json(), "X-Sekisho-Session")[0]
        self.assertNotIn(session_ref, self.cookie)

    def test_without_login_the_browser_is_sent_to_the_login_page(self):
        result = self.device_curl("/private?x=1", cookie_jar=None)
        self.assertEqual(result.status, 302, result.describe())
        self.assertEqual(result.header("Location"), ["/_sekisho/login?next=%2Fprivate%3Fx%3D1"])
        api = self.device_curl("/private", cookie_jar=None, headers=["Accept: application/json"])
        self.assertEqual(api.status, 401, api.describe())
        self.assertEqual(api.json(), {"error": "login_required"})

    def test_assertion_is_an_es256_jws_that_verifies_against_the_jwks(self):
        token = self.fetch_assertion("/assertion")
        header, claims, _, _ = decode_jws(token)
        self.assertEqual(header.get("alg"), "ES256", header)
        jwk = self.jwk_for(token)
        self.assertTrue(verify_es256(token, jwk, os.path.join(self.tmp, "jws")),
                        "assertion does not verify against JWKS key %r: %s" % (jwk, token))
        self.assertEqual(claims.get("iss"), "sekisho", claims)
        self.assertIn(claims.get("aud"), ("demo", ["demo"]), "aud must be the route name")
        self.assertEqual(claims.get("device"), self.demo.fingerprint, claims)
        self.assertEqual(claims.get("facility"), "demo-clinic", claims)
        self.assertIsInstance(claims.get("iat"), int, claims)
        self.assertIsInstance(claims.get("exp"), int, claims)
        self.assertGreater(claims["exp"], claims["iat"], claims)
        self.assertLessEqual(claims["exp"] - claims["iat"], 60, claims)
        self.assertLess(abs(claims["iat"] - time.time()), 600, "iat is not the current time")
        self.assertEqual(claims.get("sub"), "demo.nurse", claims)
        self.assertEqual(claims.get("roles"), ["nurse"], claims)
        self.assertEqual(claims.get("user_facility"), "demo-clinic", claims)
        self.assertRegex(claims.get("sid", ""), r"^[0-9a-f]{32}$")

    def test_tampered_assertion_fails_verification(self):
        token = self.fetch_assertion("/tamper")
        jwk = self.jwk_for(token)
        forged = tamper_payload(token, facility="other-clinic")
        self.assertFalse(verify_es256(forged, jwk, os.path.join(self.tmp, "jws")),
                         "a payload changed after signing must not verify")

    def test_admin_listener_serves_the_same_jwks(self):
        from harness import admin_get
        import json
        status, body = admin_get(self.admin_port, "/_sekisho/jwks.json")
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), self.jwks())

    def test_forged_inbound_identity_headers_never_reach_backend(self):
        result = self.device_curl("/forged", headers=[
            "X-Sekisho-User: admin", "X-Sekisho-Device: forged-device",
            "X-Sekisho-Facility: other-clinic", "x-sekisho-roles: superuser",
            "X-Sekisho-Jwt-Assertion: forged.forged.forged",
            # CGI/WSGI/PHP-FPM read these as HTTP_X_SEKISHO_USER and HTTP_X_FORWARDED_FOR.
            "X_Sekisho_User: admin", "X_Forwarded_For: 1.2.3.4"])
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        seen = result.json()
        for name in ("X_Sekisho_User", "X_Forwarded_For"):
            self.assertEqual(header_values(seen, name), [],
                             "%s reached the backend: %r" % (name, seen["headers"]))
        self.assertNotIn("1.2.3.4", [v for _, v in seen["headers"]])
        self.assertEqual(header_values(seen, "X-Sekisho-User"), ["demo.nurse"], seen["headers"])
        self.assertEqual(header_values(seen, "X-Sekisho-Roles"), ["nurse"], seen["headers"])
        self.assertEqual(header_values(seen, "X-Sekisho-Device"), [self.demo.fingerprint])
        self.assertEqual(header_values(seen, "X-Sekisho-Facility"), ["demo-clinic"])
        self.assertNotIn("forged.forged.forged",
                         header_values(seen, "X-Sekisho-Jwt-Assertion"))

    def test_client_claims_about_url_and_address_never_reach_backend(self):
        # IIS/ASP.NET and Symfony route by X-Original-URL / X-Rewrite-URL (past our route's
        # roles); frameworks take the caller's address or host from the others.
        forged = {"X-Original-URL": "/admin/users", "X-Rewrite-URL": "/admin/users",
                  "X-Real-IP": "10.9.9.9", "True-Client-IP": "10.9.9.9",
                  "X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "/admin",
                  "X-Forwarded-Port": "8080"}
        result = self.device_curl("/claims", headers=["%s: %s" % kv for kv in forged.items()])
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        seen = result.json()
        for name in forged:
            if name == "X-Forwarded-Host":
                self.assertEqual(header_values(seen, name), ["localhost:%d" % self.gateway.port],
                                 seen["headers"])
            else:
                self.assertEqual(header_values(seen, name), [],
                                 "%s reached the backend: %r" % (name, seen["headers"]))

    def test_hop_by_hop_headers_are_not_forwarded(self):
        request = ("GET /hop HTTP/1.1\r\nHost: localhost:%d\r\n"
                   "Connection: keep-alive, X-Custom-Hop\r\nX-Custom-Hop: secret\r\n"
                   "Keep-Alive: timeout=5\r\nTE: deflate\r\n"
                   "Proxy-Authorization: Basic Zm9vOmJhcg==\r\nProxy-Connection: keep-alive\r\n"
                   "Cookie: __Host-sekisho=%s\r\n"
                   "X-End-To-End: kept\r\n\r\n" % (self.listen_port, self.cookie)).encode()
        response, conn = self.device_request(request)
        self.addCleanup(lambda: conn and conn.close())
        self.assertIsNotNone(response, "no response\n" + self.log_tail())
        self.assertEqual(response.status, 200, response)
        seen = response.json()
        self.assertEqual(header_values(seen, "X-End-To-End"), ["kept"])
        for name in ("X-Custom-Hop", "Keep-Alive", "TE", "Proxy-Authorization",
                     "Proxy-Connection"):
            self.assertEqual(header_values(seen, name), [],
                             "hop-by-hop header %s was forwarded: %r" % (name, seen["headers"]))
        for value in header_values(seen, "Connection"):
            self.assertNotIn("x-custom-hop", value.lower())

    def test_reserved_prefix_is_answered_by_gateway_not_proxied(self):
        before = len(self.echo.snapshot())
        result = self.device_curl("/_sekisho/anything-unknown")
        self.assertEqual(result.status, 404, result.describe() + "\n" + self.log_tail())
        after = self.echo.snapshot()[before:]
        self.assertEqual([r["target"] for r in after if r["target"].startswith("/_sekisho")],
                         [], "a /_sekisho/ path reached the backend")

    def test_two_requests_on_one_keep_alive_connection(self):
        conn = open_tls(self.listen_port, self.device_context())
        self.addCleanup(conn.close)
        for target in ("/first", "/second"):
            conn.send(("GET %s HTTP/1.1\r\nHost: localhost\r\nCookie: __Host-sekisho=%s\r\n\r\n"
                       % (target, self.cookie)).encode())
            response = conn.read_response()
            self.assertIsNotNone(response, "no response for %s on a reused connection (%r)\n%s"
                                 % (target, conn.error, self.log_tail()))
            self.assertEqual(response.status, 200, response)
            self.assertEqual(response.json()["target"], target)

    def test_browser_pkcs12_from_demo_is_accepted(self):
        device = self.demo.info["device"]
        p12 = device["p12"] if os.path.isabs(device["p12"]) else os.path.join(
            self.demo.dir, device["p12"])
        result = self.device_curl("/p12", cert="%s:%s" % (p12, device["p12_password"]),
                                  key=None, cert_type="P12")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        self.assertEqual(header_values(result.json(), "X-Sekisho-Device"),
                         [self.demo.fingerprint])

    def test_metrics_export_every_refusal_reason_and_count_full_handshakes(self):
        for reason in REFUSAL_REASONS:
            self.assertEqual(metric_value(self.initial_metrics,
                                          "sekisho_tls_handshakes_refused_total",
                                          reason=reason), 0,
                             "refusal counter for %s missing or non-zero at start" % reason)
        before = self.gateway.metric("sekisho_tls_handshakes_total", resumed="false") or 0
        result = self.device_curl("/counted")
        self.assertEqual(result.status, 200, result.describe())
        self.gateway.wait_metric_at_least(before + 1, "sekisho_tls_handshakes_total",
                                          resumed="false")


if __name__ == "__main__":
    unittest.main()
