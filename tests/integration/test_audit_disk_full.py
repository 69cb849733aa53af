"""A full disk under the audit trail: the gateway raises the audit_failure alert, /readyz
says why it is not ready, and once there is room again every record queued meanwhile is
written, in order, with the chain intact — nothing is dropped. The disk is a small tmpfs
the test mounts itself (as root; the test is skipped where mounting is not allowed)."""
import json
import os
import subprocess
import time
import unittest

from harness import (SEKISHOCTL_BIN, EchoServer, GatewayTestCase, admin_get, make_tempdir, route, wait_for)
from test_alerts import WebhookReceiver

REQUESTS = 120


def mount_small_disk(path, size="128k"):
    os.makedirs(path, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0700" % size, "tmpfs", path],
                          capture_output=True, text=True)
    return proc.returncode == 0, proc.stderr.strip()


class AuditDiskFullTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.receiver = WebhookReceiver.started_for(cls)
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        cls.disk = os.path.join(make_tempdir(cls, "sekisho-disk-"), "audit")
        ok, why = mount_small_disk(cls.disk)
        if not ok:
            raise unittest.SkipTest("cannot mount a small tmpfs here (%s)" % why)
        cls.addClassCleanup(subprocess.run, ["umount", "-l", cls.disk])
        # Leave room for the start-up records only.
        cls.filler = os.path.join(cls.disk, "filler")
        with open(cls.filler, "wb") as f:
            f.write(b"\0" * (128 * 1024 - 24 * 1024))
        cls.audit_log = os.path.join(cls.disk, "audit.log")
        routes = [route("echo", "http://127.0.0.1:%d" % cls.echo.port, login=False)]
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, routes,
                                      audit={"file": cls.audit_log, "fsync": "always"},
                                      alerts={"webhook": "http://127.0.0.1:%d/hook" % cls.receiver.port,
                                              "window": "1h"}),
                          name="disk.yaml")

    def test_a_full_disk_alerts_and_loses_nothing(self):
        for i in range(REQUESTS):
            self.assertEqual(self.device_curl("/full/%d" % i).status, 200)
        # The disk filled up on the way: alert, and not ready.
        self.assertTrue(wait_for(lambda: self.receiver.of_rule("audit_failure"), 30, 0.2),
                        "no audit_failure alert\n" + self.log_tail())
        status, body = admin_get(self.admin_port, "/readyz")
        self.assertEqual(status, 503, body)
        self.assertIn(b"the audit log cannot be written", body)
        self.gateway.wait_for_log(r"audit\.write_failed")
        # Room again: the queue drains, the gateway is ready again.
        os.remove(self.filler)
        self.assertTrue(wait_for(lambda: admin_get(self.admin_port, "/readyz")[0] == 200, 60, 0.5),
                        "still not ready after space was freed\n" + self.log_tail())
        self.gateway.wait_for_log(r"audit\.write_recovered")
        self.gateway.stop()
        proc = subprocess.run([SEKISHOCTL_BIN, "audit", "verify", self.audit_log, "--json"],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        with open(self.audit_log) as f:
            records = [json.loads(line) for line in f]
        self.assertEqual([r["seq"] for r in records], list(range(1, len(records) + 1)))
        paths = sorted(int(r["path"].rsplit("/", 1)[1]) for r in records
                       if r["event"] == "request" and r.get("path", "").startswith("/full/"))
        self.assertEqual(paths, list(range(REQUESTS)), "a request record was lost")
        self.assertTrue([r for r in records if r["event"] == "alert.fired" and r.get("rule") == "audit_failure"])


if __name__ == "__main__":
    unittest.main()
