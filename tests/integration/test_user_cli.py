"""`sekishoctl user ...` against a real registry: the demo user added by `demo init`, the
password policy on --password-stdin, generated temporary passwords shown once, a reset that
needs an identity-check note in the ledger, disable/enable/unlock, listing by facility, and
the command-line contract (exit 1 for a refused operation, exit 2 for a usage mistake)."""
import json
import os
import pwd
import subprocess
import unittest

from harness import SEKISHOCTL_BIN, Demo, free_port, make_tempdir


class UserCliTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = make_tempdir(cls)
        cls.demo = Demo(os.path.join(cls.tmp, "demo"), free_port(), "http://127.0.0.1:9")

    # --- helpers ---------------------------------------------------------------------------

    def ctl(self, *args, group="user", stdin=None, expect=0):
        """Runs `sekishoctl GROUP ARGS` on the demo's config; checks the exit status."""
        cmd = [SEKISHOCTL_BIN, group] + list(args) + [
            "--config", self.demo.config_path]
        result = subprocess.run(cmd, input=(stdin or "").encode(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, timeout=60)
        stdout = result.stdout.decode(errors="replace")
        stderr = result.stderr.decode(errors="replace")
        self.assertEqual(result.returncode, expect, "%s\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(cmd), stdout, stderr))
        return stdout, stderr

    def ctl_json(self, *args, **kwargs):
        stdout, _ = self.ctl(*(args + ("--json",)), **kwargs)
        return json.loads(stdout)

    def add(self, user_id, *extra, facility="ward-3", role="nurse", **kwargs):
        return self.ctl_json("add", user_id, "--facility", facility, "--role", role, *extra,
                             **kwargs)

    def ledger(self, subject, action):
        entries = self.ctl_json("ledger", group="device")["entries"]
        return [e for e in entries if e["subject"] == subject and e["action"] == action]

    # --- tests -----------------------------------------------------------------------------

    def test_demo_init_adds_the_demo_user(self):
        info = self.demo.info["user"]
        self.assertEqual(info["id"], "demo.nurse")
        self.assertGreaterEqual(len(info["password"]), 8)
        self.assertIn("device", self.demo.info)  # the other keys stay
        user = self.ctl_json("show", "demo.nurse")
        self.assertEqual(user["status"], "active")
        self.assertEqual(user["roles"], ["nurse"])
        self.assertEqual(user["facility"], "demo-clinic")
        self.assertEqual(user["display_name"], "Demo Nurse")
        self.assertFalse(user["must_change"])

    def test_policy_violating_passwords_are_refused(self):
        # "Kqtram7Vy2x" has three classes but no symbol: the guideline wants letters, digits
        # and symbols (REQUIREMENTS §3), unless auth.password_rule says three_of_four.
        for password, why in (("Ab1!x", "too short"), ("Password1!", "common"),
                              ("Xpolicy.victim9!", "contains the id"), ("Kqtram7Vy2x", "no symbol")):
            with self.subTest(why=why):
                _, stderr = self.ctl("add", "policy.victim", "--facility", "ward-3", "--role",
                                     "nurse", "--password-stdin", stdin=password + "\n", expect=1)
                self.assertIn("refused", stderr)
                self.assertIn("policy.victim", stderr)
        self.ctl("show", "policy.victim", expect=1)

    def test_add_with_a_good_password_never_shows_it_or_the_hash(self):
        password = "Kq7#tram-Vy2"
        user = self.add("good.pass", "--name", "Good Pass", "--password-stdin", stdin=password + "\n")
        self.assertNotIn("temporary_password", user)
        self.assertFalse(user["must_change"])
        for args in (("show", "good.pass", "--json"), ("show", "good.pass"), ("list", "--json"),
                     ("list",)):
            stdout, _ = self.ctl(*args)
            self.assertNotIn(password, stdout)
            self.assertNotIn("argon2", stdout)
            self.assertNotIn("hash", stdout)
        forced = self.add("good.forced", "--password-stdin", "--must-change",
                          stdin=password + "\n")
        self.assertTrue(forced["must_change"])

    def test_add_without_password_prints_a_temporary_one_once(self):
        stdout, _ = self.ctl("add", "temp.user", "--facility", "ward-3", "--role", "nurse",
                             "--role", "doctor", "--json")
        user = json.loads(stdout)
        temporary = user["temporary_password"]
        self.assertEqual(len(temporary), 20)
        self.assertEqual(stdout.count(temporary), 1)
        self.assertTrue(user["must_change"])
        self.assertEqual(user["roles"], ["nurse", "doctor"])
        shown, _ = self.ctl("show", "temp.user", "--json")
        self.assertNotIn(temporary, shown)
        self.assertNotIn("temporary_password", json.loads(shown))

    def test_reset_password_needs_the_identity_check(self):
        self.add("reset.me", "--password-stdin", stdin="Kq7#tram-Vy2\n")
        self.ctl("reset-password", "reset.me", expect=2)
        note = "staff card shown at the ward desk"
        user = self.ctl_json("reset-password", "reset.me", "--identity-check", note)
        self.assertEqual(len(user["temporary_password"]), 20)
        self.assertTrue(user["must_change"])
        resets = self.ledger("reset.me", "user.password_reset")
        self.assertEqual(len(resets), 1)
        self.assertEqual(resets[0]["reason"], note)
        self.assertEqual(resets[0]["actor"], "local:" + pwd.getpwuid(os.getuid()).pw_name)
        # An admin-chosen password still forces a change; the policy applies.
        chosen = self.ctl_json("reset-password", "reset.me", "--identity-check", note,
                               "--password-stdin", stdin="Zt5%river-Qm8\n")
        self.assertNotIn("temporary_password", chosen)
        self.assertTrue(chosen["must_change"])
        self.ctl("reset-password", "reset.me", "--identity-check", note, "--password-stdin",
                 stdin="short\n", expect=1)
        self.ctl("reset-password", "nobody.here", "--identity-check", note, expect=1)

    def test_disable_enable_and_unlock(self):
        self.add("life.cycle")
        self.ctl("disable", "life.cycle", expect=2)  # --reason is required
        self.assertEqual(self.ctl_json("disable", "life.cycle", "--reason", "left")["status"],
                         "disabled")
        self.ctl("disable", "life.cycle", "--reason", "again", expect=1)
        self.assertEqual(self.ctl_json("show", "life.cycle")["status"], "disabled")
        self.assertEqual(self.ctl_json("enable", "life.cycle", "--reason", "back")["status"],
                         "active")
        self.assertEqual(self.ctl_json("unlock", "life.cycle")["locked"], False)
        self.assertEqual(len(self.ledger("life.cycle", "user.disable")), 1)
        self.assertEqual(len(self.ledger("life.cycle", "user.enable")), 1)
        self.assertEqual(len(self.ledger("life.cycle", "user.unlock")), 1)

    def test_list_filters_by_facility(self):
        self.add("list.a", facility="ward-7")
        self.add("list.b", facility="ward-7")
        self.add("list.c", facility="ward-8")
        ids = [u["id"] for u in self.ctl_json("list", "--facility", "ward-7")["users"]]
        self.assertEqual(ids, ["list.a", "list.b"])
        everyone = [u["id"] for u in self.ctl_json("list")["users"]]
        self.assertIn("list.c", everyone)
        self.assertIn("demo.nurse", everyone)
        text, _ = self.ctl("list", "--facility", "ward-8")
        self.assertIn("list.c", text)
        self.assertNotIn("list.a", text)

    def test_duplicate_id_is_refused(self):
        self.add("dup.user")
        _, stderr = self.ctl("add", "DUP.user", "--facility", "ward-3", "--role", "nurse",
                             expect=1)
        self.assertIn("already exists", stderr)

    def test_usage_mistakes_exit_2(self):
        self.ctl("add", "no.role", "--facility", "ward-3", expect=2)
        self.ctl("add", "bad id", "--facility", "ward-3", "--role", "nurse", expect=2)
        self.ctl("add", "bad.role", "--facility", "ward-3", "--role", "Nurse", expect=2)
        self.ctl("frobnicate", expect=2)
        self.ctl("show", expect=2)
        self.ctl("show", "nobody.here", expect=1)


if __name__ == "__main__":
    unittest.main()
