"""The registry is authoritative: a certificate that chains to the device CA gets in only
while it belongs to an active device, and a suspension or revocation bites at once —
new and resumed handshakes are refused and the device's live connections are closed —
without a restart. A registry that cannot be read admits nobody once registry.max_staleness
has passed (fail closed)."""
import json
import os
import subprocess
import time
import unittest

from harness import SEKISHOCTL_BIN, EchoServer, GatewayTestCase, fingerprint_sha256, route
from tls_clients import open_tls

DEVICE_SAN = "URI:urn:sekisho:device:demo-clinic:unregistered-01"
SETTLE = 20  # generous upper bound for "at once" (the gateway polls every 0.5 s)


class RegistryAdmissionTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.registry = os.path.join(demo.dir, "registry.db")
        cls.device_ca = device_ca = demo.device_ca(os.path.join(cls.tmp, "device-ca-db"))
        # Signed by the real device CA (as with a stolen CA key), but never registered.
        cls.stray = device_ca.issue("stray", "/O=demo-clinic/CN=unregistered-01", san=DEVICE_SAN)
        cls.config_path = os.path.join(demo.dir, "registry-test.yaml")
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
                                      registry={"sqlite": cls.registry, "max_staleness": "0s"}),
                          name="registry-test.yaml")

    # --- helpers -------------------------------------------------------------------------

    def ctl(self, *args, expect=0):
        proc = subprocess.run([SEKISHOCTL_BIN, "device", "--config", self.config_path] + list(args),
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, expect, "sekishoctl device %s\nstdout: %s\nstderr: %s"
                         % (" ".join(args), proc.stdout, proc.stderr))
        return proc

    def device_id(self, cert_path):
        shown = json.loads(self.ctl("show", fingerprint_sha256(cert_path), "--json").stdout)
        return shown["id"]

    def request_with(self, cert, key, path="/"):
        """One request on a new connection → HTTP status, or None when refused."""
        result = self.device_curl(path, cert=cert, key=key)
        return result.status or None

    def wait_until(self, predicate, what):
        started = time.monotonic()
        while time.monotonic() - started < SETTLE:
            if predicate():
                return time.monotonic() - started
            time.sleep(0.1)
        self.fail("not within %ds: %s\n%s" % (SETTLE, what, self.log_tail()))

    def refusals(self):
        return self.gateway.metric("sekisho_tls_handshakes_refused_total", reason="not_registered") or 0

    # --- tests ---------------------------------------------------------------------------

    def test_1_registered_demo_terminal_gets_in(self):
        self.assertEqual(self.request_with(self.demo.device_cert, self.demo.device_key), 200,
                         self.log_tail())

    def test_2_unregistered_certificate_of_the_device_ca_is_refused_until_registered(self):
        before = self.refusals()
        self.assertIsNone(self.request_with(*self.stray))
        self.gateway.wait_metric_at_least(before + 1, "sekisho_tls_handshakes_refused_total",
                                          reason="not_registered")
        self.gateway.wait_for_log(r"handshake\.refused reason=not_registered peer=127\.0\.0\.1")
        self.ctl("register", "--facility", "demo-clinic", "--name", "unregistered-01",
                 "--cert", self.stray[0])
        took = self.wait_until(lambda: self.request_with(*self.stray) == 200,
                               "a newly registered terminal gets in")
        print("registration took effect after %.2fs" % took)

    def test_3_suspend_closes_live_connection_and_refuses_new_and_resumed(self):
        ctx = self.device_context()
        conn = open_tls(self.gateway.port, ctx)
        conn.send(b"GET /before HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertEqual(conn.read_response().status, 200)
        session = conn.sock.session
        resumed = open_tls(self.gateway.port, ctx, session=session)
        resumed.send(b"GET /resumed HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertEqual(resumed.read_response().status, 200)
        self.assertTrue(resumed.sock.session_reused, "the TLS session was not resumed")
        resumed.close()

        device = self.device_id(self.demo.device_cert)
        suspended_at = time.monotonic()
        self.ctl("suspend", device, "--reason", "terminal reported missing")
        _, closed = conn.read_until_closed(timeout=SETTLE)
        self.assertTrue(closed, "the live keep-alive connection of the suspended device stayed open\n"
                        + self.log_tail())
        print("live connection closed %.2fs after the suspension" % (time.monotonic() - suspended_at))
        self.gateway.wait_for_log(r"device\.disconnected device=%s" % self.demo_fingerprint())

        self.assertIsNone(self.request_with(self.demo.device_cert, self.demo.device_key),
                          "a new handshake of the suspended device got through")
        again = None
        try:
            again = open_tls(self.gateway.port, ctx, session=session)
            again.send(b"GET /after HTTP/1.1\r\nHost: localhost\r\n\r\n")
            response = again.read_response()
        except OSError:
            response = None
        finally:
            if again:
                again.close()
        self.assertIsNone(response, "a resumed session of the suspended device got a response")

        self.ctl("resume", device, "--reason", "found")
        self.wait_until(lambda: self.request_with(self.demo.device_cert, self.demo.device_key) == 200,
                        "the resumed device gets in again")

    def test_4_revoked_device_is_refused(self):
        device = self.device_id(self.stray[0])
        self.ctl("revoke", device, "--reason", "keyCompromise")
        self.wait_until(lambda: self.request_with(*self.stray) is None, "the revoked device is refused")

    def test_4b_facility_comes_from_the_registry_not_the_certificate(self):
        device_ca = self.device_ca
        # A certificate that claims another facility is refused at registration.
        other = device_ca.issue("claims-other", "/O=other-hospital/CN=claims-other")
        proc = self.ctl("register", "--facility", "demo-clinic", "--name", "claims-other",
                        "--cert", other[0], expect=1)
        self.assertIn("other-hospital", proc.stderr)
        # One that names none is registered; the backend hears the registry's facility.
        plain = device_ca.issue("no-facility", "/CN=no-facility")
        self.ctl("register", "--facility", "ward-9", "--name", "no-facility", "--cert", plain[0])
        self.wait_until(lambda: self.request_with(*plain) == 200, "the registered terminal gets in")
        record = self.device_curl("/facility", cert=plain[0], key=plain[1]).json()
        facility = [v for k, v in record["headers"] if k.lower() == "x-sekisho-facility"]
        self.assertEqual(facility, ["ward-9"], self.log_tail())

    def test_5_unreadable_registry_admits_nobody(self):
        self.assertEqual(self.request_with(self.demo.device_cert, self.demo.device_key), 200)
        with open(self.registry, "r+b") as f:
            f.write(b"this is not an SQLite database any more" * 100)
        for suffix in ("-wal", "-shm"):
            if os.path.exists(self.registry + suffix):
                with open(self.registry + suffix, "r+b") as f:
                    f.write(b"\0garbage" * 100)
        # max_staleness 0s: no grace on the last view (test_registry_postgresql tests the grace).
        self.gateway.wait_for_log(r"registry\.unavailable")
        self.gateway.wait_for_log(r"registry\.stale")
        self.assertIsNone(self.request_with(self.demo.device_cert, self.demo.device_key),
                          "a terminal got in while the registry could not be read")
        self.gateway.wait_for_log(r"handshake\.refused.*registry_unavailable")

    def demo_fingerprint(self):
        return fingerprint_sha256(self.demo.device_cert)


if __name__ == "__main__":
    unittest.main()
