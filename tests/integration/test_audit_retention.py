"""Audit retention with a deletion duty, against the real binaries. A trail the gateway
wrote in four runs, each closed file renamed the way the rotation names it but with dates
of a year ago and more (as years of daily rotation leave it): `sekishoctl audit purge`
deletes the files past audit.retention and records each deletion, an investigation export
put on legal hold keeps its file, `audit verify --trail` passes after the purge and fails
on a file deleted without a record, the gateway copies the records into the trail, and
with audit.purge the gateway purges by itself once the hold is lifted."""
import datetime
import json
import os
import pwd
import shutil
import subprocess
import unittest

from harness import SEKISHOCTL_BIN, EchoServer, GatewayTestCase, route, wait_for, write_yaml

JST = datetime.timezone(datetime.timedelta(hours=9))


def rotated_name(audit_log, days_ago):
    """<file>.<yyyymmddThhmmss.mmm> in JST, as audit_log.cpp's rotation names a file closed then."""
    closed = datetime.datetime.now(JST) - datetime.timedelta(days=days_ago)
    return "%s.%s.%03d" % (audit_log, closed.strftime("%Y%m%dT%H%M%S"), closed.microsecond // 1000)


def records(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


class AuditRetentionTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        cls.audit_dir = os.path.join(cls.tmp, "audit")
        os.makedirs(cls.audit_dir)
        cls.audit_log = os.path.join(cls.audit_dir, "audit.log")
        cls.public_key = demo.info["audit_seal_public_key"]
        routes = [route("echo", "http://127.0.0.1:%d" % cls.echo.port, login=False)]

        def config(name, purge):
            audit = {"file": cls.audit_log, "seal_key": demo.path("audit-seal.key"), "retention": "365d",
                     "purge": purge}
            return write_yaml(os.path.join(demo.dir, name),
                              demo.config(cls.listen_port, cls.admin_port, routes, audit=audit,
                                          alerts={"volume_check_interval": "1s"}))
        cls.timer_config = config("timer.yaml", False)     # purged by `sekishoctl audit purge`
        cls.gateway_config = config("gateway.yaml", True)  # purged by the gateway itself

    # --- helpers ---------------------------------------------------------------------------

    def ctl(self, *args, config=None, expect=0):
        cmd = [SEKISHOCTL_BIN, "audit", *args] + (["--config", config] if config else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, expect, "%s\n%s%s" % (cmd, proc.stdout, proc.stderr))
        return proc.stdout

    def verify_trail(self, expect=0):
        out = self.ctl("verify", "--trail", self.audit_log, "--key", self.public_key, "--json", expect=expect)
        return json.loads(out)

    def run_once(self, config, requests=3):
        gateway = self.start_gateway(config)
        for i in range(requests):
            self.assertEqual(self.device_curl("/r/%d" % i).status, 200)
        return gateway

    def close_as_rotated(self, days_ago):
        """What the rotation does at close: the live file renamed to its close time."""
        name = rotated_name(self.audit_log, days_ago)
        os.rename(self.audit_log, name)
        return name

    # --- the test --------------------------------------------------------------------------

    def test_purge_hold_verify_and_the_gateway_purging_itself(self):
        # Four files closed 400, 390, 380 and 10 days ago, and the live one.
        closed = []
        for days_ago in (400, 390, 380, 10):
            self.run_once(self.timer_config).stop()
            closed.append(self.close_as_rotated(days_ago))
        self.run_once(self.timer_config).stop()
        oldest, held, expired, young = closed
        self.assertTrue(self.verify_trail()["ok"])

        # An investigation takes the 390-day-old file away and puts it on hold.
        export = os.path.join(self.tmp, "case-041")
        self.ctl("export", held, "--out", export, "--key", self.public_key)
        self.ctl("hold", "add", "case-041", "--export", export, "--reason", "inspection request 2026-12",
                 config=self.timer_config)
        holds = json.loads(self.ctl("hold", "list", "--json", config=self.timer_config))
        self.assertEqual([h["name"] for h in holds], ["case-041"])
        self.assertEqual(holds[0]["first_seq"], records(held)[0]["seq"])

        # A dry run lists and touches nothing.
        dry = json.loads(self.ctl("purge", "--dry-run", "--json", config=self.timer_config))
        self.assertEqual([f["file"] for f in dry["would_purge"]], [os.path.basename(oldest), os.path.basename(expired)])
        self.assertEqual([(f["file"], f["held_by"]) for f in dry["held"]], [(os.path.basename(held), "case-041")])
        self.assertEqual(dry["kept"], 1)
        self.assertTrue(all(os.path.exists(f) for f in closed))

        last_of_expired = records(expired)[-1]["seq"]
        done = json.loads(self.ctl("purge", "--json", config=self.timer_config))
        self.assertEqual(len(done["purged"]), 2)
        self.assertEqual(done["retention"], "365d")
        self.assertFalse(os.path.exists(oldest) or os.path.exists(expired))
        self.assertTrue(os.path.exists(held) and os.path.exists(young))

        # The whole trail still verifies: the purged files are accounted for.
        result = self.verify_trail()
        self.assertTrue(result["ok"], result)
        self.assertEqual(result["purged_files"], 2)

        # The gateway copies the deletions (and the hold) into the trail itself.
        gateway = self.run_once(self.timer_config, requests=1)
        gateway.wait_for_log(r"audit\.purged")
        gateway.stop()
        trail = records(self.audit_log)
        purged = [r for r in trail if r["event"] == "audit.purged"]
        self.assertEqual([r["file"] for r in purged], [os.path.basename(oldest), os.path.basename(expired)])
        self.assertEqual(purged[1]["last_seq"], str(last_of_expired))
        self.assertEqual(purged[1]["retention"], "365d")
        # Who: the OS user that ran sekishoctl (not a name anyone typed).
        self.assertIn(pwd.getpwuid(os.getuid()).pw_name, purged[1]["by"], purged[1])
        self.assertTrue([r for r in trail if r["event"] == "audit.hold_added" and r["hold"] == "case-041"])
        self.assertTrue(self.verify_trail()["ok"])

        # A file deleted without a record is found.
        saved = os.path.join(self.tmp, "saved")
        shutil.copy2(young, saved)
        os.remove(young)
        broken = self.verify_trail(expect=1)
        self.assertIn("a record is missing", broken["problem"])
        shutil.copy2(saved, young)
        self.assertTrue(self.verify_trail()["ok"])

        # The hold lifted, the gateway purges the held file by itself at start.
        self.ctl("hold", "remove", "case-041", config=self.timer_config)
        gateway = self.start_gateway(self.gateway_config)
        gateway.wait_for_log(r"audit\.retention_checked")
        self.assertTrue(wait_for(lambda: not os.path.exists(held), 30, 0.2), gateway.log_tail())
        gateway.wait_for_log(r"audit\.purged.*by=gateway")
        gateway.stop()
        trail = records(self.audit_log)
        by_gateway = [r for r in trail if r["event"] == "audit.purged" and r["by"] == "gateway"]
        self.assertEqual([r["file"] for r in by_gateway], [os.path.basename(held)])
        checked = [r for r in trail if r["event"] == "audit.retention_checked"]
        self.assertEqual((checked[-1]["purged"], checked[-1]["held"]), ("1", "0"))
        self.assertTrue(os.path.exists(young), "a file within retention was deleted")
        result = self.verify_trail()
        self.assertTrue(result["ok"], result)
        self.assertEqual(result["purged_files"], 3)
        self.assertTrue(os.path.exists(os.path.join(export, "manifest.json")), "the export itself was touched")


if __name__ == "__main__":
    unittest.main()
