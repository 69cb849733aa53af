"""Gateway → backend over mutual TLS: the gateway presents its client certificate and
verifies the upstream's certificate (CA and name); any failure is a 502, never a request
sent to an unverified upstream."""
import os
import ssl
import unittest

from harness import EchoServer, GatewayTestCase, header_values, make_root_ca, route
from pki_tools import CaDb

SERVER_SAN = "DNS:localhost,IP:127.0.0.1"


def upstream_server_context(cert, client_ca):
    """A backend that requires a client certificate from client_ca."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(*cert)
    ctx.load_verify_locations(client_ca)
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


class UpstreamMutualTlsTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        demo = cls.make_demo()
        pki = os.path.join(cls.tmp, "upstream-pki")
        upstream_ca = make_root_ca(pki, "upstream-ca", "/O=Hospital/CN=Upstream CA")
        client_ca = make_root_ca(pki, "gateway-client-ca", "/O=Hospital/CN=Gateway Client CA")
        rogue_ca = make_root_ca(pki, "rogue-ca", "/O=Elsewhere/CN=Rogue CA")
        upstream_db = CaDb(os.path.join(pki, "upstream-db"), *upstream_ca)
        rogue_db = CaDb(os.path.join(pki, "rogue-db"), *rogue_ca)
        client_db = CaDb(os.path.join(pki, "client-db"), *client_ca)
        server_cert = upstream_db.issue("emr", "/CN=127.0.0.1", eku="serverAuth", san=SERVER_SAN)
        wrong_name = upstream_db.issue("wrong-name", "/CN=elsewhere.example", eku="serverAuth",
                                       san="DNS:elsewhere.example")
        rogue_cert = rogue_db.issue("rogue", "/CN=127.0.0.1", eku="serverAuth", san=SERVER_SAN)
        cls.gateway_client = client_db.issue("gateway-client", "/O=Hospital/CN=sekisho-gateway")
        untrusted_client = rogue_db.issue("untrusted-client", "/O=Elsewhere/CN=impostor")

        cls.emr = cls.start_backend(EchoServer(
            name="emr", ssl_context=upstream_server_context(server_cert, client_ca[0])))
        cls.rogue = cls.start_backend(EchoServer(
            name="rogue", ssl_context=upstream_server_context(rogue_cert, client_ca[0])))
        cls.misnamed = cls.start_backend(EchoServer(
            name="misnamed", ssl_context=upstream_server_context(wrong_name, client_ca[0])))

        def https(backend):
            return "https://127.0.0.1:%d" % backend.port
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("emr", https(cls.emr), path_prefix="/emr/"),
            route("rogue", https(cls.rogue), path_prefix="/rogue/"),
            route("misnamed", https(cls.misnamed), path_prefix="/misnamed/"),
            route("override", https(cls.rogue), path_prefix="/override/", upstream_tls={
                "ca": rogue_ca[0], "certificate": cls.gateway_client[0],
                "key": cls.gateway_client[1]}),
            route("impostor", https(cls.emr), path_prefix="/impostor/", upstream_tls={
                "ca": upstream_ca[0], "certificate": untrusted_client[0],
                "key": untrusted_client[1]}),
        ], upstream_tls={"ca": upstream_ca[0], "certificate": cls.gateway_client[0],
                         "key": cls.gateway_client[1]}))

    def assert_bad_gateway(self, path, backend):
        before = len(backend.snapshot())
        result = self.device_curl(path, timeout=120)
        self.assertEqual(result.status, 502, result.describe() + "\n" + self.log_tail())
        self.assertEqual(backend.snapshot()[before:], [],
                         "the request was sent to an upstream that failed verification")
        self.assertTrue(self.gateway.running(), self.log_tail())

    def test_gateway_client_certificate_reaches_upstream(self):
        result = self.device_curl("/emr/chart")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        seen = result.json()
        self.assertEqual(seen["backend"], "emr")
        subject = dict(item for rdn in seen["peer_cert"]["subject"] for item in rdn)
        self.assertEqual(subject.get("commonName"), "sekisho-gateway", seen["peer_cert"])
        self.assertEqual(header_values(seen, "X-Sekisho-Device"), [self.demo.fingerprint])
        self.assertEqual(len(header_values(seen, "X-Sekisho-Jwt-Assertion")), 1)

    def test_upstream_certificate_from_unknown_ca_gives_502(self):
        self.assert_bad_gateway("/rogue/chart", self.rogue)

    def test_upstream_certificate_for_another_name_gives_502(self):
        self.assert_bad_gateway("/misnamed/chart", self.misnamed)

    def test_route_upstream_tls_overrides_the_default(self):
        result = self.device_curl("/override/chart")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        self.assertEqual(result.json()["backend"], "rogue")

    def test_upstream_refusing_the_client_certificate_gives_502(self):
        self.assert_bad_gateway("/impostor/chart", self.emr)


if __name__ == "__main__":
    unittest.main()
