"""Connections a PROXY protocol listener must not serve: from an address outside
proxy_protocol.trusted (closed before a byte is read, whatever its header claims), without
a header, with a malformed one (bad version, CRC32C mismatch, a v1 line without CRLF, a
length of 65535, cut short), or too slow. Each is counted under its reason in /metrics,
logged with the peer, and the backend sees nothing. With the PROXY protocol off (the
default) a header is no more than a failed TLS handshake."""
import signal
import socket
import ssl
import time
import unittest

from harness import EchoServer, GatewayTestCase, header_values, route, wait_for, write_yaml
from proxy_clients import closed_by_peer, connect_from, tls_after, v1_header, v2_header

BALANCER = "127.0.0.2"
HEADER_TIMEOUT = 3  # proxy_protocol.timeout of this gateway, seconds


def refusal_log_pattern(reason, peer):
    return (r"(?m)^(?=.*proxy_protocol\.refused)(?=.*\breason=%s\b)(?=.*\bpeer=%s:\d+).*$"
            % (reason, peer.replace(".", r"\.")))


class ProxyProtocolRefusalTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.start_gateway(demo.config(
            cls.listen_port, cls.admin_port, [route("demo", upstream)],
            proxy_protocol={"enabled": True, "trusted": [BALANCER + "/32"],
                            "timeout": "%ds" % HEADER_TIMEOUT}))

    def refusals(self, reason):
        return self.gateway.metric("sekisho_proxy_protocol_refused_total", listener="main",
                                   reason=reason) or 0

    def assert_refused(self, reason, attempt, peer=BALANCER):
        """attempt() runs the connection; the refusal must be counted, logged with the peer,
        and no request may reach the backend."""
        before = self.refusals(reason)
        offset = self.gateway.log_offset()
        seen_before = len(self.echo.snapshot())
        attempt()
        self.gateway.wait_metric_at_least(before + 1, "sekisho_proxy_protocol_refused_total",
                                          listener="main", reason=reason)
        self.gateway.wait_for_log(refusal_log_pattern(reason, peer), since=offset)
        self.assertEqual(self.echo.snapshot()[seen_before:], [],
                         "a refused connection's request reached the backend")

    def tls_request(self, sock):
        """TLS and a request over sock; must fail (nothing may come back)."""
        try:
            conn = tls_after(sock, self.device_context())
        except (OSError, ssl.SSLError):
            return
        conn.send(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertIsNone(conn.read_response(), "a response came back\n" + self.log_tail())

    def send_and_expect_close(self, source, data, within):
        sock = connect_from(source, self.listen_port)
        try:
            if data:
                sock.sendall(data)
            self.assertTrue(closed_by_peer(sock, within),
                            "the gateway kept the connection open\n" + self.log_tail())
        finally:
            sock.close()

    def test_valid_header_from_the_balancer_is_served(self):
        sock = connect_from(BALANCER, self.listen_port)
        sock.sendall(v2_header("192.0.2.30"))
        conn = tls_after(sock, self.device_context())
        conn.send(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        response = conn.read_response()
        conn.close()
        self.assertIsNotNone(response, self.log_tail())

    def test_connection_without_header_is_refused(self):
        self.assert_refused("missing", lambda: self.tls_request(connect_from(BALANCER, self.listen_port)))

    def test_connection_that_ends_before_a_byte_is_refused(self):
        self.assert_refused("missing", lambda: connect_from(BALANCER, self.listen_port).close())

    def test_untrusted_source_is_closed_before_a_byte_is_read(self):
        # Nothing sent: a gateway that waited for a header would hold it for the timeout.
        self.assert_refused("untrusted_source",
                            lambda: self.send_and_expect_close("127.0.0.1", b"", HEADER_TIMEOUT / 2),
                            peer="127.0.0.1")

    def test_untrusted_source_with_a_valid_header_is_refused(self):
        def attempt():
            sock = connect_from("127.0.0.1", self.listen_port)
            try:
                sock.sendall(v2_header("192.0.2.31"))
            except OSError:
                pass  # already closed: fine
            self.tls_request(sock)
        self.assert_refused("untrusted_source", attempt, peer="127.0.0.1")

    def test_untrusted_source_claiming_the_balancers_address_is_refused(self):
        self.assert_refused("untrusted_source",
                            lambda: self.send_and_expect_close("127.0.0.3", v1_header(BALANCER), HEADER_TIMEOUT),
                            peer="127.0.0.3")

    def test_malformed_headers_are_refused(self):
        bad_crc = bytearray(v2_header("192.0.2.32", with_crc=True))
        bad_crc[19] ^= 0x01  # the client address changed after the checksum was made
        cases = {
            "v2 version 1": v2_header("192.0.2.32")[:12] + b"\x11" + v2_header("192.0.2.32")[13:],
            "v2 crc32c mismatch": bytes(bad_crc),
            "v2 udp": v2_header("192.0.2.32", family=0x12),
            "v1 without crlf": b"PROXY TCP4 192.0.2.32 127.0.0.1 1 443" + b" " * 80,
            "v1 bad address": b"PROXY TCP4 192.0.2.320 127.0.0.1 1 443\r\n",
            "v1 lf only": b"PROXY TCP4 192.0.2.32 127.0.0.1 1 443\n",
        }
        for name, data in cases.items():
            with self.subTest(name):
                self.assert_refused("malformed", lambda: self.send_and_expect_close(BALANCER, data, HEADER_TIMEOUT))

    def test_v2_length_65535_is_refused_after_16_bytes(self):
        announced = v2_header("192.0.2.33", length=65535)[:16]
        self.assert_refused("malformed", lambda: self.send_and_expect_close(BALANCER, announced, HEADER_TIMEOUT / 2))

    def test_header_cut_short_is_refused(self):
        def attempt():
            sock = connect_from(BALANCER, self.listen_port)
            sock.sendall(v2_header("192.0.2.34")[:20])
            sock.shutdown(socket.SHUT_WR)
            closed_by_peer(sock, HEADER_TIMEOUT)
            sock.close()
        self.assert_refused("malformed", attempt)

    def test_slow_header_is_refused_after_the_timeout(self):
        def attempt():
            sock = connect_from(BALANCER, self.listen_port)
            sock.sendall(v2_header("192.0.2.35")[:10])
            started = time.monotonic()
            self.assertTrue(closed_by_peer(sock, HEADER_TIMEOUT + 10), self.log_tail())
            self.assertGreaterEqual(time.monotonic() - started, HEADER_TIMEOUT - 1)
            sock.close()
        self.assert_refused("timeout", attempt)

    def test_a_second_header_is_not_read_as_one(self):
        # Only the balancer's header is the gateway's; a client's own comes after it, in
        # the TLS stream, and breaks the handshake.
        seen_before = len(self.echo.snapshot())
        sock = connect_from(BALANCER, self.listen_port)
        sock.sendall(v2_header("192.0.2.36") + v2_header("10.9.9.9"))
        self.tls_request(sock)
        sock.close()
        self.assertEqual(self.echo.snapshot()[seen_before:], [])


class ProxyProtocolOffTest(GatewayTestCase):
    """proxy_protocol is off unless enabled: a header is just bytes that are not TLS."""

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [route("demo", upstream)]))

    def handshake_refusals(self):
        return sum(value for name, _, value in self.gateway.metrics()
                   if name == "sekisho_tls_handshakes_refused_total")

    def test_a_header_is_a_failed_handshake(self):
        before = self.handshake_refusals()
        seen_before = len(self.echo.snapshot())
        sock = connect_from("127.0.0.1", self.listen_port)
        sock.sendall(v2_header("192.0.2.40"))
        with self.assertRaises((OSError, ssl.SSLError)):
            conn = tls_after(sock, self.device_context())
            conn.send(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            if conn.read_response() is None:
                raise ssl.SSLError("no response")
        sock.close()
        self.assertTrue(wait_for(lambda: self.handshake_refusals() >= before + 1), self.log_tail())
        self.assertEqual(self.echo.snapshot()[seen_before:], [])
        refused = [value for name, _, value in self.gateway.metrics()
                   if name == "sekisho_proxy_protocol_refused_total"]
        self.assertTrue(refused and not any(refused), refused)

    def test_a_plain_terminal_is_served(self):
        result = self.device_curl("/")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())


