"""SIGHUP: a new CRL revokes a terminal for new connections and for resumed TLS sessions; a
valid new config applies to every connection (an old kept-alive one finishes its request in
flight and closes, so nothing goes on under the old rules); a broken one is refused and the
old one stays in force. A connection closes after limits.max_requests_per_connection."""
import os
import signal
import unittest

from harness import EchoServer, GatedBackend, GatewayTestCase, route, write_yaml
from tls_clients import open_tls

RELOADED = r"config\.reloaded"
RELOAD_FAILED = r"config\.reload_failed"


def sighup_and_wait(test, pattern):
    offset = test.gateway.log_offset()
    test.gateway.signal(signal.SIGHUP)
    return test.gateway.wait_for_log(pattern, since=offset)


class CrlReloadTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("demo", "http://127.0.0.1:%d" % cls.echo.port)]))

    def setUp(self):
        # Python resumes a session only with the SSLContext that created it.
        self.context = self.device_context(version="1.3")

    def request(self, target, session=None):
        """GET over a new TLS 1.3 connection → (Response or None, TlsConn or None)."""
        try:
            conn = open_tls(self.listen_port, self.context, session=session)
        except OSError:
            return None, None
        self.addCleanup(conn.close)
        conn.send(("GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                   % target).encode())
        return conn.read_response(), conn

    def full_handshake_session(self, target):
        response, conn = self.request(target)
        self.assertIsNotNone(response, "no response before revocation\n" + self.log_tail())
        self.assertEqual(response.status, 200, response)
        # TLS 1.3 tickets come after the handshake, before the response we have just read.
        session = conn.sock.session
        self.assertTrue(session is not None and session.has_ticket,
                        "the gateway issued no TLS session ticket\n" + self.log_tail())
        return session

    def refusals(self):
        return self.gateway.metric("sekisho_tls_handshakes_refused_total",
                                   reason="revoked") or 0

    def test_new_crl_refuses_new_and_resumed_sessions(self):
        session_a = self.full_handshake_session("/before-a")
        session_b = self.full_handshake_session("/before-b")

        resumed_before = self.gateway.metric("sekisho_tls_handshakes_total",
                                             resumed="true") or 0
        response, conn = self.request("/resumed", session=session_a)
        self.assertEqual(response and response.status, 200, "%r\n%s" % (response,
                                                                         self.log_tail()))
        self.assertTrue(conn.sock.session_reused, "the saved TLS session was not resumed")
        self.gateway.wait_metric_at_least(resumed_before + 1, "sekisho_tls_handshakes_total",
                                          resumed="true")

        device_ca = self.demo.device_ca(os.path.join(self.tmp, "device-ca-db"))
        device_ca.revoke(self.demo.device_cert)
        device_ca.gencrl(self.demo.path("device-ca.crl"))  # the file the config names
        reloads = self.gateway.metric("sekisho_config_reloads_total", result="ok") or 0
        sighup_and_wait(self, RELOADED)
        self.gateway.wait_metric_at_least(reloads + 1, "sekisho_config_reloads_total",
                                          result="ok")

        revoked = self.refusals()
        seen = len(self.echo.snapshot())
        response, _ = self.request("/after-full")
        self.assertIsNone(response, "revoked terminal still served on a new connection: "
                          "%r\n%s" % (response, self.log_tail()))
        self.gateway.wait_metric_at_least(revoked + 1, "sekisho_tls_handshakes_refused_total",
                                          reason="revoked")

        revoked = self.refusals()
        response, conn = self.request("/after-resumed", session=session_b)
        self.assertIsNone(response, "a TLS session saved before the revocation bypassed it "
                          "(session_reused=%s): %r\n%s" % (
                              conn and conn.sock.session_reused, response, self.log_tail()))
        self.assertEqual(self.echo.snapshot()[seen:], [],
                         "the revoked terminal reached the backend")
        self.gateway.wait_metric_at_least(revoked + 1, "sekisho_tls_handshakes_refused_total",
                                          reason="revoked")


class ConfigReloadTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.app = cls.start_backend(EchoServer(name="app"))
        cls.extra = cls.start_backend(EchoServer(name="extra"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.app.port)
        cls.routes = [route("app", "http://127.0.0.1:%d" % cls.app.port, path_prefix="/app/")]
        cls.good_config = demo.config(cls.listen_port, cls.admin_port, cls.routes)
        cls.start_gateway(cls.good_config)

    def restore_good_config(self):
        write_yaml(self.gateway.config_path, self.good_config)

    def test_broken_config_is_refused_and_old_one_stays(self):
        self.addCleanup(self.restore_good_config)
        failed = self.gateway.metric("sekisho_config_reloads_total", result="failed") or 0
        with open(self.gateway.config_path, "w") as f:
            f.write("routes: [ {name: broken\n  tls: : :\n")
        sighup_and_wait(self, RELOAD_FAILED)
        self.gateway.wait_metric_at_least(failed + 1, "sekisho_config_reloads_total",
                                          result="failed")
        self.assertTrue(self.gateway.running(), "gateway exited\n" + self.log_tail())
        result = self.device_curl("/app/still-works")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        self.assertEqual(result.json()["backend"], "app")

    def test_valid_config_applies_and_old_connections_close(self):
        # A kept-alive connection admitted under the old rules does not go on under them:
        # idle, it is closed at the reload (the client reconnects, as after keepalive_idle).
        self.addCleanup(self.restore_good_config)
        existing = open_tls(self.listen_port, self.device_context())
        self.addCleanup(existing.close)
        existing.send(b"GET /app/one HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertEqual(existing.read_response().status, 200)
        self.assertEqual(self.device_curl("/extra/x").status, 404, "route exists too early")

        config = dict(self.good_config, routes=[
            route("extra", "http://127.0.0.1:%d" % self.extra.port, path_prefix="/extra/")])
        write_yaml(self.gateway.config_path, config)
        sighup_and_wait(self, RELOADED)

        result = self.device_curl("/extra/x")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        self.assertEqual(result.json()["backend"], "extra")
        rest, closed = existing.read_until_closed(20)
        self.assertTrue(closed, "an idle connection of the old configuration stayed open")
        self.assertEqual(rest, b"")
        existing.send(b"GET /app/two HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertIsNone(existing.read_response(),
                          "a request reached the route the reload removed\n" + self.log_tail())
        self.assertEqual(self.device_curl("/app/gone").status, 404)

    def test_request_in_flight_finishes_then_its_connection_closes(self):
        self.addCleanup(self.restore_good_config)
        gated = self.start_backend(GatedBackend(name="gated"))
        config = dict(self.good_config, routes=self.routes + [
            route("slow", "http://127.0.0.1:%d" % gated.port, path_prefix="/slow/")])
        write_yaml(self.gateway.config_path, config)
        sighup_and_wait(self, RELOADED)

        busy = open_tls(self.listen_port, self.device_context())
        self.addCleanup(busy.close)
        busy.send(b"GET /slow/x HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertTrue(gated.received.wait(30), "the request never reached the backend")
        write_yaml(self.gateway.config_path, self.good_config)  # the slow route is gone
        sighup_and_wait(self, RELOADED)
        gated.release()
        response = busy.read_response()
        self.assertIsNotNone(response, "the request in flight was dropped\n" + self.log_tail())
        self.assertEqual(response.status, 200, response)
        busy.send(b"GET /slow/y HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertIsNone(busy.read_response(), "the old connection took a second request")


class ConnectionLimitsTest(GatewayTestCase):
    """limits.max_requests_per_connection: the last allowed answer says Connection: close."""

    @classmethod
    def setUpClass(cls):
        cls.app = cls.start_backend(EchoServer(name="app"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.app.port)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port,
                                      [route("app", "http://127.0.0.1:%d" % cls.app.port)],
                                      limits={"max_requests_per_connection": 3}))

    def test_connection_closes_after_its_request_count(self):
        conn = open_tls(self.listen_port, self.device_context())
        self.addCleanup(conn.close)
        for i in range(3):
            conn.send(b"GET /n HTTP/1.1\r\nHost: localhost\r\n\r\n")
            response = conn.read_response()
            self.assertIsNotNone(response, "request %d: %r\n%s" % (i, conn.error, self.log_tail()))
            self.assertEqual(response.status, 200)
        self.assertEqual(",".join(response.header("Connection")).lower(), "close")
        rest, closed = conn.read_until_closed(20)
        self.assertTrue(closed, "the connection stayed open past its request count")

if __name__ == "__main__":
    unittest.main()
