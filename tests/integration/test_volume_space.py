"""Free space of the audit and registry volumes: a small tmpfs under the audit trail (the
technique of test_audit_disk_full.py; skipped where mounting is not allowed) filled past
the threshold makes the gateway report volume.space_low, fire the disk_space_low alert
through the webhook and show the volume as low in /metrics — before any write fails; with
room again it reports volume.space_ok. The registry's volume is measured too."""
import os
import subprocess
import unittest

from harness import EchoServer, GatewayTestCase, admin_get, make_tempdir, route, wait_for
from test_alerts import WebhookReceiver
from test_audit_disk_full import mount_small_disk

DISK = 1024 * 1024


class VolumeSpaceTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.receiver = WebhookReceiver.started_for(cls)
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        cls.disk = os.path.join(make_tempdir(cls, "sekisho-volume-"), "audit")
        ok, why = mount_small_disk(cls.disk, size="1m")
        if not ok:
            raise unittest.SkipTest("cannot mount a small tmpfs here (%s)" % why)
        cls.addClassCleanup(subprocess.run, ["umount", "-l", cls.disk])
        # 85 % of the volume taken: 15 % free, under the default 20 %, far from full.
        cls.filler = os.path.join(cls.disk, "filler")
        with open(cls.filler, "wb") as f:
            f.write(b"\0" * (DISK * 85 // 100))
        cls.registry = demo.info["registry"]  # the demo terminal is registered there
        routes = [route("echo", "http://127.0.0.1:%d" % cls.echo.port, login=False)]
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, routes,
                                      audit={"file": os.path.join(cls.disk, "audit.log")},
                                      registry={"sqlite": cls.registry},
                                      alerts={"webhook": "http://127.0.0.1:%d/hook" % cls.receiver.port,
                                              "window": "1h", "volume_check_interval": "1s"}),
                          name="volume.yaml")

    def test_low_space_warns_alerts_and_shows_in_metrics_then_clears(self):
        gateway = self.gateway
        gateway.wait_for_log(r"volume\.space_low.*volume=audit")
        self.assertTrue(wait_for(lambda: self.receiver.of_rule("disk_space_low"), 30, 0.2),
                        "no disk_space_low alert\n" + gateway.log_tail())
        alert = self.receiver.of_rule("disk_space_low")[0]
        self.assertIn("audit volume", alert["summary"])
        self.assertEqual(alert["event"]["threshold_percent"], "20")
        self.assertLess(float(alert["event"]["free_percent"]), 20)
        self.assertEqual(gateway.metric("sekisho_volume_low", volume="audit"), 1)
        ratio = gateway.metric("sekisho_volume_free_ratio", volume="audit")
        self.assertTrue(0 < ratio < 0.2, ratio)
        self.assertEqual(gateway.metric("sekisho_volume_size_bytes", volume="audit"), DISK)
        # The registry's volume (the test's temporary folder) is watched as well.
        self.assertGreater(gateway.metric("sekisho_volume_free_bytes", volume="registry"), 0)
        # The dashboard shows it too.
        status, page = admin_get(self.admin_port, "/dashboard?lang=en")
        self.assertEqual(status, 200)
        row = page.decode().split('id="volume-audit"')[1].split("</tr>")[0]
        self.assertIn("LOW", row)
        # Writes still work: the warning came first.
        self.assertEqual(self.device_curl("/still-writing").status, 200)
        self.assertNotIn("audit.write_failed", gateway.log_text())

        since = gateway.log_offset()
        os.remove(self.filler)
        gateway.wait_for_log(r"volume\.space_ok.*volume=audit", since=since)
        self.assertTrue(wait_for(lambda: gateway.metric("sekisho_volume_low", volume="audit") == 0, 30, 0.2))
        self.assertGreater(gateway.metric("sekisho_volume_free_ratio", volume="audit"), 0.5)


if __name__ == "__main__":
    unittest.main()
