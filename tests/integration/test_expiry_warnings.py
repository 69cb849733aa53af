"""Expiry warnings at 30 and 7 days (alerts.expiry_warnings): a root CRL with 20 days left
shows in sekisho_expiry_warning{threshold="30d"} and raises one certificate_expiry alert;
re-signed with 5 days left (and the gateway reloaded), the 7-day threshold raises a second
one — once per threshold, not once per window. The issuing CA's CRL, which the gateway renews
itself every day, is watched too (enrollment.ca.crl) without warning while it is healthy.
The CRLs near their end are signed with openssl, backdated: no clock games."""
import datetime
import os
import signal
import time
import unittest

from harness import EchoServer, GatewayTestCase, enrollment_section, free_port, route
from pki_tools import CaDb
from test_alerts import WebhookReceiver

SETTLE = 30


def expiry_warning(gateway, kind, name, threshold):
    """sekisho_expiry_warning{kind,name,threshold} (its label `name` is also metric()'s first
    parameter, hence the search by hand), or None."""
    labels = {"kind": kind, "name": name, "threshold": threshold}
    for sample, sample_labels, value in gateway.metrics():
        if sample == "sekisho_expiry_warning" and all(sample_labels.get(k) == v for k, v in labels.items()):
            return value
    return None


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class ExpiryWarningsTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.receiver = WebhookReceiver.started_for(cls)
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.root_crl = demo.path("root-ca.crl")
        cls.device_crl = demo.path("device-ca.crl")
        cls.root_db = CaDb(os.path.join(cls.tmp, "rootdb"), demo.path("root-ca.crt"), demo.path("root-ca.key"))
        # A root CRL signed 160 days ago for 180 days: 20 days left.
        cls.root_db.gencrl(cls.root_crl, last_update=now_utc() - datetime.timedelta(days=160),
                           next_update=now_utc() + datetime.timedelta(days=20))
        cls.start_gateway(demo.config(
            cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
            registry={"sqlite": os.path.join(demo.dir, "registry.db")},
            # The issuing CA's CRL is served by the enrollment listener but not listed in tls.crl here:
            # it is watched all the same.
            tls={"crl": [cls.root_crl]},
            enrollment=enrollment_section(demo, free_port()),
            alerts={"webhook": "http://127.0.0.1:%d/hook" % cls.receiver.port, "window": "1h",
                    "expiry_warnings": ["30d", "7d"]}))

    def warning(self, name, threshold):
        return expiry_warning(self.gateway, "crl", name, threshold)

    def crl_alerts(self):
        return [a for a in self.receiver.of_rule("certificate_expiry") if a["event"]["event"] == "crl.expiring"]

    def wait_for_alerts(self, count):
        deadline = time.monotonic() + SETTLE
        while len(self.crl_alerts()) < count:
            self.assertLess(time.monotonic(), deadline, "%r\n%s" % (self.receiver.alerts, self.log_tail()))
            time.sleep(0.2)
        return self.crl_alerts()

    def test_root_crl_warned_at_30_then_7_days_once_each(self):
        self.assertEqual(self.warning(self.root_crl, "30d"), 1)
        self.assertEqual(self.warning(self.root_crl, "7d"), 0)
        # The gateway-renewed CRL (24 h): its only threshold is a quarter of its life, not crossed.
        self.assertEqual(self.warning(self.device_crl, "6h"), 0)
        self.assertIsNone(self.warning(self.device_crl, "30d"))
        self.assertGreater(self.gateway.metric("sekisho_crl_next_update_seconds", file=self.device_crl), time.time())

        alerts = self.wait_for_alerts(1)
        event = alerts[0]["event"]
        self.assertEqual(event["file"], self.root_crl)
        self.assertEqual(event["threshold"], "30d")
        self.assertTrue(19 * 86400 < int(event["seconds_left"]) <= 20 * 86400, event)
        self.assertIn("threshold 30d", alerts[0]["summary"])
        self.gateway.wait_for_log(r"crl\.expiring file=\S*root-ca\.crl .*threshold=30d")

        # Re-signed badly: 5 days left. The 7-day threshold is crossed: a second alert, at once
        # (the window of one hour does not hold it back: another threshold).
        self.root_db.gencrl(self.root_crl, last_update=now_utc() - datetime.timedelta(days=175),
                            next_update=now_utc() + datetime.timedelta(days=5))
        self.reload(self.gateway.log_offset())
        alerts = self.wait_for_alerts(2)
        self.assertEqual(alerts[1]["event"]["threshold"], "7d")
        self.assertEqual(self.warning(self.root_crl, "7d"), 1)
        self.assertEqual(self.warning(self.root_crl, "30d"), 1)

        # Another reload, nothing new: no third report. Each reload checks right after its
        # config.reloaded line on the one control thread, so once a second reload has logged,
        # the first one's check is over.
        offset = self.gateway.log_offset()
        self.reload(offset)
        self.reload(self.gateway.log_offset())
        later = self.gateway.log_text()[offset:]
        self.assertNotIn("crl.expiring", later)
        self.assertNotIn("alert.fired", later)
        self.assertEqual(len(self.crl_alerts()), 2, self.receiver.alerts)
        self.assertNotIn("device-ca.crl", str(self.receiver.alerts))

    def reload(self, offset):
        self.gateway.signal(signal.SIGHUP)
        self.gateway.wait_for_log(r"config\.reloaded", since=offset)


if __name__ == "__main__":
    unittest.main()
