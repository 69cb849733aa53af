"""The benchmark's load generator does what the figures rely on, against the real gateway:
it presents the terminal certificate and carries the session cookie (the proxied requests
reach the backend as the logged-in user), resumes TLS 1.3 sessions with tickets, never
sends more than an open-loop rate asks for, and holds idle connections until told to let go.
Speed is not asserted: only behaviour."""
import json
import os
import subprocess
import unittest

from harness import wait_for
from test_login_sessions import PASSWORD, LoginEnvironment

LOADGEN = os.environ.get("SEKISHO_LOADGEN_BIN", "sekisho-loadgen")


class LoadgenTest(LoginEnvironment):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.add_user("load.user")
        jar = cls.api_login("load.user", PASSWORD)[1]
        cls.cookie = "Cookie: __Host-sekisho=" + cls.session_cookie(jar)

    def loadgen(self, *args, mode="keepalive", connections=4, seconds=1, cookie=True):
        cmd = [LOADGEN, "--port", str(self.gateway.port), "--sni", "localhost", "--cert", self.demo.device_cert,
               "--key", self.demo.device_key, "--ca", self.demo.ca_bundle, "--connections", str(connections),
               "--seconds", str(seconds), "--mode", mode, "--path", "/ward/load"]
        if cookie:
            cmd += ["--header", self.cookie]
        return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120)

    def result(self, proc):
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr + self.log_tail())
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def test_keepalive_requests_carry_the_certificate_and_the_session(self):
        before = len(self.echo.snapshot())
        r = self.result(self.loadgen())
        self.assertGreater(r["requests"], 0)
        self.assertEqual(r["errors"], 0)
        seen = self.echo.snapshot()[before:]
        self.assertTrue(seen)
        self.assertEqual({tuple(v for k, v in rec["headers"] if k.lower() == "x-sekisho-user") for rec in seen},
                         {("load.user",)})

    def test_without_the_cookie_every_request_is_an_error(self):
        r = json.loads(self.loadgen(cookie=False).stdout.strip().splitlines()[-1])  # 302 to the login page
        self.assertEqual(r["requests"], 0)
        self.assertGreater(r["errors"], 0)

    def test_resume_mode_resumes_with_tickets(self):
        r = self.result(self.loadgen(mode="resume", connections=2))
        self.assertGreater(r["resumed"], 0)
        self.assertLessEqual(r["resumed"], r["requests"] + r["errors"])

    def test_new_mode_makes_full_handshakes_only(self):
        r = self.result(self.loadgen(mode="new", connections=2))
        self.assertGreater(r["requests"], 0)
        self.assertEqual(r["resumed"], 0)

    def test_an_open_loop_rate_is_never_exceeded(self):
        r = self.result(self.loadgen("--rate", "50", seconds=2))
        self.assertGreater(r["requests"], 0)
        self.assertLessEqual(r["requests"], 2 * 50 + 4)  # one per connection may start at t=0

    def test_idle_mode_holds_its_connections_until_stdin_closes(self):
        proc = subprocess.Popen([LOADGEN, "--port", str(self.gateway.port), "--sni", "localhost", "--cert",
                                 self.demo.device_cert, "--key", self.demo.device_key, "--ca", self.demo.ca_bundle,
                                 "--connections", "20", "--mode", "idle", "--path", "/ward/idle",
                                 "--header", self.cookie],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            self.assertEqual(json.loads(proc.stdout.readline()), {"ready": 20, "failed": 0})
            self.assertGreaterEqual(self.gateway.metric("sekisho_open_connections"), 20)
        finally:
            proc.stdin.close()
            proc.wait(timeout=60)
        self.assertEqual(proc.returncode, 0)
        self.assertTrue(wait_for(lambda: self.gateway.metric("sekisho_open_connections") < 20, 30),
                        "the connections were not closed")


if __name__ == "__main__":
    unittest.main()
