"""Routing by Host + path prefix, with the Host bound to the TLS SNI: no open relay, no
routing by a forged Host, and paths outside every prefix stay at the gateway."""
import unittest

from harness import EchoServer, GatewayTestCase, route


class HostRoutingTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.app = cls.start_backend(EchoServer(name="app"))
        cls.other = cls.start_backend(EchoServer(name="other"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.app.port)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("app", "http://127.0.0.1:%d" % cls.app.port, path_prefix="/app/",
                  hosts=["localhost"]),
            route("other", "http://127.0.0.1:%d" % cls.other.port, path_prefix="/",
                  hosts=["other.localhost"]),
        ]))

    def raw(self, sni, host, target="/app/x", extra=""):
        """A request whose SNI and Host header are set independently (the server
        certificate only names localhost, so hostname checking is off; the CA is still
        verified)."""
        request = "GET %s HTTP/1.1\r\nHost: %s\r\n%sConnection: close\r\n\r\n" % (
            target, host, extra) if host is not None else \
            "GET %s HTTP/1.1\r\n%sConnection: close\r\n\r\n" % (target, extra)
        response, conn = self.device_request(request.encode(), server_hostname=sni,
                                             check_hostname=False)
        if conn:
            conn.close()
        self.assertIsNotNone(response, "no response (SNI %s, Host %s)\n%s" % (
            sni, host, self.log_tail()))
        return response

    def assert_nothing_forwarded(self, action):
        before = (len(self.app.snapshot()), len(self.other.snapshot()))
        result = action()
        self.assertEqual((len(self.app.snapshot()), len(self.other.snapshot())), before,
                         "request reached an upstream: %r" % (result,))
        return result

    def test_matching_host_and_prefix_reach_the_route_upstream(self):
        result = self.device_curl("/app/page")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        self.assertEqual(result.json()["backend"], "app")
        self.assertEqual(result.json()["target"], "/app/page")

    def test_path_outside_every_prefix_gets_404(self):
        for path in ("/nope", "/application"):
            with self.subTest(path=path):
                result = self.assert_nothing_forwarded(lambda: self.device_curl(path))
                self.assertEqual(result.status, 404, result.describe())

    def test_unknown_host_gets_421(self):
        response = self.assert_nothing_forwarded(
            lambda: self.raw("localhost", "unknown.example"))
        self.assertEqual(response.status, 421, response)

    def test_unknown_host_with_matching_sni_is_not_routed(self):
        # Either a TLS-level refusal of the unknown SNI or 421 is fine; forwarding is not.
        def attempt():
            response, conn = self.device_request(
                b"GET / HTTP/1.1\r\nHost: unknown.example\r\nConnection: close\r\n\r\n",
                server_hostname="unknown.example", check_hostname=False)
            if conn:
                conn.close()
            return response
        response = self.assert_nothing_forwarded(attempt)
        if response is not None:
            self.assertEqual(response.status, 421, response)

    def test_curl_with_forged_host_header_gets_421(self):
        # curl sends SNI "localhost" (from the URL) but Host "other.localhost".
        result = self.assert_nothing_forwarded(
            lambda: self.device_curl("/app/x", headers=["Host: other.localhost"]))
        self.assertEqual(result.status, 421, result.describe())

    def test_host_of_another_route_than_sni_gets_421(self):
        response = self.assert_nothing_forwarded(lambda: self.raw("other.localhost",
                                                                  "localhost"))
        self.assertEqual(response.status, 421, response)

    def test_route_is_reached_when_sni_and_host_agree(self):
        response = self.raw("other.localhost", "other.localhost", target="/anything")
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.json()["backend"], "other")

    def test_missing_host_is_refused(self):
        response = self.assert_nothing_forwarded(lambda: self.raw("localhost", None))
        self.assertTrue(400 <= response.status < 500, response)

    def test_duplicate_host_headers_are_refused(self):
        response = self.assert_nothing_forwarded(
            lambda: self.raw("localhost", "localhost", extra="Host: other.localhost\r\n"))
        self.assertTrue(400 <= response.status < 500, response)


if __name__ == "__main__":
    unittest.main()