class ProxyProtocolReloadTest(GatewayTestCase):
    """SIGHUP switches the PROXY protocol for new connections."""

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        cls.upstream = "http://127.0.0.1:%d" % cls.echo.port
        cls.demo_config = cls.make_demo(cls.upstream).config
        cls.start_gateway(cls.config(enabled=False))

    @classmethod
    def config(cls, enabled):
        return cls.demo_config(cls.listen_port, cls.admin_port, [route("demo", cls.upstream)],
                               proxy_protocol={"enabled": enabled, "trusted": [BALANCER]})

    def reload(self, enabled):
        write_yaml(self.gateway.config_path, self.config(enabled))
        offset = self.gateway.log_offset()
        self.gateway.signal(signal.SIGHUP)
        self.gateway.wait_for_log(r"config\.reloaded", since=offset)

    def through_balancer(self):
        sock = connect_from(BALANCER, self.listen_port)
        sock.sendall(v2_header("192.0.2.50"))
        conn = tls_after(sock, self.device_context())
        conn.send(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        response = conn.read_response()
        conn.close()
        return response

    def test_reload_switches_the_proxy_protocol_on_and_off(self):
        self.assertEqual(self.device_curl("/").status, 200, self.log_tail())
        self.reload(True)
        self.assertEqual(self.device_curl("/").status, 0, "a direct terminal still got in\n" + self.log_tail())
        self.gateway.wait_metric_at_least(1, "sekisho_proxy_protocol_refused_total", listener="main",
                                          reason="untrusted_source")
        response = self.through_balancer()
        self.assertIsNotNone(response, self.log_tail())
        self.assertEqual(header_values(response.json(), "X-Forwarded-For"), ["192.0.2.50"])
        self.reload(False)
        self.assertEqual(self.device_curl("/").status, 200, self.log_tail())


if __name__ == "__main__":
    unittest.main()
