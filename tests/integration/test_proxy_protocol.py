"""PROXY protocol on the main and enrollment listeners, from a trusted balancer (127.0.0.2):
the client the header names is the one the backend sees in X-Forwarded-For and the one the
gateway's log and audit trail name — for v1, v2 over IPv4 and IPv6, HAProxy's TLVs with a
CRC32C, a header split over many segments, and a ClientHello in the header's own segment.
A header that names no client (LOCAL, UNKNOWN) leaves the balancer as the client."""
import json
import os
import re
import socket
import time
import unittest

from harness import (EchoServer, GatewayTestCase, enrollment_section, free_port, header_values,
                     route, tls_context, wait_for)
from proxy_clients import (BioTls, connect_from, haproxy_like_tlvs, tls_after, v1_header,
                           v2_header)

BALANCER = "127.0.0.2"


class ProxyProtocolTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.enroll_port = free_port()
        cls.audit_log = os.path.join(cls.tmp, "audit.log")
        proxy = {"enabled": True, "trusted": [BALANCER + "/32"], "timeout": "5s"}
        cls.start_gateway(demo.config(
            cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
            proxy_protocol=proxy, audit={"file": cls.audit_log},
            registry={"sqlite": os.path.join(demo.dir, "registry.db")},
            enrollment=enrollment_section(demo, cls.enroll_port, proxy_protocol=proxy)))

    def request_through(self, header, path, pace=None):
        """header, then TLS with the demo terminal and GET path → the echo's record.
        pace: (chunk size, pause) to dribble the header over many segments."""
        sock = connect_from(BALANCER, self.listen_port)
        if pace:
            size, pause = pace
            for at in range(0, len(header), size):
                sock.sendall(header[at:at + size])
                time.sleep(pause)
        else:
            sock.sendall(header)
        conn = tls_after(sock, self.device_context())
        conn.send(b"GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" % path.encode())
        response = conn.read_response()
        conn.close()
        self.assertIsNotNone(response, "no response through the PROXY header\n" + self.log_tail())
        self.assertEqual(response.status, 200, repr(response) + "\n" + self.log_tail())
        return response.json()

    def assert_client(self, seen, address, endpoint):
        self.assertEqual(header_values(seen, "X-Forwarded-For"), [address])
        self.gateway.wait_for_log(r"(?m)^(?=.*\brequest\b)(?=.*\bpeer=%s(\s|$)).*%s" % (
            re.escape(endpoint), re.escape(seen["target"])))

    def audit_records(self, event):
        with open(self.audit_log) as f:
            return [r for r in map(json.loads, f) if r.get("event") == event]

    def test_v2_ipv4_client_is_named_to_the_backend_the_log_and_the_audit_trail(self):
        seen = self.request_through(v2_header("192.0.2.10", sport=56324), "/v2-ipv4")
        self.assert_client(seen, "192.0.2.10", "192.0.2.10:56324")
        found = wait_for(lambda: [r for r in self.audit_records("request")
                                  if r.get("path", r.get("target", "")).startswith("/v2-ipv4")])
        self.assertTrue(found, "no audit record of the request")
        self.assertEqual(found[0].get("peer"), "192.0.2.10:56324", found[0])

    def test_v2_ipv6_client(self):
        seen = self.request_through(v2_header("2001:db8::7", dst="2001:db8::1", sport=40000), "/v2-ipv6")
        self.assert_client(seen, "2001:db8::7", "[2001:db8::7]:40000")

    def test_v1_client(self):
        seen = self.request_through(v1_header("192.0.2.11", sport=1234), "/v1")
        self.assert_client(seen, "192.0.2.11", "192.0.2.11:1234")

    def test_v2_with_haproxy_tlvs_and_a_crc32c(self):
        header = v2_header("192.0.2.12", tlvs=haproxy_like_tlvs(), with_crc=True)
        seen = self.request_through(header, "/tlvs")
        self.assertEqual(header_values(seen, "X-Forwarded-For"), ["192.0.2.12"])

    def test_local_and_unknown_leave_the_balancer_as_the_client(self):
        for header, path in ((v2_header(None, command=0), "/local"),
                             (v2_header(None, command=1), "/unspec"),
                             (b"PROXY UNKNOWN\r\n", "/unknown")):
            with self.subTest(path=path):
                seen = self.request_through(header, path)
                self.assertEqual(header_values(seen, "X-Forwarded-For"), [BALANCER])

    def test_header_split_over_many_segments_with_pauses(self):
        header = v2_header("192.0.2.14", tlvs=haproxy_like_tlvs(), with_crc=True)
        seen = self.request_through(header, "/dribbled-v2", pace=(7, 0.02))
        self.assertEqual(header_values(seen, "X-Forwarded-For"), ["192.0.2.14"])
        seen = self.request_through(v1_header("192.0.2.15"), "/dribbled-v1", pace=(1, 0.01))
        self.assertEqual(header_values(seen, "X-Forwarded-For"), ["192.0.2.15"])

    def test_client_hello_in_the_headers_own_segment_still_handshakes(self):
        for header in (v2_header("192.0.2.13"), v1_header("192.0.2.13"), b"PROXY UNKNOWN\r\n"):
            with self.subTest(header=header[:16]):
                sock = connect_from(BALANCER, self.listen_port)
                tls = BioTls(sock, self.device_context())
                tls.handshake(prefix=header)
                body = tls.request(b"GET /same-segment HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                sock.close()
                self.assertIn(b"HTTP/1.1 200", body, body[:300])
                self.assertIn(b"/same-segment", body)

    def test_a_claimed_balancer_address_is_only_a_client(self):
        # The header names the balancer itself: that makes it a client, nothing more.
        seen = self.request_through(v2_header(BALANCER, sport=7), "/claims-balancer")
        self.assertEqual(header_values(seen, "X-Forwarded-For"), [BALANCER])

    def test_enrollment_listener_reads_the_header_too(self):
        sock = connect_from(BALANCER, self.enroll_port)
        sock.sendall(v2_header("192.0.2.20"))
        conn = tls_after(sock, tls_context(self.demo.ca_bundle))
        conn.send(b"GET /.well-known/est/cacerts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        response = conn.read_response()
        conn.close()
        self.assertIsNotNone(response, self.log_tail())
        self.assertEqual(response.status, 200, repr(response))

    def test_enrollment_listener_refuses_a_connection_without_header(self):
        before = self.gateway.metric("sekisho_proxy_protocol_refused_total", listener="enrollment",
                                     reason="missing") or 0
        sock = connect_from(BALANCER, self.enroll_port)
        with self.assertRaises((OSError, socket.error)):
            tls_after(sock, tls_context(self.demo.ca_bundle))
        sock.close()
        self.gateway.wait_metric_at_least(before + 1, "sekisho_proxy_protocol_refused_total",
                                          listener="enrollment", reason="missing")


if __name__ == "__main__":
    unittest.main()
