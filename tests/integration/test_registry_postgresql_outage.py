"""PostgreSQL goes away under two running gateways, and comes back. Meanwhile known terminals
are admitted from each gateway's last view of the registry for registry.max_staleness and
refused after it (reason registry_unavailable); logins fail closed with 503 (not 401: a
right password is not "wrong", and a guesser learns nothing), and so does enrollment;
/readyz says the registry is unavailable, and whether terminals are still admitted. When
the server is back, service returns by itself: logins, handshakes, the ticket the outage
refused and revocations work again without restarting a gateway.

A keeps the default-sized window (60 s), so what happens inside it is checked there however
slowly this machine runs; B's window is short (5 s), so that its end is seen in the test."""
import json
import re
import time
import unittest

from harness import admin_get
from postgres_env import PASSWORD, SETTLE, PostgresGatewaysTestCase
from tls_clients import open_tls, tls_context

LONG_STALENESS = 60  # A: the default
SHORT_STALENESS = 5  # B
MARGIN = 1.0  # B's view's age counts from its last read (every 0.5 s) before the stop


class RegistryOutageTest(PostgresGatewaysTestCase):

    @classmethod
    def registry_extra(cls, name):
        return {"max_staleness": "%ds" % (LONG_STALENESS if name == "a" else SHORT_STALENESS)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a, cls.b = cls.gateways["a"], cls.gateways["b"]
        cls.terminal = cls.register_terminal("outage-terminal")[:2]
        cls.spare = cls.register_terminal("outage-spare")
        cls.add_user("outage.nurse")

    def readyz(self, gateway):
        status, body = admin_get(gateway.admin_port, "/readyz")
        return status, body.decode(errors="replace")

    def assert_login_unavailable(self, gateway, password):
        result, _ = self.login(gateway, "outage.nurse", password, self.terminal)
        self.assertEqual(result.status, 503, "%s answered a login during the outage with:\n%s\n%s"
                         % (gateway.name, result.describe(), self.log_tail()))
        self.assertIn("error", result.json())
        self.assertEqual(result.header("Set-Cookie"), [])
        return result

    def test_outage_admits_from_the_last_view_then_refuses_and_service_returns_by_itself(self):
        a, b, terminal = self.a, self.b, self.terminal
        jars = {}
        for gateway in (a, b):
            self.wait_until(lambda: self.status_on(gateway, terminal) == 200,
                            "%s admits the terminal" % gateway.name)
            result, jars[gateway.name] = self.login(gateway, "outage.nurse", PASSWORD, terminal)
            self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
            self.assertEqual(self.readyz(gateway), (200, "ready\n"))

        creds, _ = self.ticket("enrolled-after-outage")
        _, csr = self.make_csr("enrolled-after-outage")

        offset_b = b.log_offset()
        self.pg.stop_server()
        stopped = time.monotonic()
        # B: what is begun well before its short window ends must still be served.
        if time.monotonic() < stopped + SHORT_STALENESS - MARGIN:
            self.assertEqual(self.status_on(b, terminal), 200,
                             "B refused a known terminal %.1fs into the outage (max_staleness "
                             "%ds)\n%s" % (time.monotonic() - stopped, SHORT_STALENESS,
                                           self.log_tail()))

        # A, inside its window: the terminal gets in, the session made before goes on, and
        # logins are refused as unavailable, the right password like a wrong one.
        self.assertEqual(self.status_on(a, terminal), 200,
                         "A refused a known terminal during the outage\n" + self.log_tail())
        reached = self.request(a, "/ward/during-outage", terminal, cookie_jar=jars["a"])
        self.assertEqual(reached.status, 200, "the session made on A before the outage stopped "
                         "working\n%s\n%s" % (reached.describe(), self.log_tail()))
        right = self.assert_login_unavailable(a, PASSWORD)
        wrong = self.assert_login_unavailable(a, "Wrong-pass-1")
        self.assertEqual(right.body, wrong.body)
        print("login on A during the outage: %d %s" % (right.status, right.body.decode()))
        status, body = self.curl_est("simpleenroll", csr, user=creds, port=a.enroll_port)
        self.assertEqual(status, 503, "A answered an enrollment during the outage with %d %s"
                         % (status, body))
        for gateway in (a, b):  # at its next read of the registry
            self.wait_until(lambda: self.readyz(gateway)[0] == 503,
                            "%s's /readyz reports the outage" % gateway.name)
            self.assertIn("registry", self.readyz(gateway)[1])

        # B, once its last view is too old: nobody gets in. The first attempt that fails may be
        # a request on a connection the staleness closed under it (device.disconnected), not a
        # refused handshake: new ones are tried until one is refused for that reason.
        refused = re.compile(r"handshake\.refused reason=registry_unavailable")
        self.wait_until(lambda: self.status_on(b, terminal) is None and refused.search(b.log_text()[offset_b:]),
                        "B refuses handshakes once max_staleness has run out",
                        timeout=SHORT_STALENESS + SETTLE)
        print("B refused the terminal %.1fs after the stop" % (time.monotonic() - stopped))
        self.assertEqual(self.readyz(b)[0], 503)
        # /readyz tells the two states apart: B admits nobody, A still admits from its view.
        self.assertIn("max_staleness", self.readyz(b)[1])
        self.assertNotEqual(self.readyz(a)[1], self.readyz(b)[1])
        # A's window is still open, and its logins still fail closed.
        self.assertEqual(self.status_on(a, terminal), 200, self.log_tail())
        self.assert_login_unavailable(a, PASSWORD)

        # The server returns: service comes back by itself, without a restart.
        self.pg.start_server()
        restarted = time.monotonic()
        for gateway in (a, b):
            self.wait_until(lambda: self.status_on(gateway, terminal) == 200,
                            "%s admits the terminal again after the server is back" % gateway.name)
            self.wait_until(
                lambda: self.login(gateway, "outage.nurse", PASSWORD, terminal)[0].status == 200,
                "%s lets the user log in again" % gateway.name)
            self.wait_until(lambda: self.readyz(gateway) == (200, "ready\n"),
                            "%s is ready again" % gateway.name)
            self.assertTrue(gateway.running(), "%s exited" % gateway.name)
            print("%s serving again %.1fs after the server came back" % (
                gateway.name, time.monotonic() - restarted))

        # The ticket the outage refused was not used up.
        status, body = self.curl_est("simpleenroll", csr, user=creds, port=a.enroll_port)
        self.assertEqual(status, 200, "the ticket did not enroll after the outage: %d %s\n%s"
                         % (status, body, self.log_tail()))

        # Changes reach the other instance as before: a revocation closes B's live connection.
        spare = self.spare[:2]
        self.wait_until(lambda: self.status_on(b, spare) == 200, "B admits the spare terminal")
        live = open_tls(b.port, tls_context(self.demo.ca_bundle, cert=spare[0], key=spare[1]))
        live.send(b"GET /open/live HTTP/1.1\r\nHost: localhost\r\n\r\n")
        self.assertEqual(live.read_response().status, 200)
        self.assert_revocation_closes(live, self.spare[2], "after the outage")

        # The ledger has no gap and nothing twice.
        entries = json.loads(self.ctl("device", "ledger", "--limit", "1000000",
                                      "--json").stdout)["entries"]
        seqs = [e["seq"] for e in entries]
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))), seqs)
        revocations = [e for e in entries
                       if e["action"] == "device.revoke" and e["subject"] == self.spare[2]]
        self.assertEqual(len(revocations), 1, revocations)
        # However many connection errors were logged, none of them carries the password.
        for gateway in (a, b):
            self.assertNotIn(self.gateway_password, gateway.log_text())


if __name__ == "__main__":
    unittest.main()
