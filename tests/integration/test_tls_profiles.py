"""TLS profiles as `openssl s_client` and curl see them: tls13 allows TLS 1.3 only;
tls12-high-security prefers 1.3 and allows 1.2 with ECDHE + AEAD suites only
(CRYPTREC high-security), never CBC, TLS 1.1 or TLS 1.0."""
import unittest

from harness import EchoServer, GatewayTestCase, header_values, route
from tls_clients import http_request, s_client

TLS13_SUITES = ("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                "TLS_CHACHA20_POLY1305_SHA256")
TLS12_AEAD_SUITES = ("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                     "ECDHE-ECDSA-CHACHA20-POLY1305")
# Old protocol versions need SECLEVEL=0 on the client, so the refusal is the server's.
LEGACY_CIPHERS = "DEFAULT@SECLEVEL=0"
# SSL_OP_NO_EXTENDED_MASTER_SECRET (OpenSSL 3): Python's ssl has no name for it, and
# `openssl s_client` no switch; set on a client context, the ClientHello omits RFC 7627.
OP_NO_EXTENDED_MASTER_SECRET = 1 << 0


class ProfileTestCase(GatewayTestCase):
    profile = None

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("demo", "http://127.0.0.1:%d" % cls.echo.port)],
            tls={"profile": cls.profile}))

    def connect(self, **kwargs):
        kwargs.setdefault("cert", self.demo.device_cert)
        kwargs.setdefault("key", self.demo.device_key)
        return s_client(self.listen_port, self.demo.ca_bundle, **kwargs)

    def assert_serves(self, protocol, expected_cipher=None, **kwargs):
        result = self.connect(**kwargs)
        self.assertEqual(result.http_status, 200, result.describe() + "\n" + self.log_tail())
        self.assertEqual(result.protocol, protocol, result.describe())
        if expected_cipher:
            self.assertEqual(result.cipher, expected_cipher, result.describe())

    def assert_refused(self, reason, **kwargs):
        before = self.gateway.metric("sekisho_tls_handshakes_refused_total",
                                     reason=reason) or 0
        seen_before = len(self.echo.snapshot())
        result = self.connect(**kwargs)
        self.assertIsNone(result.http_status, "expected a refused handshake, got a response:\n"
                          + result.describe() + "\n" + self.log_tail())
        self.gateway.wait_metric_at_least(before + 1, "sekisho_tls_handshakes_refused_total",
                                          reason=reason)
        self.assertEqual(self.echo.snapshot()[seen_before:], [])


class Tls13ProfileTest(ProfileTestCase):
    profile = "tls13"

    def test_each_tls13_suite_serves_requests(self):
        for suite in TLS13_SUITES:
            with self.subTest(suite=suite):
                self.assert_serves("TLSv1.3", suite, version="-tls1_3", ciphersuites=suite)

    def test_tls12_is_refused(self):
        self.assert_refused("protocol", version="-tls1_2")

    def test_tls11_is_refused(self):
        self.assert_refused("protocol", version="-tls1_1", cipher=LEGACY_CIPHERS)

    def test_tls10_is_refused(self):
        self.assert_refused("protocol", version="-tls1", cipher=LEGACY_CIPHERS)


class Tls12HighSecurityProfileTest(ProfileTestCase):
    profile = "tls12-high-security"

    def test_tls13_is_still_preferred(self):
        self.assert_serves("TLSv1.3")

    def test_tls12_with_ecdhe_aead_suites_serves_requests(self):
        for cipher in TLS12_AEAD_SUITES:
            with self.subTest(cipher=cipher):
                self.assert_serves("TLSv1.2", cipher, version="-tls1_2", cipher=cipher)

    def test_tls12_request_carries_device_identity(self):
        result = self.device_curl("/over-tls12", extra=["--tlsv1.2", "--tls-max", "1.2"])
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        self.assertEqual(header_values(result.json(), "X-Sekisho-Device"),
                         [self.demo.fingerprint])

    def test_tls12_cbc_suite_is_refused(self):
        self.assert_refused("cipher", version="-tls1_2", cipher="ECDHE-ECDSA-AES128-SHA256")

    def test_tls12_without_client_certificate_is_refused(self):
        self.assert_refused("no_certificate", version="-tls1_2", cert=None, key=None)

    def test_tls12_without_extended_master_secret_is_refused(self):
        # RFC 7627: without EMS a TLS 1.2 session can be synchronised by a man in the middle
        # (triple handshake); the CRYPTREC high-security profile requires it.
        reason = "no_extended_master_secret"
        before = self.gateway.metric("sekisho_tls_handshakes_refused_total", reason=reason) or 0
        offset = self.gateway.log_offset()
        seen_before = len(self.echo.snapshot())
        ctx = self.device_context(version="1.2")
        ctx.options |= OP_NO_EXTENDED_MASTER_SECRET
        response, conn = http_request(self.listen_port, ctx,
                                      b"GET /no-ems HTTP/1.1\r\nHost: localhost\r\n\r\n")
        if conn:
            conn.close()
        self.assertIsNone(response, "a TLS 1.2 client without EMS was served\n" + self.log_tail())
        self.gateway.wait_metric_at_least(before + 1, "sekisho_tls_handshakes_refused_total",
                                          reason=reason)
        self.gateway.wait_for_log(r"(?m)^(?=.*handshake\.refused)(?=.*\breason=%s\b)"
                                  r"(?=.*\bpeer=127\.0\.0\.1).*$" % reason, since=offset)
        self.assertEqual(self.echo.snapshot()[seen_before:], [])

    def test_tls11_is_refused(self):
        self.assert_refused("protocol", version="-tls1_1", cipher=LEGACY_CIPHERS)

    def test_tls10_is_refused(self):
        self.assert_refused("protocol", version="-tls1", cipher=LEGACY_CIPHERS)


if __name__ == "__main__":
    unittest.main()
