"""Clients that hold connections without finishing them cannot lock a terminal out (issue 12,
resource limits and the slow-client test).

* 1,000 connections from one address that never finish the TLS handshake, or trickle its
  bytes (slowloris), while an enrolled terminal from another address goes on getting
  answers; the handshake timeout then frees them all.
* Per-source and per-listener connection limits: connections over a limit are closed at once,
  before any TLS work, counted in /metrics and logged once per source a minute — on the main
  listener and on the enrollment listener, which needs no certificate.

Attackers use other loopback addresses (127.0.0.2, 127.0.0.3), the terminal 127.0.0.1, so the
per-source limit applies to them and not to it. The test asserts answers, not latency: the
terminal's p99 under this load is the benchmark's business."""
import os
import resource
import socket
import time
import unittest

from harness import EchoServer, GatewayTestCase, enrollment_section, free_port, route, wait_for
from tls_clients import open_tls

SLOW = 1000


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(needed, hard), hard))


def connect_from(address, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((address, 0))
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    return s


def closed_by_peer(sock, timeout=10):
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except (socket.timeout, OSError):
        return False


class SlowClientsTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        raise_fd_limit(4 * SLOW)
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.enroll_port = free_port()
        cls.start_gateway(demo.config(
            cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
            timeouts={"handshake": "3s"},
            limits={"max_connections_per_source": SLOW + 100,
                    "enrollment_max_connections_per_source": 5},
            registry={"sqlite": os.path.join(demo.dir, "registry.db")},
            enrollment=enrollment_section(demo, cls.enroll_port)))

    def terminal_gets_answers(self, count):
        conn = open_tls(self.gateway.port, self.device_context())
        try:
            for i in range(count):
                conn.send(b"GET /still-served HTTP/1.1\r\nHost: localhost\r\n\r\n")
                response = conn.read_response()
                self.assertIsNotNone(response, "request %d: %r\n%s" % (i, conn.error, self.log_tail()))
                self.assertEqual(response.status, 200)
        finally:
            conn.close()

    def refused(self, listener, reason):
        return self.gateway.metric("sekisho_connections_refused_total", listener=listener, reason=reason) or 0

    def test_a_thousand_unfinished_handshakes_do_not_lock_out_a_terminal(self):
        slow = []
        self.addCleanup(lambda: [s.close() for s in slow])
        # A TLS ClientHello record header promising more than ever comes.
        hello_start = bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])
        for i in range(SLOW):
            s = connect_from("127.0.0.2", self.gateway.port)
            if i % 2:
                s.sendall(hello_start[:1 + i % 5])  # trickles a few bytes, then stalls
            slow.append(s)
        for i in range(0, SLOW, 2):  # one more byte on half of the trickling ones
            try:
                slow[i].sendall(b"\x16")
            except OSError:
                pass
        self.terminal_gets_answers(20)
        self.assertTrue(self.gateway.running(), self.log_tail())
        # The handshake timeout frees every one of them.
        self.assertTrue(all(closed_by_peer(s, 30) for s in slow[:50]),
                        "unfinished handshakes outlived timeouts.handshake")
        self.terminal_gets_answers(5)

    def test_connections_over_the_per_source_limit_are_closed_at_once(self):
        before = self.refused("enrollment", "source_full")
        offset = self.gateway.log_offset()
        held = [connect_from("127.0.0.3", self.enroll_port) for _ in range(5)]
        self.addCleanup(lambda: [s.close() for s in held])
        over = [connect_from("127.0.0.3", self.enroll_port) for _ in range(10)]
        self.addCleanup(lambda: [s.close() for s in over])
        self.assertTrue(all(closed_by_peer(s) for s in over),
                        "a connection over enrollment_max_connections_per_source stayed open")
        self.gateway.wait_metric_at_least(before + 10, "sekisho_connections_refused_total",
                                          listener="enrollment", reason="source_full")
        self.gateway.wait_for_log(r"connection\.refused listener=enrollment reason=source_full peer=127\.0\.0\.3",
                                  since=offset)
        # Another address still gets in while 127.0.0.3 is at its limit.
        other = connect_from("127.0.0.1", self.enroll_port)
        self.addCleanup(other.close)
        self.assertFalse(closed_by_peer(other, 1), "the limit of one address hit another")
        # Once they close, the address gets in again.
        for s in held:
            s.close()
        def admitted_again():
            s = connect_from("127.0.0.3", self.enroll_port)
            ok = not closed_by_peer(s, 1)
            s.close()
            return ok
        self.assertTrue(wait_for(admitted_again), "closed connections were never given back")


if __name__ == "__main__":
    unittest.main()
