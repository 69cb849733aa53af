"""The periodic review (issue 16 item 5) against the real gateway and sekishoctl: a terminal
that connects gets a last-seen time once the gateway flushes its sightings (and leaves the
"not seen for N days" list), a user who never logged in and a device never seen are listed,
the CSV guards a hostile display name, the HTML page is well-formed and bilingual, and the
unused-account policy disables a stale account with a ledger entry — from the gateway at
start (auth.disable_unused_after) and from `sekishoctl user disable-unused`, whose dry run
changes nothing — but never a break-glass account or the last admin.

Staleness is seeded by moving the accounts' times back in the SQLite file (the registry has
no other clock to wind), as an account untouched for half a year would hold them."""
import csv
import html.parser
import io
import json
import os
import pwd
import sqlite3
import subprocess
import time

from harness import SEKISHOCTL_BIN, EchoServer, GatewayTestCase, route, write_yaml

DAY = 86400
HOSTILE_NAME = '=HYPERLINK("http://evil.example/","click"),<script>alert(1)</script>'
VOID_ELEMENTS = {"meta", "br", "link", "img", "hr", "input"}


class WellFormed(html.parser.HTMLParser):
    """Every element closed in order (void elements apart); the text and the tags seen."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.tags, self.text, self.problems = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append("</%s> closes %s" % (tag, self.stack[-1:] or "nothing"))
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


class PeriodicReviewTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.registry = os.path.join(demo.dir, "registry.db")
        cls.config_path = os.path.join(demo.dir, "review-test.yaml")
        config = demo.config(cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
                             registry={"sqlite": cls.registry, "last_seen_flush": "1s"},
                             auth={"disable_unused_after": "90d"})
        write_yaml(cls.config_path, config)
        # Before the gateway starts: accounts its policy will find at once.
        cls.ctl_static("user", "add", "chief", "--facility", "demo-clinic", "--role", "admin", "--name", "Chief")
        cls.ctl_static("user", "add", "never.logged", "--facility", "demo-clinic", "--role", "nurse")
        cls.ctl_static("user", "add", "stale.at.start", "--facility", "demo-clinic", "--role", "nurse")
        cls.ctl_static("user", "add", "hostile", "--facility", "demo-clinic", "--role", "nurse",
                       "--name", HOSTILE_NAME)
        cls.ctl_static("user", "add", "emergency", "--facility", "demo-clinic", "--role", "doctor",
                       "--break-glass")
        cls.age_account("stale.at.start", 200, last_login_days=150)
        cls.age_account("emergency", 400)
        # A terminal registered but never connected, and one whose certificate ends in 10 days.
        device_ca = demo.device_ca(os.path.join(cls.tmp, "device-ca-db"))
        spare_cert, _ = device_ca.issue(
            "spare", "/O=demo-clinic/CN=spare-01", san="URI:urn:sekisho:device:demo-clinic:spare-01")
        spare = json.loads(cls.ctl_static("device", "register", "--facility", "demo-clinic", "--name",
                                          "spare-pc", "--cert", spare_cert, "--json").stdout)
        cls.spare_device = spare["id"]
        short_cert, _ = device_ca.issue(
            "short", "/O=demo-clinic/CN=short-01", san="URI:urn:sekisho:device:demo-clinic:short-01", days=10)
        cls.short_device = json.loads(cls.ctl_static("device", "register", "--facility", "demo-clinic", "--name",
                                                     "short-pc", "--cert", short_cert, "--json").stdout)["id"]
        cls.start_gateway(cls.config_path)

    # --- helpers -------------------------------------------------------------------------

    @classmethod
    def ctl_static(cls, *args, expect=0):
        proc = subprocess.run([SEKISHOCTL_BIN] + list(args) + ["--config", cls.config_path],
                              capture_output=True, text=True, timeout=120)
        if proc.returncode != expect:
            raise AssertionError("sekishoctl %s: exit %d\nstdout: %s\nstderr: %s"
                                 % (" ".join(args), proc.returncode, proc.stdout, proc.stderr))
        return proc

    def ctl(self, *args, expect=0):
        return self.ctl_static(*args, expect=expect)

    @classmethod
    def age_account(cls, user, days, last_login_days=None):
        """Moves the account's creation and last change back by days (and its last login)."""
        now = int(time.time())
        db = sqlite3.connect(cls.registry)
        try:
            db.execute("UPDATE users SET created_at = ?, updated_at = ?, last_login_at = ? WHERE id = ?",
                       (now - days * DAY, now - days * DAY,
                        None if last_login_days is None else now - last_login_days * DAY, user))
            db.commit()
        finally:
            db.close()

    def user(self, user_id):
        return json.loads(self.ctl("user", "show", user_id, "--json").stdout)

    def ledger(self, subject, action):
        entries = json.loads(self.ctl("device", "ledger", "--json").stdout)["entries"]
        return [e for e in entries if e["subject"] == subject and e["action"] == action]

    def review(self, *args):
        return self.ctl("report", "review", *args).stdout

    def wait_until(self, predicate, what, timeout=60):
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if predicate():
                return
            time.sleep(0.2)
        self.fail("not within %ds: %s\n%s" % (timeout, what, self.log_tail()))

    # --- tests ---------------------------------------------------------------------------

    def test_connected_terminal_gets_a_last_seen_time_and_leaves_the_unseen_list(self):
        fingerprint = self.demo.fingerprint
        before = json.loads(self.ctl("device", "show", fingerprint, "--json").stdout)
        self.assertIsNone(before["last_seen_at"], "the demo terminal has not connected yet")
        unseen = [d["id"] for d in json.loads(self.review("--format", "json"))["unseen_devices"]]
        self.assertIn(before["id"], unseen)

        flushes = self.gateway.metric("sekisho_last_seen_flushes_total", result="ok") or 0
        connected_at = int(time.time())
        self.assertEqual(self.device_curl("/").status, 200, self.log_tail())
        self.gateway.wait_metric_at_least(flushes + 1, "sekisho_last_seen_flushes_total", result="ok")
        after = json.loads(self.ctl("device", "show", fingerprint, "--json").stdout)
        self.assertIsNotNone(after["last_seen_at"], self.log_tail())
        self.assertGreaterEqual(after["last_seen_at"], connected_at - 1)

        report = json.loads(self.review("--format", "json", "--days", "90"))
        unseen = [d["id"] for d in report["unseen_devices"]]
        self.assertNotIn(after["id"], unseen)
        self.assertIn(self.spare_device, unseen, "a device never seen is listed")
        spare = next(d for d in report["unseen_devices"] if d["id"] == self.spare_device)
        self.assertIsNone(spare["days_unseen"])

    def test_a_user_who_never_logged_in_is_listed_and_the_administrators_too(self):
        report = json.loads(self.review("--format", "json"))
        inactive = {u["id"]: u for u in report["inactive_users"]}
        self.assertIn("never.logged", inactive)
        self.assertIsNone(inactive["never.logged"]["days_idle"])
        self.assertNotIn("emergency", inactive, "break-glass accounts have a list of their own")
        self.assertEqual([a["id"] for a in report["break_glass"]], ["emergency"])
        admins = {a["id"]: a for a in report["administrators"]}
        self.assertIn("chief", admins)
        self.assertEqual(report["active_admins"], 1)
        self.assertTrue(report["notes"], "fewer than two admins is called out")
        text = self.review()
        self.assertIn("never.logged", text)
        self.assertIn("Users not logged in for 90 days", text)

    def test_a_certificate_ending_within_30_days_is_listed(self):
        expiring = json.loads(self.review("--format", "json"))["expiring_certificates"]
        self.assertEqual([c["device_id"] for c in expiring], [self.short_device])
        self.assertIn(expiring[0]["days_left"], (9, 10))
        self.assertFalse(expiring[0]["expired"])

    def test_csv_quotes_and_guards_a_hostile_display_name(self):
        out = os.path.join(self.tmp, "review.csv")
        self.ctl("report", "review", "--format", "csv", "--out", out)
        self.assertEqual(os.stat(out).st_mode & 0o777, 0o600)
        with open(out, "rb") as f:
            raw = f.read()
        self.assertTrue(raw.startswith(b"\xef\xbb\xbf"))
        self.assertIn(b"\r\n", raw)
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
        sections = [row[1] for row in rows if row and row[0] == "section"]
        for key in ("inactive_users", "unseen_devices", "expiring_certificates", "administrators",
                    "break_glass", "locked_accounts"):
            self.assertIn(key, sections)
        hostile = next(row for row in rows if row and row[0] == "hostile")
        self.assertEqual(hostile[1], "'" + HOSTILE_NAME, "the formula is neutralised, the text kept")
        self.assertNotIn(b"\n=HYPERLINK", raw)
        self.assertNotIn(b",=HYPERLINK", raw)

    def test_html_is_well_formed_self_contained_and_in_both_languages(self):
        page = self.review("--format", "html")
        parser = WellFormed()
        parser.feed(page)
        parser.close()
        self.assertEqual(parser.problems, [])
        self.assertEqual(parser.stack, [], "elements left open")
        self.assertNotIn("script", parser.tags)
        self.assertNotIn("link", parser.tags)
        self.assertIn("style", parser.tags)
        text = "".join(parser.text)
        for words in ("定期見直しレポート", "Periodic review report", "未使用のユーザー", "Users not logged in",
                      "管理者と最近の操作", "Administrators and their last actions", "JST"):
            self.assertIn(words, text)
        self.assertIn(HOSTILE_NAME, text, "the hostile name shows as text")
        self.assertNotIn("<script>alert", page)

    def test_gateway_disables_a_stale_account_at_start_and_ledgers_it(self):
        self.wait_until(lambda: self.user("stale.at.start")["status"] == "disabled",
                        "the gateway disables the account unused for 150 days")
        entries = self.ledger("stale.at.start", "user.disable")
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0]["actor"], "gateway:disable-unused")
        self.assertIn("unused for 150 days", entries[0]["reason"])
        self.assertIn("auth.disable_unused_after", entries[0]["reason"])
        self.gateway.wait_metric_at_least(1, "sekisho_accounts_disabled_unused_total")
        self.gateway.wait_for_log(r"user\.disabled_unused .*user=stale\.at\.start")
        # Never: the break-glass account (400 days untouched), the fresh ones, the only admin.
        for kept in ("emergency", "never.logged", "chief", "demo.nurse"):
            self.assertEqual(self.user(kept)["status"], "active", kept)

    def test_user_disable_unused_dry_run_changes_nothing_then_disables(self):
        self.ctl("user", "add", "stale.later", "--facility", "demo-clinic", "--role", "nurse")
        self.age_account("stale.later", 120)
        self.age_account("chief", 300)  # the only admin: kept all the same
        before = self.ledger("stale.later", "user.disable")

        dry = json.loads(self.ctl("user", "disable-unused", "--days", "90", "--dry-run", "--json").stdout)
        outcomes = {a["id"]: a["outcome"] for a in dry["accounts"]}
        self.assertEqual(outcomes.get("stale.later"), "would be disabled")
        self.assertIn("last active administrator", outcomes.get("chief", ""))
        self.assertEqual(dry["disabled"], 0)
        self.assertEqual(self.user("stale.later")["status"], "active")
        self.assertEqual(self.ledger("stale.later", "user.disable"), before)

        done = json.loads(self.ctl("user", "disable-unused", "--days", "90", "--json").stdout)
        self.assertEqual({a["id"]: a["outcome"] for a in done["accounts"]}.get("stale.later"), "disabled")
        self.assertEqual(self.user("stale.later")["status"], "disabled")
        self.assertEqual(self.user("chief")["status"], "active")
        entries = self.ledger("stale.later", "user.disable")
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0]["actor"], "local:" + pwd.getpwuid(os.getuid()).pw_name)
        self.assertIn("unused for 120 days", entries[0]["reason"])
