"""Chunked request bodies cannot make the gateway buffer without limit, and trailers never
reach a backend (issue 12, item 2): on the main listener before login, on the enrollment
listener (no client certificate needed) and on the admin listener.

An endless chunk-size line is refused after a bounded number of bytes (the connection is
answered and closed long before the client has sent everything), a long chunk extension is a
400, and a trailer — which the parser would merge into the header after every check ran, so
a second Host could reach the backend — is a 400 and the backend sees nothing."""
import os
import socket
import ssl
import unittest

from harness import GatewayTestCase, RecordingBackend, enrollment_section, free_port, route
from tls_clients import open_tls, tls_context

FLOOD = 4 * 1024 * 1024   # what each attacking connection tries to make the gateway hold
PARALLEL = 4


def chunked_request(path, chunk_line, tail=b"hello\r\n0\r\n\r\n", host="localhost"):
    return (b"POST %s HTTP/1.1\r\nHost: %s\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: text/plain\r\n\r\n%s\r\n%s" % (path.encode(), host.encode(), chunk_line, tail))


def resident_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS for %d" % pid)


class RequestBoundsTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.upstream = cls.start_backend(RecordingBackend())
        upstream = "http://127.0.0.1:%d" % cls.upstream.port
        demo = cls.make_demo(upstream)
        cls.enroll_port = free_port()
        cls.start_gateway(demo.config(
            cls.listen_port, cls.admin_port, [route("open", upstream, login=False)],
            registry={"sqlite": os.path.join(demo.dir, "registry.db")},
            timeouts={"request_header": "30s", "request_body": "30s"},
            enrollment=enrollment_section(demo, cls.enroll_port)))

    # --- how each listener is reached --------------------------------------------------------

    def main_conn(self):
        return open_tls(self.gateway.port, self.device_context())

    def enroll_conn(self):
        ctx = tls_context(self.demo.ca_bundle)  # server authentication only: anyone may connect
        return open_tls(self.enroll_port, ctx)

    def admin_sock(self):
        return socket.create_connection(("127.0.0.1", self.admin_port), timeout=30)

    def flood(self, send, read_all):
        """Sends an endless chunk-size line; the gateway must answer and close before FLOOD
        bytes went out. Returns (bytes sent, what came back)."""
        sent = 0
        head = (b"POST /.well-known/est/simpleenroll HTTP/1.1\r\nHost: localhost\r\n"
                b"Transfer-Encoding: chunked\r\nContent-Type: application/pkcs10\r\n\r\n5;x=")
        try:
            send(head)
            piece = b"a" * 16384
            while sent < FLOOD:
                send(piece)
                sent += len(piece)
        except (OSError, ssl.SSLError):
            pass  # refused and closed while we were still sending: what we want
        return sent, read_all()

    def assert_flood_refused(self, make):
        before = resident_kib(self.gateway.proc.pid)
        results = []
        for _ in range(PARALLEL):
            conn = make()
            if isinstance(conn, socket.socket):
                def send(data, c=conn):
                    c.sendall(data)

                def read_all(c=conn):
                    out = b""
                    try:
                        while True:
                            data = c.recv(65536)
                            if not data:
                                break
                            out += data
                    except OSError:
                        pass
                    return out
            else:
                def send(data, c=conn):
                    if not c.send(data):
                        raise OSError("send failed: %r" % (c.error,))

                def read_all(c=conn):
                    rest, _ = c.read_until_closed(20)
                    return rest
            results.append(self.flood(send, read_all))
            conn.close()
        grown = resident_kib(self.gateway.proc.pid) - before
        for sent, answer in results:
            self.assertLess(sent, FLOOD, "the gateway read a 4 MiB chunk line without refusing it")
        self.assertLess(grown, PARALLEL * FLOOD // 1024 // 2,
                        "resident memory grew by %d KiB while refusing\n%s" % (grown, self.log_tail()))
        self.assertTrue(self.gateway.running(), self.log_tail())

    def test_main_listener_refuses_an_endless_chunk_line(self):
        self.assert_flood_refused(self.main_conn)
        response = self.device_curl("/after")
        self.assertEqual(response.status, 200, response.describe())

    def test_enrollment_listener_refuses_an_endless_chunk_line(self):
        self.assert_flood_refused(self.enroll_conn)

    def test_admin_listener_refuses_an_endless_chunk_line(self):
        self.assert_flood_refused(self.admin_sock)

    # --- extensions and trailers -------------------------------------------------------------

    def test_long_chunk_extension_is_a_400(self):
        conn = self.main_conn()
        try:
            conn.send(chunked_request("/ext", b"5;name=" + b"v" * 1000))
            response = conn.read_response()
        finally:
            conn.close()
        self.assertIsNotNone(response, self.log_tail())
        self.assertEqual(response.status, 400, response)
        self.assertFalse(any("/ext" in line for line in self.upstream.request_lines))

    def test_short_chunk_extension_is_accepted(self):
        conn = self.main_conn()
        try:
            conn.send(chunked_request("/short-ext", b"5;name=value"))
            response = conn.read_response()
        finally:
            conn.close()
        self.assertEqual(response.status, 200, response)

    def test_trailer_never_reaches_the_backend(self):
        conn = self.main_conn()
        try:
            conn.send(chunked_request("/trailer", b"5", tail=b"hello\r\n0\r\nHost: evil.example\r\n"
                                      b"X-Sekisho-User: admin\r\n\r\n"))
            response = conn.read_response()
        finally:
            conn.close()
        self.assertIsNotNone(response, self.log_tail())
        self.assertEqual(response.status, 400, response)
        self.assertFalse(any("/trailer" in line for line in self.upstream.request_lines),
                         "a request with a trailer reached the backend")
        self.assertNotIn("evil.example", self.upstream.raw_text())

    def test_enrollment_trailer_is_a_400(self):
        conn = self.enroll_conn()
        try:
            conn.send(chunked_request("/.well-known/est/simpleenroll", b"5",
                                      tail=b"hello\r\n0\r\nX-Extra: 1\r\n\r\n"))
            response = conn.read_response()
        finally:
            conn.close()
        self.assertIsNotNone(response, self.log_tail())
        self.assertEqual(response.status, 400, response)


if __name__ == "__main__":
    unittest.main()
