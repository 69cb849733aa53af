"""`sekishoctl backup`: a generation made while the gateway runs holds the registry, the
configuration, certificates, CRLs and (sealed under a passphrase) the keys; after the
registry and PKI folders are destroyed, `backup restore` brings back a gateway that admits
the same terminal, lets the same user log in, and continues the same audit chain. A changed
or added file fails `verify` by its name; a wrong passphrase is said to be one; a restore
never writes into a non-empty target; old generations are pruned."""
import glob
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import unittest

from gateway_process import Gateway
from harness import (SEKISHOCTL_BIN, EchoServer, GatewayTestCase, curl, rewrite_listen_ports)

PASSPHRASE = "correct horse battery staple 16"


def ctl(*args, expect=0):
    proc = subprocess.run([SEKISHOCTL_BIN] + list(args), capture_output=True, text=True, timeout=300)
    if expect is not None and proc.returncode != expect:
        raise AssertionError("sekishoctl %s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s" % (
            " ".join(args), proc.returncode, expect, proc.stdout, proc.stderr))
    return proc


class BackupTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        # An installation's layout: configuration and PKI in one folder (demo.dir, as
        # /etc/sekisho), the registry in another (/var/lib/sekisho), the audit trail in a
        # third (/var/log/sekisho), which a backup does not hold and a restore leaves alone.
        cls.lib = os.path.join(cls.tmp, "lib")
        cls.log = os.path.join(cls.tmp, "log")
        os.makedirs(cls.lib)
        os.makedirs(cls.log)
        cls.registry = os.path.join(cls.lib, "registry.db")
        cls.audit_log = os.path.join(cls.log, "audit.log")
        os.rename(os.path.join(demo.dir, "registry.db"), cls.registry)
        with open(demo.config_path) as f:
            text = f.read()
        text = re.sub(r"(?m)^  sqlite: registry\.db", "  sqlite: " + cls.registry, text)
        text = re.sub(r"(?m)^  file: audit/audit\.log", "  file: " + cls.audit_log, text)
        with open(demo.config_path, "w") as f:
            f.write(text)
        rewrite_listen_ports(demo.config_path, cls.listen_port, cls.admin_port)
        # The terminal keeps its own certificate and the root it trusts: not the gateway's files.
        terminal = os.path.join(cls.tmp, "terminal")
        os.makedirs(terminal)
        for attr in ("device_cert", "device_key", "ca_bundle"):
            copy = shutil.copy(getattr(demo, attr), terminal)
            setattr(demo, attr, copy)
        cls.passphrase_file = cls.secret_file("passphrase", PASSPHRASE)
        cls.backups = os.path.join(cls.tmp, "backups")

        cls.start_gateway(demo.config_path)
        cls.expect_login(200)
        cls.expect_login(401, password="Wrong-pass-1")
        # While it runs: the registry is in use (WAL), the audit trail is being written.
        out = ctl("backup", "create", "--out", cls.backups, "--config", demo.config_path,
                  "--passphrase-file", cls.passphrase_file, "--json")
        cls.created = json.loads(out.stdout)
        cls.generation = cls.created["generation"]
        cls.expect_login(200)  # after the backup: not in the copy
        cls.gateway.stop()
        with open(os.path.join(cls.generation, "manifest.json")) as f:
            cls.manifest = json.load(f)

    @classmethod
    def expect_login(cls, status, **kwargs):
        result = cls.api_login(**kwargs)[0]
        if result.status != status:
            raise AssertionError("login: %s, expected %d\n%s" % (result.describe(), status, cls.gateway.log_tail()))

    @classmethod
    def secret_file(cls, name, text):
        path = os.path.join(cls.tmp, name)
        with open(path, "w") as f:
            f.write(text + "\n")
        os.chmod(path, 0o600)
        return path

    def copy_of_generation(self, name):
        copy = os.path.join(self.tmp, name, os.path.basename(self.generation))
        shutil.copytree(self.generation, copy)
        return copy

    def audit_verify(self, key):
        # Rotated files (audit.log.<time>) oldest first, the live one last; not the ledger cursor.
        files = sorted((p for p in glob.glob(self.audit_log + "*") if not p.endswith(".ledger-seq")),
                       key=lambda p: (p == self.audit_log, p))
        proc = ctl("audit", "verify", *files, "--key", key, "--json", expect=None)
        return proc.returncode, json.loads(proc.stdout)

    # --- tests -----------------------------------------------------------------------------

    def test_1_the_generation_lists_every_file_and_holds_no_key_in_the_clear(self):
        names = {f["name"]: f for f in self.manifest["files"]}
        for expected in ("registry.db", "files/sekisho.yaml", "files/pki/device-ca.crt", "files/pki/device-ca.crl",
                         "files/pki/root-ca.crl", "files/pki/device-ca-bundle.pem", "audit-seal.pub",
                         "files/pki/device-ca.key.sealed", "files/pki/server.key.sealed",
                         "files/pki/audit-seal.key.sealed", "files/pki/assertion.key.sealed"):
            self.assertIn(expected, names)
        self.assertTrue(names["files/pki/device-ca.key.sealed"]["sealed"])
        self.assertEqual(self.manifest["registry"]["backend"], "sqlite")
        self.assertGreaterEqual(self.manifest["registry"]["rows"]["devices"], 1)
        self.assertGreaterEqual(self.manifest["registry"]["rows"]["users"], 1)
        self.assertEqual(self.manifest["audit"]["file"], self.audit_log)
        self.assertTrue(self.manifest["created_at"].endswith("+09:00"))
        self.assertTrue(re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}\+0900", os.path.basename(self.generation)))
        for root, _, files in os.walk(self.generation):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    self.assertNotIn(b"PRIVATE KEY", f.read(), name)
        self.assertEqual(stat.S_IMODE(os.stat(self.generation).st_mode), 0o700)
        out = ctl("backup", "verify", self.generation, "--passphrase-file", self.passphrase_file, "--json")
        result = json.loads(out.stdout)
        self.assertTrue(result["ok"], result)
        self.assertTrue(result["secrets_checked"])
        self.assertTrue(result["manifest_authenticated"])

    def test_2_destroyed_installation_restored_admits_the_same_terminal_and_user(self):
        shutil.rmtree(self.demo.dir)
        shutil.rmtree(self.lib)
        out = ctl("backup", "restore", self.generation, "--registry-into", self.registry,
                  "--files-into", self.demo.dir, "--passphrase-file", self.passphrase_file, "--json")
        restored = json.loads(out.stdout)
        self.assertEqual(restored["config"], self.demo.config_path)
        self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.demo.dir, "pki", "device-ca.key")).st_mode), 0o600)
        gateway = Gateway(self.demo.config_path, self.listen_port, self.admin_port, self.tmp)
        type(self).gateway = gateway
        gateway.start()
        try:
            result, jar = self.api_login()
            self.assertEqual(result.status, 200, "the restored registry knows the user and the terminal")
            page = curl(gateway.url("/"), cert=self.demo.device_cert, key=self.demo.device_key,
                        cacert=self.demo.ca_bundle, resolve_port=gateway.port, cookie_jar=jar)
            self.assertEqual(page.status, 200, "the terminal is admitted to the route")
            self.assertEqual(self.api_login(password="Wrong-pass-2")[0].status, 401)
        finally:
            gateway.stop()
        rc, chain = self.audit_verify(os.path.join(self.generation, "audit-seal.pub"))
        self.assertEqual(rc, 0, chain)
        self.assertTrue(chain["ok"])
        self.assertEqual(chain["first_seq"], 1, "the chain holds the records from before the backup")
        with open(self.audit_log, "rb") as f:
            lines = f.read().splitlines()
        records = [json.loads(line) for line in lines]
        self.assertEqual([r["event"] for r in records].count("gateway.started"), 2, "one chain over both runs")
        # The trail still holds the head the manifest recorded, and goes on after it.
        head = self.manifest["audit"]
        self.assertGreater(head["head_seq"], 0)
        at = [i for i, r in enumerate(records) if r["seq"] == head["head_seq"]]
        self.assertEqual(len(at), 1)
        self.assertEqual(hashlib.sha256(lines[at[0]]).hexdigest(), head["head_sha256"])
        self.assertGreater(len(records), at[0] + 1)

    def test_3_a_changed_or_added_file_fails_verify_by_its_name(self):
        copy = self.copy_of_generation("tampered")
        crl = os.path.join(copy, "files", "pki", "device-ca.crl")
        with open(crl, "r+b") as f:
            data = f.read()
            f.seek(len(data) // 2)
            f.write(bytes([data[len(data) // 2] ^ 1]))
        with open(os.path.join(copy, "files", "pki", "extra.pem"), "w") as f:
            f.write("planted\n")
        out = ctl("backup", "verify", copy, expect=1)
        self.assertIn("BROKEN: files/pki/device-ca.crl: SHA-256 differs from the manifest", out.stdout)
        self.assertIn("BROKEN: files/pki/extra.pem: not in the manifest", out.stdout)
        target = os.path.join(self.tmp, "from-tampered")
        out = ctl("backup", "restore", copy, "--files-into", target, "--passphrase-file", self.passphrase_file,
                  expect=1)
        self.assertIn("device-ca.crl", out.stderr)
        self.assertFalse(os.path.exists(target), "nothing restored from a broken generation")

    def test_3a_a_manifest_rewritten_to_match_an_altered_file_fails_with_the_passphrase(self):
        copy = self.copy_of_generation("rewritten")
        crl = os.path.join(copy, "files", "pki", "root-ca.crl")
        with open(crl, "ab") as f:
            f.write(b"\n")
        manifest_path = os.path.join(copy, "manifest.json")
        with open(manifest_path) as f:
            manifest = json.load(f)
        with open(crl, "rb") as f:
            data = f.read()
        entry = [e for e in manifest["files"] if e["name"] == "files/pki/root-ca.crl"][0]
        entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
        os.chmod(manifest_path, 0o600)
        with open(manifest_path, "w") as f:
            json.dump(manifest, f)
        ctl("backup", "verify", copy)  # the hashes agree: only the seal tells
        out = ctl("backup", "verify", copy, "--passphrase-file", self.passphrase_file, expect=1)
        self.assertIn("BROKEN: manifest.json: changed after the backup", out.stdout)
        os.remove(os.path.join(copy, "manifest.seal"))
        out = ctl("backup", "verify", copy, expect=1)
        self.assertIn("BROKEN: manifest.seal: missing", out.stdout)

    def test_3b_a_damaged_registry_copy_fails_its_integrity_check(self):
        copy = self.copy_of_generation("damaged-registry")
        registry = os.path.join(copy, "registry.db")
        with open(registry, "r+b") as f:
            f.seek(4096 + 100)
            f.write(b"\xff" * 64)
        out = ctl("backup", "verify", copy, expect=1)
        self.assertIn("BROKEN: registry.db: SHA-256 differs", out.stdout)

    def test_4_a_wrong_passphrase_is_said_to_be_one(self):
        wrong = self.secret_file("wrong-passphrase", "not the passphrase at all")
        out = ctl("backup", "verify", self.generation, "--passphrase-file", wrong, expect=1)
        self.assertRegex(out.stdout, r"BROKEN: files/pki/device-ca\.key\.sealed: the passphrase does not open it: "
                                     r"a wrong passphrase")
        target = os.path.join(self.tmp, "wrong-passphrase-target")
        out = ctl("backup", "restore", self.generation, "--files-into", target, "--passphrase-file", wrong, expect=1)
        self.assertIn("wrong passphrase", out.stderr)
        self.assertFalse(os.path.exists(target))
        readable = os.path.join(self.tmp, "readable-passphrase")
        with open(readable, "w") as f:
            f.write(PASSPHRASE + "\n")
        os.chmod(readable, 0o644)
        out = ctl("backup", "verify", self.generation, "--passphrase-file", readable, expect=1)
        self.assertIn("chmod 600", out.stderr)

    def test_5_a_restore_never_writes_into_a_target_that_holds_something(self):
        busy = os.path.join(self.tmp, "busy")
        os.makedirs(busy)
        with open(os.path.join(busy, "keep.txt"), "w") as f:
            f.write("mine\n")
        out = ctl("backup", "restore", self.generation, "--files-into", busy, "--passphrase-file",
                  self.passphrase_file, expect=1)
        self.assertIn("not empty", out.stderr)
        self.assertEqual(os.listdir(busy), ["keep.txt"])
        existing = os.path.join(self.tmp, "existing.db")
        with open(existing, "wb") as f:
            f.write(b"precious")
        out = ctl("backup", "restore", self.generation, "--registry-into", existing, expect=1)
        self.assertIn("already exists", out.stderr)
        with open(existing, "rb") as f:
            self.assertEqual(f.read(), b"precious")
        out = ctl("backup", "restore", self.generation, "--files-into", os.path.join(self.tmp, "no-pass"), expect=1)
        self.assertIn("--passphrase-file", out.stderr)

    def test_6_generations_beyond_keep_are_pruned_and_failed_ones_removed(self):
        out_dir = os.path.join(self.tmp, "rotation")
        os.makedirs(out_dir)
        failed = os.path.join(out_dir, "2020-01-01T000000+0900")
        os.makedirs(failed)  # no manifest: a create that died
        made = []
        for _ in range(4):
            result = json.loads(ctl("backup", "create", "--out", out_dir, "--config", self.demo.config_path,
                                    "--keep", "2", "--json").stdout)
            made.append(os.path.basename(result["generation"]))
            # No passphrase: the secrets are left out and said to be.
            self.assertTrue(any(o["what"].startswith("enrollment.ca.key") for o in result["omitted"]))
        self.assertEqual(sorted(os.listdir(out_dir)), sorted(made[-2:]))
        self.assertEqual(len(set(made)), 4, "each create made a generation of its own")
        out = ctl("backup", "prune", "--out", out_dir, "--keep", "1", "--dry-run", "--json")
        self.assertEqual(json.loads(out.stdout)["removed"], [made[-2]])
        self.assertEqual(len(os.listdir(out_dir)), 2, "a dry run removes nothing")
        ctl("backup", "prune", "--out", out_dir, "--keep", "1")
        self.assertEqual(os.listdir(out_dir), [made[-1]])


if __name__ == "__main__":
    unittest.main()
