"""WebSocket (RFC 6455) upgrades pass through the gateway on routes that allow them, with
the device identity attached; on other routes the upgrade never reaches the backend."""
import base64
import os
import signal
import unittest

from harness import (GatewayTestCase, WsEchoBackend, encode_ws_frame, read_ws_frame, route,
                     websocket_accept)
from tls_clients import open_tls


class WebSocketCase(GatewayTestCase):
    """Opens an upgraded connection through the gateway."""

    def upgrade(self, path):
        key = base64.b64encode(os.urandom(16)).decode()
        conn = open_tls(self.listen_port, self.device_context())
        self.addCleanup(conn.close)
        conn.send(("GET %s HTTP/1.1\r\nHost: localhost:%d\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                   "Sec-WebSocket-Version: 13\r\n\r\n" % (path, self.listen_port, key)).encode())
        response = conn.read_response()
        self.assertIsNotNone(response, "no answer to the upgrade (%r)\n%s" % (
            conn.error, self.log_tail()))
        return conn, response, key


class WebSocketTest(WebSocketCase):

    @classmethod
    def setUpClass(cls):
        cls.backend = cls.start_backend(WsEchoBackend())
        upstream = "http://127.0.0.1:%d" % cls.backend.port
        demo = cls.make_demo(upstream)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("ws", upstream, path_prefix="/ws/", websocket=True),
            route("nows", upstream, path_prefix="/nows/", websocket=False),
        ]))

    def backend_requests(self, prefix):
        with self.backend.lock:
            return [(line, headers) for line, headers in self.backend.requests
                    if line.split(" ")[1].startswith(prefix)]

    def test_upgrade_passes_and_frames_round_trip(self):
        conn, response, key = self.upgrade("/ws/chat")
        self.assertEqual(response.status, 101, "%r\n%s" % (response, self.log_tail()))
        self.assertEqual(response.header("Sec-WebSocket-Accept"), [websocket_accept(key)])
        for message in (b"hello sekisho", "診療記録".encode() * 40):
            conn.send(encode_ws_frame(0x1, message, mask=True))
            try:
                opcode, payload = read_ws_frame(conn.read_exact)
            except EOFError as exc:
                self.fail("WebSocket closed before the echo: %s\n%s" % (exc, self.log_tail()))
            self.assertEqual((opcode, payload), (0x1, message))

    def test_upgrade_request_carries_device_identity(self):
        conn, response, _ = self.upgrade("/ws/identity")
        self.assertEqual(response.status, 101, response)
        requests = self.backend_requests("/ws/identity")
        self.assertEqual(len(requests), 1, requests)
        headers = {k.lower(): v for k, v in requests[0][1]}
        self.assertEqual(headers.get("x-sekisho-device"), self.demo.fingerprint)
        self.assertEqual(headers.get("upgrade", "").lower(), "websocket")

    def test_upgrade_on_route_without_websocket_is_refused(self):
        conn, response, _ = self.upgrade("/nows/chat")
        self.assertTrue(400 <= response.status < 500,
                        "upgrade on a websocket: false route must get a 4xx (403 expected), "
                        "got %r\n%s" % (response, self.log_tail()))
        for line, headers in self.backend_requests("/nows/"):
            names = [k.lower() for k, _ in headers]
            self.assertNotIn("upgrade", names, "the backend saw an Upgrade header: %r" % line)


    def test_a_reload_closes_open_tunnels(self):
        # A tunnel has no next request to stop at: it must not go on under the old rules
        # (a route that lost websocket: true, a CRL that now lists the terminal).
        conn, response, _ = self.upgrade("/ws/reload")
        self.assertEqual(response.status, 101, response)
        conn.send(encode_ws_frame(0x1, b"before", mask=True))
        self.assertEqual(read_ws_frame(conn.read_exact), (0x1, b"before"))
        offset = self.gateway.log_offset()
        self.gateway.signal(signal.SIGHUP)
        self.gateway.wait_for_log(r"config\.reloaded", since=offset)
        rest, closed = conn.read_until_closed(20)
        self.assertTrue(closed, "a WebSocket tunnel outlived the reload")


class SilentTunnelTest(WebSocketCase):
    """timeouts.tunnel_idle: a tunnel whose peers stay silent is closed, so a peer that
    vanished without a FIN does not hold a connection slot for ever."""

    @classmethod
    def setUpClass(cls):
        cls.backend = cls.start_backend(WsEchoBackend())
        upstream = "http://127.0.0.1:%d" % cls.backend.port
        demo = cls.make_demo(upstream)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("ws", upstream, path_prefix="/ws/", websocket=True)], timeouts={"tunnel_idle": "2s"}))

    def test_a_silent_tunnel_is_closed(self):
        conn, response, _ = self.upgrade("/ws/silent")
        self.assertEqual(response.status, 101, response)
        conn.send(encode_ws_frame(0x1, b"still here", mask=True))
        self.assertEqual(read_ws_frame(conn.read_exact), (0x1, b"still here"))
        rest, closed = conn.read_until_closed(30)
        self.assertTrue(closed, "a silent tunnel stayed open past timeouts.tunnel_idle")

if __name__ == "__main__":
    unittest.main()
