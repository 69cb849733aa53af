"""A misbehaving backend never makes one client's answer reach another, and never leaves a
pooled upstream connection in a broken state (issue 12, item 1 and the misbehaving-backend
set). Each case: the client gets a correct answer or a 502, and the next requests — on other
connections, so on the same worker's pool — get their own answers.

One worker, so every request uses the same upstream pool. Every answer of the backend names
the path it answers, so an answer one response behind is visible to the client."""
import socket
import threading
import time
import unittest

from harness import GatewayTestCase, route
from backends import HttpReader, RawBackend
from tls_clients import open_tls


def answer(path, status="200 OK", extra=b""):
    body = ("answer for %s" % path).encode()
    return (b"HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n%s\r\n%s"
            % (status.encode(), len(body), extra, body))


class HostileBackend(RawBackend):
    """Keeps every connection alive and misbehaves by path."""

    name = "hostile"

    def serve(self, conn):
        reader = HttpReader(conn)
        while True:
            line, headers = reader.read_head()
            method, target = line.split(" ")[:2]
            if target == "/early-hints":
                reader.read_body(headers)
                conn.sendall(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")
                time.sleep(0.05)  # the final answer as a separate segment, as real servers do
                conn.sendall(answer(target))
            elif target == "/many-interim":
                reader.read_body(headers)
                conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
                             b"HTTP/1.1 103 Early Hints\r\nLink: </a.js>\r\n\r\n" + answer(target))
            elif target == "/endless-interim":
                reader.read_body(headers)
                conn.sendall(b"HTTP/1.1 103 Early Hints\r\n\r\n" * 100 + answer(target))
            elif target == "/unasked-101":
                reader.read_body(headers)
                conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                             b"Connection: Upgrade\r\n\r\n" + answer(target))
            elif target == "/length-and-chunked":
                reader.read_body(headers)
                body = b"answer for /length-and-chunked"
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                             b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body) + answer("/smuggled"))
            elif target == "/short-body":
                reader.read_body(headers)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a part")
                return
            elif target == "/long-header":
                reader.read_body(headers)
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 70000 + b"\r\n"
                             + answer(target)[len(b"HTTP/1.1 200 OK\r\n"):])
            elif target == "/long-chunk-extension":
                reader.read_body(headers)
                conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x="
                             + b"e" * 100000 + b"\r\nhello\r\n0\r\n\r\n")
            elif target == "/head-with-body":
                reader.read_body(headers)
                conn.sendall(answer(target))
                time.sleep(0.3)  # the body comes late, dressed as the next answer
                conn.sendall(answer("/stale-from-head"))
            elif target == "/early-answer":
                # Answers before reading the request body; the body then reads as a request.
                conn.sendall(answer(target))
            elif target == "/slow":
                reader.read_body(headers)
                time.sleep(0.3)  # an answer that is not there yet when the next user comes
                conn.sendall(answer(target))
            else:
                reader.read_body(headers)
                conn.sendall(answer(target))


class HostileBackendTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.backend = cls.start_backend(HostileBackend())
        upstream = "http://127.0.0.1:%d" % cls.backend.port
        demo = cls.make_demo(upstream)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [route("app", upstream)],
                                      workers=1))

    def get(self, path, method="GET", body=None):
        """One request on its own TLS connection (another client each time)."""
        conn = open_tls(self.gateway.port, self.device_context())
        try:
            raw = "%s %s HTTP/1.1\r\nHost: localhost\r\n" % (method, path)
            if body is not None:
                raw += "Content-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
            else:
                raw += "\r\n"
            conn.send(raw.encode())
            return conn.read_response(head_only=(method == "HEAD"))
        finally:
            conn.close()

    def assert_own_answers(self, rounds=3):
        """Requests after the misbehaviour each get their own answer."""
        for i in range(rounds):
            path = "/after-%d-%f" % (i, time.time())
            response = self.get(path)
            self.assertIsNotNone(response, "no answer\n" + self.log_tail())
            self.assertEqual(response.status, 200, response)
            self.assertEqual(response.body, ("answer for %s" % path).encode(),
                             "a request got another request's answer\n" + self.log_tail())

    def test_early_hints_never_pass_for_the_answer(self):
        # User A's request meets 103 then 200; user B's next request gets B's own answer.
        response = self.get("/early-hints")
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.body, b"answer for /early-hints")
        self.assert_own_answers()

    def test_several_interim_answers_in_one_segment(self):
        response = self.get("/many-interim")
        self.assertEqual(response.status, 200, response)
        self.assertEqual(response.body, b"answer for /many-interim")
        self.assert_own_answers()

    def test_endless_interim_answers_are_cut_off(self):
        response = self.get("/endless-interim")
        self.assertEqual(response.status, 502, response)
        self.assert_own_answers()

    def test_keep_alive_client_sees_its_answers_in_order(self):
        conn = open_tls(self.gateway.port, self.device_context())
        try:
            for path in ("/early-hints", "/plain-1", "/many-interim", "/plain-2"):
                conn.send(("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path).encode())
                response = conn.read_response()
                self.assertIsNotNone(response, path + "\n" + self.log_tail())
                self.assertEqual(response.status, 200, response)
                self.assertEqual(response.body, ("answer for %s" % path).encode())
        finally:
            conn.close()

    def test_101_without_an_upgrade_is_a_502(self):
        response = self.get("/unasked-101")
        self.assertEqual(response.status, 502, response)
        self.assert_own_answers()

    def test_length_and_chunked_together_is_a_502(self):
        response = self.get("/length-and-chunked")
        self.assertEqual(response.status, 502, response)
        self.assert_own_answers()

    def test_short_body_then_close_is_never_completed_by_another_answer(self):
        conn = open_tls(self.gateway.port, self.device_context())
        try:
            conn.send(b"GET /short-body HTTP/1.1\r\nHost: localhost\r\n\r\n")
            rest, closed = conn.read_until_closed(20)
        finally:
            conn.close()
        self.assertTrue(closed, "the client connection stayed open after a broken answer")
        self.assertNotIn(b"answer for", rest)
        self.assert_own_answers()

    def test_over_long_header_is_a_502(self):
        response = self.get("/long-header")
        self.assertEqual(response.status, 502, response)
        self.assert_own_answers()

    def test_over_long_chunk_extension_is_refused(self):
        conn = open_tls(self.gateway.port, self.device_context())
        try:
            conn.send(b"GET /long-chunk-extension HTTP/1.1\r\nHost: localhost\r\n\r\n")
            rest, closed = conn.read_until_closed(20)
        finally:
            conn.close()
        self.assertTrue(closed)
        self.assertNotIn(b"hello", rest.split(b"\r\n\r\n", 1)[-1])
        self.assert_own_answers()

    def test_head_answer_with_a_late_body_is_not_reused(self):
        response = self.get("/head-with-body", method="HEAD")
        self.assertEqual(response.status, 200, response)
        time.sleep(0.6)  # the stray body has arrived on the idle upstream connection
        self.assert_own_answers()

    def test_answer_before_the_request_body_is_not_reused(self):
        body = "GET /smuggled-by-body HTTP/1.1\r\nHost: localhost\r\n\r\n"
        response = self.get("/early-answer", method="POST", body=body)
        self.assertEqual(response.status, 200, response)
        time.sleep(0.3)  # the backend has answered the body as a request by now
        self.assert_own_answers()

    def test_a_request_smuggled_in_an_unread_body_never_answers_another_user(self):
        # The backend never reads /early-answer's body: it takes it for a request of its own
        # and answers it late. The next user must not get that answer.
        smuggled = "GET /slow HTTP/1.1\r\nHost: x\r\nX-Sekisho-User: admin\r\n\r\n"
        response = self.get("/early-answer", method="POST", body=smuggled)
        self.assertEqual(response.status, 200, response)
        self.assert_own_answers()

    def test_get_with_a_body_is_refused(self):
        for method in ("GET", "HEAD"):
            with self.subTest(method=method):
                conn = open_tls(self.gateway.port, self.device_context())
                try:
                    conn.send(("%s /with-body HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\nbody"
                               % method).encode())
                    response = conn.read_response(head_only=(method == "HEAD"))
                finally:
                    conn.close()
                self.assertEqual(response.status, 400, response)
        self.assert_own_answers()


if __name__ == "__main__":
    unittest.main()
