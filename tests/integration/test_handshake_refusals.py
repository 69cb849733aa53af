"""Terminals that must not get in: each refused at the TLS handshake, counted under its
reason in /metrics, logged with the peer address, and nothing reaches the backend."""
import os
import unittest

from harness import EchoServer, GatewayTestCase, make_root_ca, route
from pki_tools import CaDb, run_openssl
from tls_clients import s_client

DEVICE_SAN = "URI:urn:sekisho:device:demo-clinic:demo-terminal-01"


def refusal_log_pattern(reason):
    return (r"(?m)^(?=.*handshake\.refused)(?=.*\breason=%s\b)(?=.*\bpeer=127\.0\.0\.1).*$"
            % reason)


class HandshakeRefusalTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        device_ca = demo.device_ca(os.path.join(cls.tmp, "device-ca-db"))
        cls.expired = device_ca.issue("expired", "/O=demo-clinic/CN=expired-terminal",
                                      san=DEVICE_SAN, start="20200101000000Z",
                                      end="20210101000000Z")
        cls.server_auth_only = device_ca.issue("server-auth", "/O=demo-clinic/CN=wrong-eku",
                                               eku="serverAuth", san=DEVICE_SAN)
        cls.no_eku = device_ca.issue("no-eku", "/O=demo-clinic/CN=no-eku", eku=None,
                                     san=DEVICE_SAN)
        cls.revoked = device_ca.issue("revoked", "/O=demo-clinic/CN=revoked-terminal",
                                      san=DEVICE_SAN)
        device_ca.revoke(cls.revoked[0])
        crl = device_ca.gencrl(os.path.join(cls.tmp, "device-ca-with-revocation.crl"))
        # A look-alike: same subject as the demo terminal, but from a CA nobody configured.
        other_root = make_root_ca(os.path.join(cls.tmp, "other"), "other-root",
                                  "/O=demo-clinic/CN=Other Root")
        other_ca = CaDb(os.path.join(cls.tmp, "other-db"), *other_root)
        cls.foreign = other_ca.issue("foreign", "/O=demo-clinic/CN=demo-terminal-01",
                                     san=DEVICE_SAN)
        cls.forged = cls.forge_revoked(demo, cls.revoked[0])
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("demo", "http://127.0.0.1:%d" % cls.echo.port)],
            tls={"crl": [crl, demo.path("root-ca.crl")]}))

    @classmethod
    def forge_revoked(cls, demo, revoked_cert):
        """A certificate anyone can make from the public CRL: the revoked serial, our issuing
        CA's name, another facility in the subject — signed by a key of the forger's own."""
        directory = os.path.join(cls.tmp, "forger")
        issuer = run_openssl(["x509", "-in", demo.path("device-ca.crt"), "-noout", "-subject", "-nameopt", "compat"])
        fake_ca = make_root_ca(directory, "fake-ca", issuer.decode().strip()[len("subject="):])
        serial = run_openssl(["x509", "-in", revoked_cert, "-noout", "-serial"]).decode().strip().split("=")[1]
        key, csr, cert = (os.path.join(directory, n) for n in ("forged.key", "forged.csr", "forged.crt"))
        run_openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", key, "-out", csr, "-subj", "/O=victim-hospital/CN=attacker-chosen text"])
        ext = os.path.join(directory, "ext.cnf")
        with open(ext, "w") as f:
            # No key identifiers: they would name the forger's key and keep the chain apart.
            f.write("extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n"
                    "authorityKeyIdentifier=none\nsubjectKeyIdentifier=none\n")
        run_openssl(["x509", "-req", "-in", csr, "-CA", fake_ca[0], "-CAkey", fake_ca[1], "-set_serial",
                     "0x" + serial, "-days", "30", "-extfile", ext, "-out", cert])
        return cert, key

    def refusals(self, reason):
        return self.gateway.metric("sekisho_tls_handshakes_refused_total", reason=reason) or 0

    def assert_refused(self, reason, attempt):
        """attempt() → (got_http_response: bool, description)."""
        before = self.refusals(reason)
        offset = self.gateway.log_offset()
        seen_before = len(self.echo.snapshot())
        got_response, description = attempt()
        self.assertFalse(got_response, "expected the handshake to be refused (%s), but an "
                         "HTTP response came back:\n%s\n%s" % (reason, description,
                                                               self.log_tail()))
        self.gateway.wait_metric_at_least(before + 1, "sekisho_tls_handshakes_refused_total",
                                          reason=reason)
        self.gateway.wait_for_log(refusal_log_pattern(reason), since=offset)
        self.assertEqual(self.echo.snapshot()[seen_before:], [],
                         "a refused terminal's request reached the backend")

    def curl_with(self, cert_and_key):
        def attempt():
            cert, key = cert_and_key if cert_and_key else (None, None)
            result = self.device_curl("/", cert=cert, key=key)
            return result.status != 0, result.describe()
        return attempt

    def test_valid_demo_terminal_is_accepted(self):
        result = self.device_curl("/")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())

    def test_no_client_certificate_is_refused(self):
        self.assert_refused("no_certificate", self.curl_with(None))

    def test_certificate_from_another_ca_is_refused(self):
        self.assert_refused("unknown_ca", self.curl_with(self.foreign))

    def test_expired_certificate_is_refused(self):
        self.assert_refused("expired", self.curl_with(self.expired))

    def test_revoked_certificate_is_refused(self):
        self.assert_refused("revoked", self.curl_with(self.revoked))

    def test_a_forged_certificate_with_a_revoked_serial_is_no_lost_terminal(self):
        # OpenSSL finds the serial on the CRL before it checks a signature; counted and logged
        # as what it is (once a minute per source), never as our revoked terminal.
        revoked_before = self.refusals("revoked")
        offset = self.gateway.log_offset()
        self.assert_refused("unknown_ca", self.curl_with(self.forged))
        self.gateway.wait_for_log(r"handshake\.refused reason=unknown_ca .*forged", since=offset)
        self.assertEqual(self.refusals("revoked"), revoked_before)

    def test_certificate_with_only_server_auth_is_refused(self):
        self.assert_refused("wrong_key_usage", self.curl_with(self.server_auth_only))

    def test_certificate_without_extended_key_usage_is_refused(self):
        self.assert_refused("wrong_key_usage", self.curl_with(self.no_eku))

    def test_tls12_client_is_refused_under_tls13_profile(self):
        def attempt():
            result = s_client(self.listen_port, self.demo.ca_bundle, self.demo.device_cert,
                              self.demo.device_key, version="-tls1_2")
            return result.http_status is not None, result.describe()
        self.assert_refused("protocol", attempt)


if __name__ == "__main__":
    unittest.main()
