"""Mass revocation (`sekishoctl device revoke-many`) against the real gateway: a dry run and a
command without --yes change nothing; with --yes every device of a facility is revoked in one
registry change, the live keep-alive connections of those terminals are closed and new
handshakes refused, while a terminal of another facility stays connected and keeps working.
The ledger names the actor for each device."""
import json
import os
import pwd
import subprocess
import time
import unittest

from harness import SEKISHOCTL_BIN, EchoServer, GatewayTestCase, route
from tls_clients import open_tls, tls_context

LOCAL_ACTOR = "local:" + pwd.getpwuid(os.getuid()).pw_name  # who runs sekishoctl here

SETTLE = 20  # generous upper bound for "at once" (the gateway polls every 0.5 s)
CLOSED_WARD = "closed-ward"


class MassRevocationTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.config_path = os.path.join(demo.dir, "mass.yaml")
        device_ca = demo.device_ca(os.path.join(cls.tmp, "device-ca-db"))
        # Two terminals of the ward that is closed; the demo terminal is of demo-clinic.
        cls.ward = [device_ca.issue("ward-%d" % i, "/O=%s/CN=ward-%d" % (CLOSED_WARD, i)) for i in (1, 2)]
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
                                      registry={"sqlite": os.path.join(demo.dir, "registry.db")}),
                          name="mass.yaml")
        for i, (cert, _) in enumerate(cls.ward, 1):
            cls.ctl_class("register", "--facility", CLOSED_WARD, "--name", "ward-%d" % i, "--cert", cert)

    @classmethod
    def ctl_class(cls, *args, expect=0):
        proc = subprocess.run([SEKISHOCTL_BIN, "device", "--config", cls.config_path] + list(args),
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != expect:
            raise AssertionError("sekishoctl device %s → %d (expected %d)\nstdout: %s\nstderr: %s"
                                 % (" ".join(args), proc.returncode, expect, proc.stdout, proc.stderr))
        return proc

    def ctl(self, *args, expect=0):
        return self.ctl_class(*args, expect=expect)

    def connect(self, cert, key):
        """A live keep-alive connection that has been answered once (after the gateway's
        registry view has taken up the terminal's registration)."""
        self.wait_until(lambda: self.device_curl("/", cert=cert, key=key).status == 200, "the terminal gets in")
        conn = open_tls(self.gateway.port, tls_context(self.demo.ca_bundle, cert=cert, key=key))
        conn.send(b"GET /before HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertEqual(conn.read_response().status, 200, self.log_tail())
        return conn

    def statuses(self):
        """{"ward-1": status, "ward-2": status, "demo": the demo terminal's status}"""
        devices = json.loads(self.ctl("list", "--json").stdout)["devices"]
        out = {d["name"]: d["status"] for d in devices if d["facility"] == CLOSED_WARD}
        out["demo"] = [d["status"] for d in devices if d["id"] == self.demo.info["device"]["id"]][0]
        return out

    def wait_until(self, predicate, what):
        started = time.monotonic()
        while time.monotonic() - started < SETTLE:
            if predicate():
                return
            time.sleep(0.1)
        self.fail("not within %ds: %s\n%s" % (SETTLE, what, self.log_tail()))

    def test_facility_revocation_closes_its_terminals_and_spares_the_others(self):
        ward_conns = [self.connect(cert, key) for cert, key in self.ward]
        demo_conn = self.connect(self.demo.device_cert, self.demo.device_key)

        # A dry run and a command without --yes list the same two devices and change nothing.
        dry = json.loads(self.ctl("revoke-many", "--facility", CLOSED_WARD, "--reason", "affiliationChanged",
                                  "--dry-run", "--json").stdout)
        self.assertEqual((dry["revoked"], dry["device_count"], dry["certificate_count"]), (False, 2, 2))
        self.assertEqual(sorted(d["name"] for d in dry["devices"]), ["ward-1", "ward-2"])
        unconfirmed = self.ctl("revoke-many", "--facility", CLOSED_WARD, "--reason", "affiliationChanged",
                               expect=1)
        self.assertIn("add --yes", unconfirmed.stdout)
        self.assertIn("ward-1", unconfirmed.stdout)
        self.assertEqual(self.statuses(), {"ward-1": "active", "ward-2": "active", "demo": "active"})
        for conn in ward_conns:  # still open and answering
            conn.send(b"GET /still HTTP/1.1\r\nHost: localhost\r\n\r\n")
            self.assertEqual(conn.read_response().status, 200)

        revoked_at = time.monotonic()
        done = json.loads(self.ctl("revoke-many", "--facility", CLOSED_WARD,
                                   "--reason", "affiliationChanged", "--yes", "--json").stdout)
        self.assertEqual((done["revoked"], done["device_count"]), (True, 2))
        for conn in ward_conns:
            _, closed = conn.read_until_closed(timeout=SETTLE)
            self.assertTrue(closed, "a live connection of a revoked ward terminal stayed open\n" + self.log_tail())
            conn.close()
        print("both ward connections closed %.2fs after the revocation" % (time.monotonic() - revoked_at))
        for cert, key in self.ward:
            self.assertIsNone(self.device_curl("/", cert=cert, key=key).status or None,
                              "a revoked ward terminal got a new connection through")

        # The other facility's terminal: the same connection still works, and new ones too.
        demo_conn.send(b"GET /after HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertEqual(demo_conn.read_response().status, 200, self.log_tail())
        demo_conn.close()
        self.assertEqual(self.device_curl("/").status, 200)

        self.assertEqual(self.statuses(), {"ward-1": "revoked", "ward-2": "revoked", "demo": "active"})
        ledger = json.loads(self.ctl("ledger", "--json").stdout)["entries"]
        revokes = [e for e in ledger if e["action"] == "device.revoke"]
        self.assertEqual(len(revokes), 2, ledger)
        for entry in revokes:
            self.assertEqual((entry["actor"], entry["reason"]), (LOCAL_ACTOR, "affiliationChanged"))
        # Nothing left to revoke: a second run says so and succeeds.
        again = self.ctl("revoke-many", "--facility", CLOSED_WARD, "--reason", "affiliationChanged", "--yes")
        self.assertIn("Nothing matches", again.stdout)

    def test_criteria_are_required_and_checked(self):
        proc = self.ctl("revoke-many", "--reason", "keyCompromise", "--yes", expect=2)
        self.assertIn("--issuer", proc.stderr)
        proc = self.ctl("revoke-many", "--issued-before", "last tuesday", "--reason", "keyCompromise", expect=2)
        self.assertIn("not a date", proc.stderr)
        proc = self.ctl("revoke-many", "--facility", "x", "--reason", "certificateHold", expect=2)
        self.assertIn("not a reason for a mass revocation", proc.stderr)


if __name__ == "__main__":
    unittest.main()
