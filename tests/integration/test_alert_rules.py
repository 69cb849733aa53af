"""The alert rules an administrator must hear of at once, each triggered through the real
gateway: a revoked terminal's certificate, a locked account, an emergency (break-glass)
account, and password spraying. Each reaches the webhook as exactly one POST per window
however often its condition repeats, and names who or where it happened."""
import json
import os
import time
import unittest

from harness import make_tempdir
from pki_tools import fingerprint_sha256
from test_alerts import WebhookReceiver
from test_login_sessions import LoginEnvironment


class AlertRulesEnvironment(LoginEnvironment):
    """A login gateway with an audit trail (so sekishoctl's ledger reaches the alerts too),
    break-glass accounts enabled, and alerts to a webhook receiver, one hour per window."""

    AUTH = {"failure_delay": "0s", "spraying": {"per_terminal": 1000, "per_source": 1000},
            "break_glass": {"enabled": True, "max_duration": "1h"}}

    @classmethod
    def setUpClass(cls):
        cls.receiver = WebhookReceiver.started_for(cls)
        audit_dir = make_tempdir(cls, "sekisho-audit-")
        cls.EXTRA = {"alerts": {"webhook": "http://127.0.0.1:%d/hook" % cls.receiver.port, "window": "1h"},
                     "audit": {"file": os.path.join(audit_dir, "audit.log")}}
        super().setUpClass()
        # sekishoctl reads auth.break_glass from the configuration the gateway runs with.
        cls.ctl_config = os.path.join(cls.demo.dir, "login.yaml")

    def wait_for_alert(self, rule):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.receiver.of_rule(rule):
            time.sleep(0.2)

    def the_one_alert(self, rule):
        """The single POST of rule: waits for it, then gives a second one time to arrive."""
        self.wait_for_alert(rule)
        time.sleep(2)  # a second POST (one not held back) would have arrived by now
        alerts = self.receiver.of_rule(rule)
        self.assertEqual(len(alerts), 1, "%s alerts: %r\n%s" % (rule, alerts, self.log_tail()))
        fired = self.gateway.log_text().count("alert.fired rule=%s " % rule)
        self.assertEqual(fired, 1, self.log_tail())
        self.assertEqual(alerts[0]["severity"], "critical")
        return alerts[0]


class AlertRulesTest(AlertRulesEnvironment):

    def test_a_revoked_terminal_alerts_once_naming_its_certificate(self):
        device_ca = self.demo.device_ca(os.path.join(self.tmp, "lost-terminal-ca-db"))
        since = len(self.gateway.log_text())
        lost = self.make_terminal(device_ca, "demo-clinic", "terminal-lost")
        # Not tried before the gateway has read the registration: that refusal would alert.
        self.gateway.wait_for_log(r"registry\.updated", since=since)
        self.assertEqual(self.request("/ward/x", terminal=lost).status, 302)  # admitted, asked to log in
        fingerprint = fingerprint_sha256(lost[0])
        device = json.loads(self.ctl("device", "show", fingerprint, "--json"))["id"]
        self.ctl("device", "revoke", device, "--reason", "keyCompromise")
        self.wait_until(lambda: self.request("/ward/x", terminal=lost).status == 0, "the lost terminal is refused")
        self.assertEqual(self.request("/ward/x", terminal=lost).status, 0)  # and tried again
        # The gateway logs a refusal after its alert reached the client: read the log until
        # both lines are there (a slow machine, ASan, writes them a moment later).
        self.wait_until(lambda: self.gateway.log_text().count("handshake.refused reason=not_registered") >= 2,
                        "both refusals of the lost terminal are logged")

        alert = self.the_one_alert("revoked_certificate")
        event = alert["event"]
        self.assertEqual((event["event"], event["reason"]), ("handshake.refused", "not_registered"))
        self.assertEqual(event["device"], fingerprint)
        self.assertIn("terminal-lost", event["subject"])
        # Which terminal, from where: what the administrator acts on.
        self.assertEqual(alert["summary"], "certificate %s (not active in the registry) was used from %s"
                         % (event["subject"], event["peer"]))

    def test_locked_accounts_alert_once_naming_the_first_user(self):
        for user in ("lock.first", "lock.second"):
            self.add_user(user)
            for _ in range(5):  # the default lockout: 5 failures in 15 minutes
                self.assertEqual(self.login(user, "Wrong-pass-1")[0].status, 401)
            self.gateway.wait_for_log(r"\[critical\] login\.locked user=%s" % user.replace(".", r"\."))

        alert = self.the_one_alert("lockout")
        self.assertEqual(alert["summary"], "account lock.first locked after failed logins")
        event = alert["event"]
        self.assertEqual((event["event"], event["user"]), ("login.locked", "lock.first"))
        self.assertEqual((event["facility"], event["failures"]), ("demo-clinic", "5"))
        self.assertEqual(event["device"], fingerprint_sha256(self.terminal_a[0]))

    def test_an_emergency_account_alerts_once_when_opened_not_again_when_used(self):
        self.add_user("er.alert", role="doctor", extra=["--break-glass"])
        self.ctl("user", "break-glass-open", "er.alert", "--reason", "EMR outage, bed 4", "--for", "30m")
        self.wait_for_alert("break_glass")  # the opening, copied from the ledger
        # Used within the window (two logins, a request): each logged at alert level, no second POST.
        self.logged_in("er.alert")
        jar = self.logged_in("er.alert")
        self.assertEqual(self.gateway.log_text().count("[critical] login.break_glass user=er.alert "), 2)
        self.assertEqual(self.request("/ward/er", jar=jar).status, 200, self.log_tail())
        self.gateway.wait_for_log(r"\[critical\] break_glass\.access user=er\.alert")

        alert = self.the_one_alert("break_glass")
        event = alert["event"]
        self.assertEqual((event["event"], event["subject"]), ("ledger.user.break_glass_open", "er.alert"))
        self.assertEqual(event["reason"], "EMR outage, bed 4")
        self.assertRegex(alert["summary"], r"^emergency account er\.alert opened by \S+: EMR outage, bed 4$")


class SprayingAlertTest(AlertRulesEnvironment):
    """Spraying from terminal A blocks it (3 users), then terminal B's failures block the
    whole address (5 from 127.0.0.1): two blocks, one alert."""

    AUTH = {"failure_delay": "0s", "spraying": {"per_terminal": 3, "per_source": 5, "block": "1h"}}

    def test_password_spraying_alerts_once_naming_the_source(self):
        for i in range(3):
            self.assertEqual(self.login("spray-a%d" % i, "Wrong-pass-1")[0].status, 401)
        self.gateway.wait_for_log(r"\[critical\] login\.spraying_blocked scope=terminal")
        for i in range(2):
            self.assertEqual(self.login("spray-b%d" % i, "Wrong-pass-1", terminal=self.terminal_b)[0].status, 401)
        self.gateway.wait_for_log(r"\[critical\] login\.spraying_blocked scope=source")
        self.assertEqual(self.login("spray-c", "Wrong-pass-1", terminal=self.terminal_c)[0].status, 429)

        alert = self.the_one_alert("password_spraying")
        event = alert["event"]
        self.assertEqual((event["event"], event["scope"]), ("login.spraying_blocked", "terminal"))
        self.assertEqual(event["device"], fingerprint_sha256(self.terminal_a[0]))
        self.assertEqual(alert["summary"], "logins paused from %s" % event["peer"])
        self.assertIn("127.0.0.1", event["peer"])


if __name__ == "__main__":
    unittest.main()
