"""Alerts reach the administrator at once and only once per rule window: a burst of failed
logins at one facility and a session cross-over each produce one webhook POST (retried
when the receiver fails), recorded as alert.fired in the log and the audit trail."""
import http.server
import json
import threading
import time
import unittest

from test_login_sessions import PASSWORD, LoginEnvironment


class WebhookReceiver(http.server.ThreadingHTTPServer):
    """Collects alert JSON; answers 500 to the very first POST to prove the retry."""
    daemon_threads = True

    def __init__(self):
        self.alerts, self.posts, self.lock = [], 0, threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.posts += 1
                    first = receiver.posts == 1
                    if not first:
                        receiver.alerts.append(json.loads(body))
                self.send_response(500 if first else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]

    def start(self):
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @classmethod
    def started_for(cls, test_class):
        """A running receiver that test_class's cleanups stop."""
        receiver = cls()
        receiver.start()
        test_class.addClassCleanup(receiver.stop)
        return receiver

    def stop(self):
        self.shutdown()
        self.server_close()

    def of_rule(self, rule):
        with self.lock:
            return [a for a in self.alerts if a["rule"] == rule]


class AlertsTest(LoginEnvironment):

    AUTH = {"failure_delay": "0s", "spraying": {"per_terminal": 1000, "per_source": 1000}}

    @classmethod
    def setUpClass(cls):
        cls.receiver = WebhookReceiver.started_for(cls)
        # Slack and Teams carry their secret in the path, like this one.
        cls.EXTRA = {"alerts": {"webhook": "http://127.0.0.1:%d/services/T0/B0/s3cretT0ken" % cls.receiver.port,
                                "window": "1h", "login_failures_per_facility": 3}}
        super().setUpClass()

    def wait_for_alerts(self, rule, count):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if len(self.receiver.of_rule(rule)) >= count:
                return self.receiver.of_rule(rule)
            time.sleep(0.2)
        self.fail("no %s alert reached the webhook; got %r\n%s" % (rule, self.receiver.alerts, self.log_tail()))

    def test_a_burst_of_failures_alerts_once_per_window(self):
        for i in range(7):
            self.assertEqual(self.login("nobody%d" % i, "Wrong-pass-1")[0].status, 401)
        alerts = self.wait_for_alerts("login_failures", 1)
        time.sleep(2)  # anything more would have arrived by now
        alerts = self.receiver.of_rule("login_failures")
        self.assertEqual(len(alerts), 1, alerts)
        alert = alerts[0]
        self.assertEqual(alert["severity"], "critical")
        self.assertIn("demo-clinic", alert["summary"])
        self.assertEqual(alert["event"]["event"], "login.failed")
        self.assertRegex(alert["time"], r"\+09:00$")
        self.gateway.wait_for_log(r"\[critical\] alert\.fired rule=login_failures")
        self.assertEqual(len(self.gateway.log_text().split("alert.fired rule=login_failures")) - 1, 1)

    def test_a_session_crossover_alerts_once(self):
        self.add_user("cross.alert")
        for _ in range(2):
            jar = self.logged_in("cross.alert")
            stolen = self.with_cookie("/ward/x", self.session_cookie(jar), terminal=self.terminal_b)
            self.assertEqual(stolen.status, 403)
        alerts = self.wait_for_alerts("session_crossover", 1)
        time.sleep(2)
        self.assertEqual(len(self.receiver.of_rule("session_crossover")), 1)
        self.assertEqual(alerts[0]["event"]["user"], "cross.alert")
        self.gateway.wait_for_log(r"alert\.delivered")

    def test_the_log_names_the_webhook_by_scheme_host_and_port_only(self):
        if "alert.delivered" not in self.gateway.log_text():  # run on its own
            for i in range(4):
                self.login("nobody-w%d" % i, "Wrong-pass-1")
        self.gateway.wait_for_log(r"alert\.delivered webhook=http://127\.0\.0\.1:%d\b" % self.receiver.port,
                                  timeout=60)
        self.assertNotIn("s3cretT0ken", self.gateway.log_text())  # the trail records the same events


if __name__ == "__main__":
    unittest.main()
