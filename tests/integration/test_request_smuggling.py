"""Strict HTTP/1.1 parsing: ambiguous or oversized requests are rejected with the right
status, logged, and the connection closed, and the upstream (a raw recorder of every byte)
never sees a smuggled second request."""
import unittest

from harness import GatewayTestCase, RecordingBackend, route

MAX_HEADER_BYTES = 4096
MAX_BODY_BYTES = 1024
SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n"
REJECTED_LOG = r"(?m)^(?=.*request\.rejected)(?=.*\bpeer=127\.0\.0\.1).*$"


class RequestSmugglingTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.upstream = cls.start_backend(RecordingBackend())
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.upstream.port)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("demo", "http://127.0.0.1:%d" % cls.upstream.port)],
            limits={"max_header_bytes": MAX_HEADER_BYTES, "max_body_bytes": MAX_BODY_BYTES},
            # A gateway waiting for bytes that never come gives up soon (keeps the file fast).
            timeouts={"request_header": "5s", "request_body": "5s"}))

    def upstream_lines(self):
        with self.upstream.lock:
            return list(self.upstream.request_lines)

    def assert_rejected(self, raw, status, upstream_may_see_request=False):
        if isinstance(raw, str):
            raw = raw.encode("latin-1")
        lines_before = self.upstream_lines()
        offset = self.gateway.log_offset()
        response, conn = self.device_request(raw)
        self.assertIsNotNone(conn, "TLS handshake failed\n" + self.log_tail())
        self.addCleanup(conn.close)
        self.assertIsNotNone(response, "no HTTP response (%r) to %r\n%s" % (
            conn.error, raw[:300], self.log_tail()))
        self.assertEqual(response.status, status, "%r → %r\n%s" % (raw[:300], response,
                                                                    self.log_tail()))
        rest, closed = conn.read_until_closed(20)
        self.assertTrue(closed, "connection left open after a %d rejection" % status)
        self.assertNotIn(b"HTTP/1.1", rest, "a second response followed the rejection: %r"
                         % rest[:500])
        self.gateway.wait_for_log(REJECTED_LOG, since=offset)
        self.assert_upstream_clean()
        if not upstream_may_see_request:
            new_lines = [line for line in self.upstream_lines()[len(lines_before):]
                         if not line.startswith("GET /after ")]
            self.assertEqual(new_lines, [], "a rejected request reached the upstream")

    def assert_upstream_clean(self):
        # A follow-up request on a new connection flushes anything still queued at the gateway.
        response, conn = self.device_request(b"GET /after HTTP/1.1\r\nHost: localhost\r\n"
                                             b"Connection: close\r\n\r\n")
        if conn:
            conn.close()
        self.assertIsNotNone(response, "gateway stopped answering\n" + self.log_tail())
        self.assertEqual(response.status, 200, response)
        raw = self.upstream.raw_text()
        self.assertNotIn("/smuggled", raw, "the upstream saw a smuggled request:\n" + raw[-2000:])

    # Controls: well-formed requests pass, so the rejections below are meaningful.
    def test_content_length_post_is_forwarded_intact(self):
        response, conn = self.device_request(
            b"POST /ok-cl HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello")
        self.addCleanup(conn.close)
        self.assertEqual(response.status, 200, response)
        with self.upstream.lock:
            forwarded = [r for r in self.upstream.requests if r[0].startswith("POST /ok-cl ")]
        self.assertEqual([r[2] for r in forwarded], [b"hello"])

    def test_chunked_post_is_forwarded_intact(self):
        response, conn = self.device_request(
            b"POST /ok-chunked HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n")
        self.addCleanup(conn.close)
        self.assertEqual(response.status, 200, response)
        with self.upstream.lock:
            forwarded = [r for r in self.upstream.requests
                         if r[0].startswith("POST /ok-chunked ")]
        self.assertEqual([r[2] for r in forwarded], [b"hello world"])

    # Rejections.
    def test_content_length_with_transfer_encoding_is_rejected(self):
        body = "0\r\n\r\n" + SMUGGLED
        self.assert_rejected("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n%s" % (len(body), body), 400)

    def test_transfer_encoding_with_content_length_is_rejected(self):
        self.assert_rejected("POST / HTTP/1.1\r\nHost: localhost\r\n"
                             "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                             "0\r\n\r\n" + SMUGGLED, 400)

    def test_two_different_content_lengths_are_rejected(self):
        self.assert_rejected("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n"
                             "Content-Length: %d\r\n\r\nhello%s" % (5 + len(SMUGGLED), SMUGGLED),
                             400)

    def test_invalid_content_length_is_rejected(self):
        for value in ("5x", "-5", "+5", "0x5"):
            with self.subTest(content_length=value):
                self.assert_rejected("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: %s"
                                     "\r\n\r\nhello" % value, 400)

    def test_bad_chunk_size_is_rejected(self):
        for size in ("zz", "-1"):
            with self.subTest(chunk_size=size):
                self.assert_rejected("POST / HTTP/1.1\r\nHost: localhost\r\n"
                                     "Transfer-Encoding: chunked\r\n\r\n%s\r\nhello\r\n0\r\n\r\n"
                                     "%s" % (size, SMUGGLED), 400,
                                     upstream_may_see_request=True)

    def test_obs_fold_header_is_rejected(self):
        self.assert_rejected("GET / HTTP/1.1\r\nHost: localhost\r\nX-Folded: first\r\n"
                             " continued\r\n\r\n", 400)

    def test_connect_is_rejected(self):
        self.assert_rejected("CONNECT localhost:443 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400)

    def test_absolute_form_for_foreign_host_is_rejected(self):
        self.assert_rejected("GET http://evil.example/steal HTTP/1.1\r\nHost: localhost\r\n\r\n",
                             400)
        self.assertNotIn("evil.example", self.upstream.raw_text())

    def test_headers_over_limit_get_431(self):
        self.assert_rejected("GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: %s\r\n\r\n"
                             % ("a" * (MAX_HEADER_BYTES + 100)), 431)

    def test_declared_body_over_limit_gets_413(self):
        # Only the head is sent: the declared length alone must be enough to refuse.
        self.assert_rejected("POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n"
                             % (MAX_BODY_BYTES + 1), 413)

    def test_chunked_body_over_limit_gets_413(self):
        chunk = "b" * (MAX_BODY_BYTES * 2)
        self.assert_rejected("POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked"
                             "\r\n\r\n%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk), 413,
                             upstream_may_see_request=True)


if __name__ == "__main__":
    unittest.main()
