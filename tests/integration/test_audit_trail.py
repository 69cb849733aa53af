"""The audit trail of the demo gateway: authentication events land in a hash-chained,
sealed JSON-lines file in Japan time; `sekishoctl audit verify` passes on it, fails on any
edit, deletion, insertion or reordering, and still passes after `kill -9` under load."""
import json
import os
import subprocess
import threading
import time
import unittest

from gateway_process import Gateway, wait_for
from harness import SEKISHOCTL_BIN, EchoServer, GatewayTestCase, curl, rewrite_listen_ports
from tls_clients import open_tls, tls_context


class AuditTrailTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        rewrite_listen_ports(cls.demo.config_path, cls.listen_port, cls.admin_port)
        cls.audit_log = cls.demo.info["audit_log"]
        cls.public_key = cls.demo.info["audit_seal_public_key"]

    # --- helpers ---------------------------------------------------------------------------

    def verify(self, *files, key=True):
        cmd = [SEKISHOCTL_BIN, "audit", "verify", *files, "--json"] + (["--key", self.public_key] if key else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else {}, proc.stderr

    def records(self, path=None):
        with open(path or self.audit_log) as f:
            return [json.loads(line) for line in f]

    def run_gateway(self):
        gateway = Gateway(self.demo.config_path, self.listen_port, self.admin_port, self.tmp)
        gateway.start()
        type(self).gateway = gateway
        return gateway

    def stop(self, gateway):
        gateway.stop()

    def tampered(self, name, change):
        with open(self.audit_log) as f:
            lines = f.read().splitlines(keepends=True)
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.writelines(change(lines))
        return path

    # --- tests -----------------------------------------------------------------------------

    def test_1_authentication_events_are_recorded_chained_and_sealed(self):
        gateway = self.run_gateway()
        try:
            self.assertEqual(self.api_login()[0].status, 200)
            self.assertEqual(self.api_login(password="Wrong-pass-1")[0].status, 401)
            refused = curl(gateway.url("/"), cacert=self.demo.ca_bundle, resolve_port=gateway.port)
            self.assertEqual(refused.status, 0)  # no client certificate: handshake refused
        finally:
            self.stop(gateway)
        rc, result, err = self.verify(self.audit_log)
        self.assertEqual(rc, 0, "%s %s" % (result, err))
        self.assertTrue(result["ok"])
        self.assertGreaterEqual(result["seals"], 1)
        self.assertEqual(result["unsealed_tail"], 0, "the stop did not seal the trail")
        records = self.records()
        events = [r["event"] for r in records]
        for expected in ("audit.started", "gateway.started", "login.succeeded", "login.failed",
                         "handshake.refused", "shutdown.complete", "gateway.stopped", "audit.stopped",
                         "audit.seal"):
            self.assertIn(expected, events)
        self.assertEqual(events[-1], "audit.seal")
        failed = [r for r in records if r["event"] == "login.failed"][0]
        self.assertEqual(failed["user"], "demo.nurse")
        self.assertEqual(failed["peer"], "127.0.0.1")
        self.assertEqual(failed["device"], self.demo.fingerprint)
        self.assertRegex(failed["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+09:00$")
        self.assertEqual([r["seq"] for r in records], list(range(1, len(records) + 1)))

    def test_2_verify_catches_edits_deletions_insertions_and_reordering(self):
        count = len(self.records())
        self.assertGreater(count, 6)
        cases = {
            "edit": lambda ls: ls[:2] + [ls[2].replace('"event":', '"added":"x","event":')] + ls[3:],
            "delete": lambda ls: ls[:3] + ls[4:],
            "insert": lambda ls: ls[:3] + [ls[1]] + ls[3:],
            "reorder": lambda ls: ls[:2] + [ls[3], ls[2]] + ls[4:],
            "edit-last-record-before-the-seal": lambda ls: ls[:-2] + [ls[-2].replace("audit.stopped", "audit.stoppeD")] + ls[-1:],
        }
        for name, change in cases.items():
            path = self.tampered(name, change)
            rc, result, _ = self.verify(path)
            self.assertEqual(rc, 1, "%s was not caught: %s" % (name, result))
            self.assertIn(path + ":", result["problem"])
        rc, result, _ = self.verify(self.tampered("untouched", lambda ls: ls))
        self.assertEqual(rc, 0, result)
        other_key = os.path.join(self.tmp, "other.pub")
        subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-out", other_key], check=True, capture_output=True)
        proc = subprocess.run([SEKISHOCTL_BIN, "audit", "verify", self.audit_log, "--key", other_key],
                              capture_output=True, text=True)
        self.assertEqual(proc.returncode, 1, "seals verified with a key that did not make them")
        self.assertIn("signature", proc.stdout)

    def test_3_kill_9_under_load_leaves_a_trail_that_verifies(self):
        gateway = self.run_gateway()
        result, jar = self.api_login()
        self.assertEqual(result.status, 200)
        stop = threading.Event()

        def load():
            while not stop.is_set():
                self.device_curl("/load", cookie_jar=jar, timeout=10)

        workers = [threading.Thread(target=load) for _ in range(4)]
        for w in workers:
            w.start()
        try:
            gateway.wait_for_log(r"\brequest\b.*path=/load", timeout=30)
            time.sleep(1.0)
            gateway.proc.kill()
            gateway.proc.wait(10)
        finally:
            stop.set()
            for w in workers:
                w.join(30)
            gateway._log.close()
        rc, result, err = self.verify(self.audit_log)
        self.assertEqual(rc, 0, "after kill -9: %s %s" % (result, err))
        self.assertGreater(len([r for r in self.records() if r["event"] == "request"]), 0)

        # The next start continues the same chain.
        before = result["last_seq"]
        again = self.run_gateway()
        self.stop(again)
        rc, result, _ = self.verify(self.audit_log)
        self.assertEqual(rc, 0, result)
        self.assertGreater(result["last_seq"], before)

    def test_4_search_and_export_for_an_investigation(self):
        def ctl(*args):
            return subprocess.run([SEKISHOCTL_BIN, "audit", *args], capture_output=True, text=True, timeout=120)

        failures = ctl("search", self.audit_log, "--event", "login.*", "--result", "failure", "--json")
        self.assertEqual(failures.returncode, 0, failures.stderr)
        found = [json.loads(line) for line in failures.stdout.splitlines()]
        self.assertTrue(found)
        self.assertEqual({r["event"] for r in found}, {"login.failed"})
        by_device = ctl("search", self.audit_log, "--device", self.demo.fingerprint[:16], "--user", "demo.nurse")
        self.assertIn("login.succeeded", by_device.stdout)
        first = self.records()[0]["time"]
        none = ctl("search", self.audit_log, "--until", first, "--json")
        self.assertEqual(none.stdout, "")

        out = os.path.join(self.tmp, "case-2026-001")
        exported = ctl("export", self.audit_log, "--out", out, "--user", "demo.nurse", "--key", self.public_key)
        self.assertEqual(exported.returncode, 0, exported.stdout + exported.stderr)
        with open(os.path.join(out, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertTrue(manifest["chain"]["seals_checked"])
        self.assertEqual(manifest["filters"], {"user": "demo.nurse"})
        self.assertGreater(manifest["selected"]["records"], 0)
        copy = os.path.join(out, manifest["sources"][0]["file"])
        self.assertFalse(os.access(copy, os.W_OK) and os.getuid() != 0, "the frozen copy is writable")
        rc, result, _ = self.verify(copy)
        self.assertEqual(rc, 0, result)
        import hashlib
        with open(copy, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), manifest["sources"][0]["sha256"])
        again = ctl("export", self.audit_log, "--out", out)
        self.assertEqual(again.returncode, 1, "an export overwrote an earlier one")
        broken = self.tampered("broken-for-export", lambda ls: ls[:2] + ls[3:])
        refused = ctl("export", broken, "--out", os.path.join(self.tmp, "never"))
        self.assertEqual(refused.returncode, 1)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "never")))

    def test_5_bytes_that_are_not_utf8_never_stop_verify_or_the_next_start(self):
        with open(self.audit_log, "rb") as f:
            offset = len(f.read())
        gateway = self.run_gateway()
        try:
            result, jar = self.api_login()
            self.assertEqual(result.status, 200)
            conn = open_tls(gateway.port, tls_context(self.demo.ca_bundle, self.demo.device_cert, self.demo.device_key))
            try:
                conn.send(b"GET /caf\xc3/\xff\xfe HTTP/1.1\r\nHost: localhost\r\nCookie: __Host-sekisho=" +
                          self.session_cookie(jar).encode() + b"\r\n\r\n")
                conn.read_response()
            finally:
                conn.close()

            def recorded():
                with open(self.audit_log, "rb") as f:
                    return b"/caf" in f.read()[offset:]
            self.assertTrue(wait_for(recorded, timeout=30), "the request never reached the trail")
        finally:
            gateway.proc.kill()  # the odd record is the last one before a crash
            gateway.proc.wait(10)
            gateway._log.close()
        rc, result, err = self.verify(self.audit_log)
        self.assertEqual(rc, 0, "%s %s" % (result, err))
        with open(self.audit_log, "rb") as f:
            text = f.read().decode("utf-8")  # every byte of the trail is UTF-8
        self.assertIn("/caf\ufffd/\ufffd\ufffd", text)
        again = self.run_gateway()  # raises when the gateway refuses to start
        self.stop(again)
        rc, result, err = self.verify(self.audit_log)
        self.assertEqual(rc, 0, "%s %s" % (result, err))

    def test_6_a_missing_or_emptied_live_file_does_not_stop_the_start(self):
        for lose in (lambda: open(self.audit_log, "w").close(), lambda: os.remove(self.audit_log)):
            gateway = self.run_gateway()
            self.stop(gateway)
            lose()
            again = self.run_gateway()  # raises when the gateway refuses to start
            self.stop(again)
            self.assertIn("audit.started", [r["event"] for r in self.records()])

    def test_7_search_shows_no_terminal_controls_from_a_certificate_or_a_login(self):
        key, cert = os.path.join(self.tmp, "rogue.key"), os.path.join(self.tmp, "rogue.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                        "-nodes", "-days", "1", "-keyout", key, "-out", cert,
                        "-subj", "/CN=rogue\x1b]0;owned\x07/O=\x1b[31mclinic\x07"],
                       check=True, capture_output=True)
        gateway = self.run_gateway()
        try:
            refused = curl(gateway.url("/"), cert=cert, key=key, cacert=self.demo.ca_bundle,
                           resolve_port=gateway.port)
            self.assertEqual(refused.status, 0)  # not ours: the handshake is refused, and logged
            self.assertEqual(self.api_login(user="\x1b[2J\x07\x9bnurse")[0].status, 401)
        finally:
            self.stop(gateway)
        shown = subprocess.run([SEKISHOCTL_BIN, "audit", "search", self.audit_log], capture_output=True, timeout=120)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn(b"facility=\\x1b[31mclinic\\x07", shown.stdout)
        self.assertIn(b"user=\\x1b[2J\\x07\\u009bnurse", shown.stdout)
        for control in (b"\x1b", b"\x07", b"\xc2\x9b"):
            self.assertNotIn(control, shown.stdout + shown.stderr)
        rc, result, err = self.verify(self.audit_log)
        self.assertEqual(rc, 0, "%s %s" % (result, err))


if __name__ == "__main__":
    unittest.main()
