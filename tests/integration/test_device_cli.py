"""`sekishoctl device ...` against a real registry: the demo terminal that `demo init`
enrolls with a one-time ticket, certificates made with `openssl ca` imported, the active →
suspended → active → revoked lifecycle (revoked is final), the ledger, and the command-line
contract (exit 1 for a refused operation, exit 2 for a usage mistake)."""
import json
import os
import pwd
import unittest

from harness import (SEKISHOCTL_BIN, Demo, fingerprint_sha256, free_port, make_tempdir, route,
                     run, write_yaml)
from pki_tools import cert_serial, run_openssl


LOCAL_ACTOR = "local:" + pwd.getpwuid(os.getuid()).pw_name


class DeviceCliTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = make_tempdir(cls)
        cls.demo = Demo(os.path.join(cls.tmp, "demo"), free_port(), "http://127.0.0.1:9")
        cls.ca = cls.demo.device_ca(os.path.join(cls.tmp, "device-ca"))
        cls.certs = 0

    # --- helpers ---------------------------------------------------------------------------

    def ctl(self, *args, config=None, expect=0):
        """Runs `sekishoctl device ARGS` on the demo's config; checks the exit status. The
        ledger's actor is the OS user running it (LOCAL_ACTOR)."""
        cmd = [SEKISHOCTL_BIN, "device"] + list(args)
        if args and args[0] not in ("--help", "frobnicate"):
            cmd += ["--config", config or self.demo.config_path]
        result = run(cmd, check=False, timeout=60)
        stdout = result.stdout.decode(errors="replace")
        stderr = result.stderr.decode(errors="replace")
        self.assertEqual(result.returncode, expect, "%s\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(cmd), stdout, stderr))
        return stdout, stderr

    def ctl_json(self, *args, **kwargs):
        stdout, _ = self.ctl(*(args + ("--json",)), **kwargs)
        return json.loads(stdout)

    def issue(self, eku="clientAuth", **kwargs):
        type(self).certs += 1
        name = "terminal-%d" % self.certs
        crt, _ = self.ca.issue(name, "/O=ward-3/CN=%s" % name, eku=eku, **kwargs)
        return crt

    def register(self, crt, name, *extra, facility="ward-3", **kwargs):
        return self.ctl_json("register", "--facility", facility, "--name", name, "--cert", crt,
                             *extra, **kwargs)

    def devices(self, *args):
        return {d["id"]: d for d in self.ctl_json("list", *args)["devices"]}

    # --- tests -----------------------------------------------------------------------------

    def test_demo_init_enrolls_the_demo_terminal_with_a_ticket(self):
        """demo init takes the path of any terminal: ticket → redeem → issue, no import."""
        device_id = self.demo.info["device"]["id"]
        mine = [e for e in self.ledger_entries() if e["actor"] in ("demo-init", "client:local")
                and e["action"] != "user.create"]
        self.assertEqual([e["action"] for e in mine],
                         ["ticket.create", "ticket.use", "device.create", "certificate.add",
                          "ticket.attach"])
        ticket_id = mine[0]["subject"]
        self.assertRegex(ticket_id, r"^tkt-[0-9a-f]{16}$")
        self.assertEqual([e["actor"] for e in mine],
                         ["demo-init", "client:local", "demo-init", "demo-init", "demo-init"])
        self.assertEqual(mine[4]["details"]["device_id"], device_id)
        ticket = self.ctl_json("ticket", "show", ticket_id)
        self.assertEqual((ticket["state"], ticket["device_id"], ticket["created_by"]),
                         ("used", device_id, "demo-init"))
        # The certificate is the enrollment CA's profile: the SAN names the registry id.
        text = run_openssl(["x509", "-in", self.demo.device_cert, "-noout", "-ext",
                            "subjectAltName"]).decode()
        self.assertIn("URI:urn:sekisho:device:demo-clinic:%s" % device_id, text)

    def test_demo_init_registers_the_demo_terminal(self):
        self.assertEqual(self.demo.info["registry"], os.path.join(self.demo.dir, "registry.db"))
        self.assertTrue(os.path.isfile(self.demo.info["registry"]))
        fingerprint = fingerprint_sha256(self.demo.device_cert)
        demo_devices = [d for d in self.devices().values() if d["name"] == "demo-terminal-01"]
        self.assertEqual(len(demo_devices), 1, demo_devices)
        device = demo_devices[0]
        self.assertEqual(device["id"], self.demo.info["device"]["id"])
        self.assertEqual(device["facility"], "demo-clinic")
        self.assertEqual(device["status"], "active")
        self.assertEqual(device["created_by"], "demo-init")
        self.assertEqual([c["fingerprint_sha256"] for c in device["certificates"]], [fingerprint])
        self.assertEqual(device["certificates"][0]["serial"], cert_serial(self.demo.device_cert))
        # show accepts the fingerprint as openssl prints it, too.
        colon_fp = ":".join(fingerprint[i:i + 2] for i in range(0, 64, 2)).upper()
        self.assertEqual(self.ctl_json("show", colon_fp)["id"], device["id"])

    def test_register_an_openssl_certificate(self):
        crt = self.issue()
        device = self.register(crt, "reception-pc")
        self.assertRegex(device["id"], r"^dev-[0-9a-f]{16}$")
        self.assertEqual((device["facility"], device["name"], device["status"]),
                         ("ward-3", "reception-pc", "active"))
        self.assertEqual(len(device["certificates"]), 1)
        cert = device["certificates"][0]
        self.assertEqual(cert["fingerprint_sha256"], fingerprint_sha256(crt))
        self.assertEqual(cert["serial"], cert_serial(crt))
        self.assertEqual(cert["issuer"], "Sekisho Demo Device-Issuing CA")
        self.assertEqual(cert["status"], "valid")
        self.assertIn(device["id"], self.devices())
        self.assertIn(device["id"], self.devices("--facility", "ward-3"))
        self.assertNotIn(device["id"], self.devices("--facility", "demo-clinic"))
        text, _ = self.ctl("list")
        self.assertIn("reception-pc", text)

        _, stderr = self.ctl("register", "--facility", "ward-3", "--name", "again", "--cert", crt,
                             expect=1)
        self.assertIn("already registered", stderr)
        self.assertIn(device["id"], stderr)
        self.assertEqual(len([d for d in self.devices().values() if d["name"] == "again"]), 0)

    def test_register_with_issuer_name(self):
        device = self.register(self.issue(), "lab-pc", "--issuer", "ward-ca")
        self.assertEqual(device["certificates"][0]["issuer"], "ward-ca")

    def test_register_refuses_server_auth_only(self):
        crt = self.issue(eku="serverAuth")
        _, stderr = self.ctl("register", "--facility", "ward-3", "--name", "srv", "--cert", crt,
                             expect=1)
        self.assertIn("clientAuth", stderr)
        self.assertIn(crt, stderr)

    def test_register_refuses_expired(self):
        crt = self.issue(start="20200101000000Z", end="20210101000000Z")
        _, stderr = self.ctl("register", "--facility", "ward-3", "--name", "old", "--cert", crt,
                             expect=1)
        self.assertIn("expired", stderr)

    def test_lifecycle_and_ledger(self):
        device = self.register(self.issue(), "nurse-station")
        dev_id = device["id"]

        suspended = self.ctl_json("suspend", dev_id, "--reason", "lost on ward 3")
        self.assertEqual(suspended["status"], "suspended")
        self.assertEqual(self.ctl_json("show", dev_id)["status"], "suspended")
        self.assertIn(dev_id, self.devices("--status", "suspended"))
        self.assertNotIn(dev_id, self.devices("--status", "active"))

        resumed = self.ctl_json("resume", dev_id, "--reason", "found")
        self.assertEqual(resumed["status"], "active")

        revoked = self.ctl_json("revoke", dev_id, "--reason", "keyCompromise")
        self.assertEqual(revoked["status"], "revoked")
        self.assertTrue(revoked["certificates"])
        for cert in revoked["certificates"]:
            self.assertEqual(cert["status"], "revoked")
            self.assertEqual(cert["revocation_reason"], "keyCompromise")
            self.assertIsInstance(cert["revoked_at"], int)

        _, stderr = self.ctl("resume", dev_id, "--reason", "please", expect=1)
        self.assertRegex(stderr, r"final|revoked")
        self.assertEqual(self.ctl_json("show", dev_id)["status"], "revoked")

        mine = [e for e in self.ledger_entries() if e["subject"] == dev_id]
        self.assertEqual([e["action"] for e in mine],
                         ["device.create", "certificate.add", "device.suspend", "device.resume",
                          "device.revoke", "certificate.revoke"])
        # On the host the OS user acts: a name typed on the command line is no longer taken.
        self.assertEqual([e["actor"] for e in mine], [LOCAL_ACTOR] * 6)
        self.assertEqual(mine[2]["reason"], "lost on ward 3")
        self.assertEqual(mine[4]["reason"], "keyCompromise")
        seqs = [e["seq"] for e in mine]
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(mine[1]["details"]["fingerprint_sha256"],
                         device["certificates"][0]["fingerprint_sha256"])

    def ledger_entries(self, since=0):
        return self.ctl_json("ledger", "--since", str(since))["entries"]

    def test_ledger_limit_and_text(self):
        entries = self.ctl_json("ledger", "--limit", "1")["entries"]
        self.assertEqual(len(entries), 1)
        self.assertEqual(entries[0]["action"], "ticket.create")
        self.assertEqual(entries[0]["actor"], "demo-init")
        text, _ = self.ctl("ledger")
        self.assertIn("certificate.add", text)

    def test_config_without_registry(self):
        path = write_yaml(os.path.join(self.demo.dir, "no-registry.yaml"),
                          self.demo.config(free_port(), free_port(),
                                           [route("demo", "http://127.0.0.1:9")]))
        _, stderr = self.ctl("list", config=path, expect=1)
        self.assertIn(path, stderr)
        self.assertIn("registry.sqlite", stderr)

    def test_usage_mistakes_exit_2(self):
        _, stderr = self.ctl("frobnicate", expect=2)
        self.assertIn("unknown subcommand", stderr)
        self.assertIn("usage:", stderr)
        _, stderr = self.ctl("suspend", self.demo.info["device"]["id"], expect=2)
        self.assertIn("--reason", stderr)
        _, stderr = self.ctl("revoke", self.demo.info["device"]["id"], "--reason", "bored",
                             expect=2)
        self.assertIn("keyCompromise", stderr)
        self.ctl("list", "--status", "lost", expect=2)
        self.ctl("register", "--facility", "ward-3", "--name", "x", expect=2)
        self.ctl("ledger", "--limit", "many", expect=2)
        # nothing changed for the demo terminal
        self.assertEqual(self.ctl_json("show", self.demo.info["device"]["id"])["status"], "active")

    def test_help(self):
        stdout, _ = self.ctl("--help")
        for sub in ("register", "list", "show", "suspend", "resume", "revoke", "ledger"):
            self.assertRegex(stdout, r"(?m)^  %s\b" % sub)
            sub_help, _ = self.ctl(sub, "--help")
            self.assertIn("usage: sekishoctl device %s" % sub, sub_help)

    def test_common_options_before_the_subcommand(self):
        result = run([SEKISHOCTL_BIN, "device", "--config", self.demo.config_path, "--json",
                      "show", self.demo.info["device"]["id"]], timeout=60)
        self.assertEqual(json.loads(result.stdout)["name"], "demo-terminal-01")

    def test_unknown_device_exit_1(self):
        _, stderr = self.ctl("show", "dev-0000000000000000", expect=1)
        self.assertIn("dev-0000000000000000", stderr)


    def test_a_broken_configuration_names_each_problem_on_its_own_line(self):
        broken = os.path.join(os.path.dirname(self.demo.config_path), "broken.yaml")
        with open(self.demo.config_path) as f:
            text = f.read()
        with open(broken, "w") as f:  # two problems: an unknown key and a bad registry block
            f.write(text.replace("registry:", "frobnicate: 1\nregistry:\n  path: x.db\nold_registry:", 1))
        _, stderr = self.ctl("list", config=broken, expect=1)
        self.assertNotIn("\\x0a", stderr)
        problems = [line for line in stderr.splitlines() if "broken.yaml:" in line]
        self.assertGreaterEqual(len(problems), 2, stderr)


if __name__ == "__main__":
    unittest.main()
