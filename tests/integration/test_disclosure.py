"""The self-disclosure (issue 17): `sekishoctl disclose` answers the guideline's MDS/SDS list
from a real demo installation, signs its JSON with the audit seal key (one changed byte and it
no longer verifies), checks a hospital's policy (exactly the unmet items, exit status 1), and
answers the backup items from a real backup folder."""

import json
import os
import shutil
import subprocess
import unittest

from harness import SEKISHOCTL_BIN, GatewayTestCase, write_yaml


class DisclosureTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.demo = cls.make_demo()

    def disclose(self, *args, config=None, check=True):
        proc = subprocess.run([SEKISHOCTL_BIN, "disclose"] + list(args) + ["--config", config or self.demo.config_path],
                              capture_output=True, text=True, timeout=120)
        if check:
            self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc

    def signed(self, name, config=None):
        path = os.path.join(self.tmp, name)
        self.disclose("--format", "json", "--out", path, config=config)
        return path

    def verify(self, path):
        return subprocess.run([SEKISHOCTL_BIN, "disclose", "verify", path, "--key", self.demo.path("audit-seal.pub")],
                              capture_output=True, text=True, timeout=60)

    def document(self, config=None):
        proc = self.verify(self.signed("doc-%d.json" % id(config), config))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return {item["id"]: item for item in json.loads(proc.stdout)["items"]}

    def test_the_demo_is_answered_item_by_item_from_its_configuration(self):
        items = self.document()
        self.assertEqual(len(items), 99)
        self.assertEqual(items["SDS No.59/60/61/62/63"]["answer"], "yes")
        self.assertIn("TLS 1.3 のみ", items["SDS No.59/60/61/62/63"]["remarks"]["ja"])
        self.assertEqual(items["MDS No.4.1"]["answer"], "yes")           # every route needs a login
        self.assertEqual(items["MDS No.4.3"]["answer"], "yes")           # the demo's audit trail
        self.assertEqual(items["MDS No.11"]["answer"], "no")             # break-glass is off in the demo
        self.assertIn("auth.break_glass.enabled: true", items["MDS No.11"]["remedy"]["ja"])
        self.assertEqual(items["SDS No.58.3"]["answer"], "no")           # no backup folder configured
        self.assertIn("backup.dir", items["SDS No.58.3"]["remedy"]["en"])
        self.assertEqual(items["MDS No.28"]["answer"], "not_applicable")
        self.assertIn("有効 1 台", items["MDS No.15"]["remarks"]["ja"])  # the demo terminal, counted
        for item in items.values():
            if item["answer"] == "no":
                self.assertTrue(item["remedy"]["ja"] and item["remedy"]["en"], item["id"])

    def test_the_evidence_names_tests_that_exist_in_this_repository(self):
        root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
        for item in self.document().values():
            for test in item["tests"]:
                if "::" in test:
                    path, name = test.split("::")
                    with open(os.path.join(root, path)) as f:
                        self.assertIn("def %s(" % name, f.read(), test)
                else:
                    path, name = test.split(": ", 1)
                    with open(os.path.join(root, path)) as f:
                        self.assertIn('TEST_CASE("%s"' % name, f.read(), test)

    def test_a_signed_document_verifies_and_one_changed_byte_does_not(self):
        path = self.signed("signed.json")
        with open(path, "rb") as f:
            original = f.read()
        proc = self.verify(path)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("signature good", proc.stderr)
        document = json.loads(proc.stdout)
        self.assertEqual(document["format"], "sekisho-disclosure/1")
        self.assertTrue(document["signing_key"])
        with open(self.demo.config_path, "rb") as f:
            import hashlib
            self.assertEqual(document["config_sha256"], hashlib.sha256(f.read()).hexdigest())
        # One byte changed anywhere in the payload, the header or the signature.
        wrapper = json.loads(original)
        offsets = [original.index(wrapper[part].encode()) + len(wrapper[part]) // 2
                   for part in ("protected", "payload", "signature")]
        offsets.append(original.index(wrapper["payload"].encode()) + len(wrapper["payload"]) - 1)
        for offset in offsets:
            edited = bytearray(original)
            edited[offset] = ord("A") if edited[offset] != ord("A") else ord("B")
            with open(path, "wb") as f:
                f.write(edited)
            proc = self.verify(path)
            self.assertEqual(proc.returncode, 1, "offset %d verified after an edit" % offset)
            self.assertIn("does NOT verify", proc.stderr)
        # And a key other than the gateway's refuses the original.
        with open(path, "wb") as f:
            f.write(original)
        proc = subprocess.run([SEKISHOCTL_BIN, "disclose", "verify", path, "--key", self.demo.path("assertion.key")],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 1)

    def test_a_policy_the_demo_fails_on_two_items_reports_exactly_those(self):
        policy = write_yaml(os.path.join(self.tmp, "hospital.yaml"), {
            "name": "demo hospital",
            "answers": {"SDS No.60": "yes", "MDS No.4.1": "はい", "MDS No.15": "yes", "MDS No.11": "yes",
                        "SDS No.58.3": ["yes"], "MDS No.28": ["yes", "not_applicable"]},
            "limits": {"lockout_max_failures": {"max": 5}, "tls_profile": ["tls13"],
                       "session_idle_timeout": {"max": "15m"}},
        })
        proc = self.disclose("--against", policy, "--lang", "en", check=False)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        lines = [line.strip() for line in proc.stdout.splitlines() if line.startswith("  ")]
        self.assertEqual(len(lines), 2, proc.stdout)
        self.assertTrue(lines[0].startswith("MDS No.11: required yes, is no"), lines[0])
        self.assertTrue(lines[1].startswith("SDS No.58.3: required yes, is no"), lines[1])
        # Limits the demo does not meet are reported the same way; a met policy exits 0.
        strict = write_yaml(os.path.join(self.tmp, "strict.yaml"), {
            "limits": {"session_idle_timeout": {"max": "10m"}, "password_min_length": {"min": 12}}})
        proc = self.disclose("--against", strict, "--lang", "en", check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("limit session_idle_timeout: required at most 10 min, is 15 min", proc.stdout)
        self.assertIn("limit password_min_length: required at least 12, is 8", proc.stdout)
        met = write_yaml(os.path.join(self.tmp, "met.yaml"), {"answers": {"SDS No.17.1": "yes"}})
        proc = self.disclose("--against", met, check=False)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("policy met", proc.stdout)
        # A hospital's name is printed as text, never as terminal control codes.
        named = write_yaml(os.path.join(self.tmp, "named.yaml"), {"name": "\x1b]0;pwned\x07\x1b[2JALL MET\r",
                                                                 "answers": {"MDS No.11": "yes"}})
        proc = self.disclose("--against", named, "--lang", "en", check=False)
        self.assertEqual(proc.returncode, 1)
        self.assertNotIn("\x1b", proc.stdout)
        self.assertNotIn("\r", proc.stdout)
        self.assertIn("\\x1b]0;pwned", proc.stdout)
        # A policy naming an item that does not exist is refused with its line.
        broken = os.path.join(self.tmp, "broken.yaml")
        with open(broken, "w") as f:
            f.write("answers:\n  \"MDS No.4.1\": yes\n  \"SDS No.999\": yes\n")
        proc = self.disclose("--against", broken, check=False)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("broken.yaml:3", proc.stderr)
        self.assertIn("names no item", proc.stderr)

    def test_backups_are_yes_only_with_a_fresh_generation_that_verifies(self):
        backups = os.path.join(self.tmp, "backups")
        with open(self.demo.config_path) as f:
            text = f.read()
        config = os.path.join(self.demo.dir, "with-backup.yaml")
        with open(config, "w") as f:
            f.write(text + "\nbackup:\n  dir: %s\n" % backups)
        items = self.document(config)
        self.assertEqual(items["SDS No.58.3"]["answer"], "no")
        self.assertIn("sekishoctl backup create", items["SDS No.58.3"]["remedy"]["en"])
        for _ in range(2):
            proc = subprocess.run([SEKISHOCTL_BIN, "backup", "create", "--out", backups, "--config", config],
                                  capture_output=True, text=True, timeout=120)
            self.assertEqual(proc.returncode, 0, proc.stderr)
        items = self.document(config)
        self.assertEqual(items["SDS No.58.3"]["answer"], "yes", items["SDS No.58.3"]["remarks"]["en"])
        self.assertEqual(items["SDS No.58.1/58.2"]["answer"], "yes", items["SDS No.58.1/58.2"]["remarks"]["en"])
        self.assertIn("2 complete generation(s)", items["SDS No.58.1/58.2"]["remarks"]["en"])
        # A generation copied under a newer (here: future) name is not a generation of its own:
        # neither fresher nor one more.
        newest = sorted(d for d in os.listdir(backups) if not d.startswith("."))[-1]
        shutil.copytree(os.path.join(backups, newest), os.path.join(backups, "2099-01-01T000000+0900"))
        items = self.document(config)
        remarks = items["SDS No.58.1/58.2"]["remarks"]["en"]
        self.assertIn("2 complete generation(s); newest %s" % newest, remarks)
        self.assertIn("2099-01-01T000000+0900: its manifest is generation %s's (a copy under another name)" % newest,
                      remarks)
        shutil.rmtree(os.path.join(backups, "2099-01-01T000000+0900"))
        # A damaged newest generation turns them back into no, naming the file.
        with open(os.path.join(backups, newest, "registry.db"), "ab") as f:
            f.write(b"x")
        items = self.document(config)
        self.assertEqual(items["MDS No.26"]["answer"], "no")
        self.assertIn("registry.db", items["MDS No.26"]["remarks"]["en"])


if __name__ == "__main__":
    unittest.main()
