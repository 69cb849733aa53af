"""Upstream responses reach the client whole and correctly framed, whatever framing the
upstream used (Content-Length, chunked, or until-close), and a keep-alive client
connection stays usable after each of them."""
import unittest

from harness import GatewayTestCase, route
from backends import HttpReader, RawBackend
from tls_clients import open_tls

LARGE = bytes(range(256)) * 8192  # 2 MiB: streamed through, never a single buffer


class FramingBackend(RawBackend):
    """Answers by path: /length, /chunked, /close (no length, then closes), /large."""

    name = "framing"

    def serve(self, conn):
        reader = HttpReader(conn)
        while True:
            line, headers = reader.read_head()
            reader.read_body(headers)
            method, target = line.split(" ")[:2]
            if target == "/chunked":
                out = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                for part in (b"first,", b"second,", b"third"):
                    out += b"%x\r\n%s\r\n" % (len(part), part)
                conn.sendall(out + b"0\r\n\r\n")
            elif target == "/close":
                conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil-close body")
                return
            elif target == "/large":
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(LARGE))
                if method != "HEAD":
                    conn.sendall(LARGE)
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nlength")


class ResponseFramingTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.backend = cls.start_backend(FramingBackend())
        upstream = "http://127.0.0.1:%d" % cls.backend.port
        demo = cls.make_demo(upstream)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [route("app", upstream)]))

    def test_each_framing_arrives_whole_through_curl(self):
        for path, body in (("/length", b"length"), ("/chunked", b"first,second,third"),
                           ("/close", b"until-close body"), ("/large", LARGE)):
            with self.subTest(path=path):
                result = self.device_curl(path)
                self.assertEqual(result.status, 200, result.describe())
                self.assertEqual(len(result.body), len(body), result.describe()[:500])
                self.assertEqual(result.body, body)

    def test_keep_alive_connection_survives_every_framing(self):
        conn = open_tls(self.gateway.port, self.device_context())
        try:
            for path, body in (("/chunked", b"first,second,third"), ("/close", b"until-close body"),
                               ("/length", b"length"), ("/large", LARGE)):
                conn.send(("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % path).encode())
                response = conn.read_response()
                self.assertIsNotNone(response, "no response for %s on a kept-alive connection\n%s"
                                     % (path, self.log_tail()))
                self.assertEqual(response.status, 200)
                self.assertEqual(response.body, body, path)
        finally:
            conn.close()

    def test_head_gets_headers_without_a_body(self):
        conn = open_tls(self.gateway.port, self.device_context())
        try:
            conn.send(b"HEAD /large HTTP/1.1\r\nHost: localhost\r\n\r\n")
            response = conn.read_response(head_only=True)
            self.assertEqual(response.status, 200)
            self.assertEqual(dict((k.lower(), v) for k, v in response.headers)["content-length"],
                             str(len(LARGE)))
            conn.send(b"GET /length HTTP/1.1\r\nHost: localhost\r\n\r\n")
            self.assertEqual(conn.read_response().body, b"length")
        finally:
            conn.close()

    def test_connection_close_from_the_client_closes_after_the_answer(self):
        # The client's "Connection: close" is read before the request is rewritten for the
        # upstream (which strips hop-by-hop fields): the answer says close and the gateway
        # closes, instead of holding the connection for keepalive_idle.
        conn = open_tls(self.gateway.port, self.device_context())
        try:
            conn.send(b"GET /length HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            response = conn.read_response()
            self.assertIsNotNone(response, self.log_tail())
            self.assertEqual(response.body, b"length")
            self.assertEqual([v.lower() for v in response.header("Connection")], ["close"], response)
            rest, closed = conn.read_until_closed(timeout=5)
            self.assertTrue(closed, "the gateway kept a Connection: close connection open")
            self.assertEqual(rest, b"")
        finally:
            conn.close()

    def test_http10_keep_alive_stays_open(self):
        conn = open_tls(self.gateway.port, self.device_context())
        try:
            for _ in range(2):
                conn.send(b"GET /length HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n")
                response = conn.read_response()
                self.assertIsNotNone(response, "an HTTP/1.0 keep-alive connection was closed\n" + self.log_tail())
                self.assertEqual(response.body, b"length")
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
