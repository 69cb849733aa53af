"""Incidents reach the hospital (issue 16 item 6). Alerts go to the operator's webhook and to
the webhook of each facility they concern — with that facility's data only, never another
facility's — and an incident record ties the alerts of the audit trail to a timeline of
notes, opened and closed with the actor in the ledger, shown in time order (JST) and frozen
by `sekishoctl audit export --incident` with the records of its period."""
import json
import os
import time
import unittest

from harness import make_tempdir
from test_alerts import WebhookReceiver
from test_login_sessions import LoginEnvironment

A, B = "demo-clinic", "other-clinic"  # terminals A and B are demo-clinic's, C other-clinic's


class FacilityAlertsEnvironment(LoginEnvironment):
    """The operator's receiver and one per facility; three failed logins make a burst."""

    AUTH = {"failure_delay": "0s", "spraying": {"per_terminal": 1000, "per_source": 1000}}

    @classmethod
    def setUpClass(cls):
        cls.operator = WebhookReceiver.started_for(cls)
        cls.hospital = {A: WebhookReceiver.started_for(cls), B: WebhookReceiver.started_for(cls)}
        audit_dir = make_tempdir(cls, "sekisho-audit-")
        cls.audit_log = os.path.join(audit_dir, "audit.log")
        url = "http://127.0.0.1:%d/hook"
        cls.EXTRA = {"alerts": {"webhook": url % cls.operator.port, "window": "1h", "login_failures_per_facility": 3,
                                "facilities": {f: {"webhook": url % r.port} for f, r in cls.hospital.items()}},
                     "audit": {"file": cls.audit_log}}
        super().setUpClass()
        # sekishoctl finds the trail (incident link) in the configuration the gateway runs with.
        cls.ctl_config = os.path.join(cls.demo.dir, "login.yaml")

    def wait_for(self, receiver, rule, what):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if receiver.of_rule(rule):
                return receiver.of_rule(rule)
            time.sleep(0.2)
        self.fail("no %s alert reached %s; got %r\n%s" % (rule, what, receiver.alerts, self.log_tail()))

    def records(self):
        with open(self.audit_log) as f:
            return [json.loads(line) for line in f if line.endswith("\n")]

    def wait_record(self, predicate, what):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = [r for r in self.records() if predicate(r)]
            if found:
                return found
            time.sleep(0.2)
        self.fail("no %s in the audit trail\n%s" % (what, self.log_tail()))


