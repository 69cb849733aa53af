"""An upstream that is down, silent or broken gives the terminal a prompt 502/504 with a
short plain-text page, never a hang, and the gateway keeps serving everything else."""
import unittest

from backends import SilentAfterFirstBackend
from harness import (EchoServer, GarbageBackend, GatewayTestCase, SilentBackend, free_port,
                     route)
from tls_clients import open_tls


class UpstreamFailureTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        cls.silent = cls.start_backend(SilentBackend())
        cls.garbage = cls.start_backend(GarbageBackend())
        cls.tiring = cls.start_backend(SilentAfterFirstBackend())
        closed_port = free_port()  # nothing listens there
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        # Specific prefixes first, "/" last: right under first-match and longest-match.
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("down", "http://127.0.0.1:%d" % closed_port, path_prefix="/down/"),
            route("silent", "http://127.0.0.1:%d" % cls.silent.port, path_prefix="/silent/"),
            route("garbage", "http://127.0.0.1:%d" % cls.garbage.port,
                  path_prefix="/garbage/"),
            route("tiring", "http://127.0.0.1:%d" % cls.tiring.port, path_prefix="/tiring/"),
            route("ok", "http://127.0.0.1:%d" % cls.echo.port, path_prefix="/"),
        ], timeouts={"upstream_connect": "2s", "upstream_response": "2s"}))

    def assert_error_page(self, path, status):
        result = self.device_curl(path, timeout=120)
        self.assertEqual(result.status, status, result.describe() + "\n" + self.log_tail())
        content_type = " ".join(result.header("Content-Type")).lower()
        self.assertTrue(content_type.startswith("text/plain"),
                        "error page should be plain text: %s" % result.describe())
        self.assertTrue(0 < len(result.body) < 4096,
                        "error page should be short and non-empty: %r" % result.body[:200])
        self.assert_gateway_still_serves()
        return result

    def assert_gateway_still_serves(self):
        self.assertTrue(self.gateway.running(), "gateway died\n" + self.log_tail())
        self.assertTrue(self.gateway.healthy(), "healthz not ok\n" + self.log_tail())
        result = self.device_curl("/still-alive")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        self.assertEqual(result.json()["target"], "/still-alive")

    def test_upstream_port_closed_gives_502(self):
        self.assert_error_page("/down/page", 502)

    def test_upstream_that_never_answers_gives_504(self):
        self.assert_error_page("/silent/page", 504)
        self.assertTrue(self.silent.received.is_set(),
                        "the silent upstream never got the request")

    def test_upstream_silent_on_a_pooled_connection_gives_504(self):
        # Both requests on one terminal connection, so one worker and its upstream pool: the
        # second goes out on the connection the first left in the pool. The response deadline
        # must cover it too (a pooled connection carries no deadline of its own).
        conn = open_tls(self.gateway.port, self.device_context(), timeout=60)
        try:
            conn.send(b"GET /tiring/one HTTP/1.1\r\nHost: localhost\r\n\r\n")
            first = conn.read_response()
            self.assertIsNotNone(first, self.log_tail())
            self.assertEqual(first.status, 200, first)
            self.assertEqual(first.body, b"first")
            conn.send(b"GET /tiring/two HTTP/1.1\r\nHost: localhost\r\n\r\n")
            second = conn.read_response()
            self.assertIsNotNone(second, "no answer to a request on a pooled connection whose "
                                 "upstream went silent (%s)\n%s" % (conn.error, self.log_tail()))
            self.assertEqual(second.status, 504, second)
        finally:
            conn.close()
        self.assertTrue(self.tiring.received_later.is_set(),
                        "the second request never reached the upstream")
        self.assert_gateway_still_serves()

    def test_upstream_answering_garbage_gives_502(self):
        self.assert_error_page("/garbage/page", 502)

    def test_repeated_failures_do_not_wear_the_gateway_down(self):
        for _ in range(5):
            result = self.device_curl("/down/again")
            self.assertEqual(result.status, 502, result.describe())
        self.assert_gateway_still_serves()

    def test_head_to_a_dead_upstream_gets_no_body_on_a_kept_alive_connection(self):
        # The 502 page of a HEAD has no body: a kept-alive client would otherwise read it
        # as the start of the next response.
        conn = open_tls(self.gateway.port, self.device_context())
        try:
            conn.send(b"HEAD /down/page HTTP/1.1\r\nHost: localhost\r\n\r\n")
            head = conn.read_response(head_only=True)
            self.assertIsNotNone(head, self.log_tail())
            self.assertEqual(head.status, 502)
            conn.send(b"GET /after-head HTTP/1.1\r\nHost: localhost\r\n\r\n")
            after = conn.read_response()
            self.assertIsNotNone(after, "the connection did not survive the HEAD\n" + self.log_tail())
            self.assertEqual(after.status, 200, after)
            self.assertEqual(after.json()["target"], "/after-head")
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