class FacilityRoutingTest(FacilityAlertsEnvironment):

    burst_done = False

    @classmethod
    def burst_against_a(cls, test):
        """Three wrong passwords for a user of A on A's terminal (once per class)."""
        if not cls.burst_done:
            cls.add_user("ward.nurse", facility=A)
            for _ in range(3):
                test.assertEqual(test.login("ward.nurse", "Wrong-pass-1")[0].status, 401)
            cls.burst_done = True
        test.wait_for(cls.hospital[A], "login_failures", "facility A's webhook")
        return test.wait_for(cls.operator, "login_failures", "the operator's webhook")[0]

    def test_a_burst_against_a_users_account_reaches_the_operator_and_that_hospital_only(self):
        to_operator = self.burst_against_a(self)
        to_a = self.hospital[A].of_rule("login_failures")[0]
        time.sleep(2)  # a POST to B would have arrived by now
        with self.hospital[B].lock:
            self.assertEqual(self.hospital[B].posts, 0, "facility B heard of A's alert: %r" % self.hospital[B].alerts)
        self.assertEqual(len(self.hospital[A].of_rule("login_failures")), 1)
        self.assertEqual(to_operator["facilities"], [A])
        self.assertEqual(to_a["facility"], A)
        self.assertNotIn("facilities", to_a)
        self.assertEqual(to_a["summary"], "3 or more failed logins at facility %s within 3600 s" % A)
        self.assertEqual((to_a["event"]["event"], to_a["event"]["user"]), ("login.failed", "ward.nurse"))
        self.assertRegex(to_a["time"], r"\+09:00$")
        fired = self.wait_record(lambda r: r["event"] == "alert.fired" and r.get("rule") == "login_failures",
                                 "alert.fired")[0]
        self.assertEqual((fired["facilities"], fired["webhooks"]), (A, "2"))

    def test_an_incident_ties_the_alert_to_a_timeline_that_the_export_freezes(self):
        self.burst_against_a(self)
        fired = self.wait_record(lambda r: r["event"] == "alert.fired" and r.get("rule") == "login_failures",
                                 "alert.fired")[0]
        opened = json.loads(self.ctl("incident", "open", "--title", "Password guessing on ward.nurse",
                                     "--facility", A, "--severity", "high", "--json"))
        iid = opened["id"]
        self.ctl("incident", "note", iid, "--text", "called the ward: nobody at terminal A then")
        # B's alerts are not this incident's: nothing of B's matches, and nothing is linked.
        refused = self.ctl("incident", "link", iid, "--rule", "login_failures", "--facility", B, expect=1)
        self.assertIn("no alert.fired record", refused)
        self.ctl("incident", "link", iid, "--rule", "login_failures", "--facility", A)
        self.wait_record(lambda r: r["event"] == "ledger.incident.link" and r.get("subject") == iid,
                         "the link, copied from the ledger")
        self.ctl("incident", "close", iid, "--resolution", "password reset, terminal checked")

        shown = json.loads(self.ctl("incident", "show", iid, "--json"))
        self.assertEqual(shown["status"], "closed")
        timeline = shown["timeline"]
        # The alert came first; then the incident was opened, noted and closed.
        self.assertEqual([e["kind"] for e in timeline], ["alert", "opened", "note", "closed"])
        self.assertEqual([e["time"] for e in timeline], sorted(e["time"] for e in timeline))
        for entry in timeline:
            self.assertRegex(entry["time"], r"\+09:00$")
        alert = timeline[0]
        self.assertEqual((alert["audit_seq"], alert["time"]), (fired["seq"], fired["time"]))
        self.assertIn("login_failures", alert["text"])
        actor = shown["opened_by"]
        self.assertEqual([e["actor"] for e in timeline[1:]], [actor] * 3)
        text = self.ctl("incident", "show", iid).split("timeline (JST):\n")[1]
        self.assertLess(text.index(" alert "), text.index(" opened "))
        self.assertLess(text.index(" note "), text.index(" closed "))
        self.assertIn(iid, self.ctl("incident", "list", "--json"))

        # Every change is in the ledger with the actor, and the gateway copied it into the trail.
        for action in ("open", "note", "link", "close"):
            record = self.wait_record(lambda r: r["event"] == "ledger.incident." + action and r.get("subject") == iid,
                                      "ledger.incident." + action)[0]
            self.assertEqual(record["actor"], actor)

        out = os.path.join(make_tempdir(self, "sekisho-export-"), "incident")
        self.ctl("audit", "export", self.audit_log, "--out", out, "--incident", iid)
        with open(os.path.join(out, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertEqual(manifest["incident"]["id"], iid)
        self.assertEqual((manifest["incident"]["alerts_linked"], manifest["incident"]["alerts_in_export"]), (1, 1))
        self.assertEqual(manifest["filters"]["since"], fired["time"])  # the period starts at its first alert
        with open(os.path.join(out, "incident.json")) as f:
            self.assertEqual(json.load(f)["timeline"], timeline)
        with open(os.path.join(out, "records.jsonl")) as f:
            exported = [json.loads(line) for line in f]
        self.assertIn(fired["seq"], [r["seq"] for r in exported])
        self.assertIn("ledger.incident.open", [r["event"] for r in exported])
        self.assertTrue(all(r["time"] >= fired["time"] for r in exported))


class CrossFacilityTest(FacilityAlertsEnvironment):
    """A user of B locked out on A's terminal: each hospital learns its own half."""

    def test_each_hospital_sees_only_its_own_side_of_a_cross_facility_lockout(self):
        self.add_user("kim.other", facility=B)
        for _ in range(5):  # the default lockout: 5 failures in 15 minutes
            self.assertEqual(self.login("kim.other", "Wrong-pass-1")[0].status, 401)
        to_operator = self.wait_for(self.operator, "lockout", "the operator")[0]
        to_a = self.wait_for(self.hospital[A], "lockout", "facility A (its terminal)")[0]
        to_b = self.wait_for(self.hospital[B], "lockout", "facility B (its user)")[0]
        self.assertEqual(sorted(to_operator["facilities"]), sorted([A, B]))
        self.assertEqual(to_operator["event"]["user"], "kim.other")
        # B: its user, not A's terminal nor where it stands.
        self.assertEqual(to_b["event"]["user"], "kim.other")
        self.assertEqual(to_b["summary"], "account kim.other locked after failed logins")
        for key in ("device", "serial", "peer", "facility"):
            self.assertNotIn(key, to_b["event"])
        # A: its terminal, not B's account.
        self.assertEqual(to_a["event"]["facility"], A)
        self.assertIn("device", to_a["event"])
        self.assertNotIn("kim.other", json.dumps(to_a))
        self.assertNotIn(B, json.dumps(to_a))
        self.assertNotIn(A, json.dumps(to_b))


if __name__ == "__main__":
    unittest.main()
