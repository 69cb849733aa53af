"""Login windows hold on every request, not only at login (issue 12, item 15): once a role's
window has closed, a session made inside it no longer has the role — routes that need it
answer as for a fresh login, and the backend never hears the role.

The window is closed by a reload (a new auth.login_windows), the same as the clock passing
its end: the gate reads the windows in force at each request."""
import datetime
import os
import signal
import unittest

from harness import EchoServer, GatewayTestCase, header_values, route, write_yaml

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def jst_today():
    return datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=9))).weekday()


class LoginWindowsTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.routes = [route("ward", upstream, path_prefix="/ward/", roles=["nurse"]),
                      route("general", upstream)]
        cls.base = demo.config(cls.listen_port, cls.admin_port, cls.routes,
                               registry={"sqlite": os.path.join(demo.dir, "registry.db")})
        cls.start_gateway(cls.with_window(DAYS))

    @classmethod
    def with_window(cls, days):
        return dict(cls.base, auth={"login_windows": [{"role": "nurse", "days": days, "hours": "00:00-24:00"}]})

    def test_a_role_whose_window_closed_is_no_longer_granted(self):
        login, jar = self.api_login()
        self.assertEqual(login.status, 200, login.describe())
        inside = self.device_curl("/ward/inside", cookie_jar=jar)
        self.assertEqual(inside.status, 200, inside.describe() + "\n" + self.log_tail())
        self.assertIn("nurse", ",".join(header_values(inside.json(), "X-Sekisho-Roles")))

        # Today (JST) is no longer in the nurse's window.
        other_days = [d for i, d in enumerate(DAYS) if i != jst_today()]
        write_yaml(self.gateway.config_path, self.with_window(other_days))
        offset = self.gateway.log_offset()
        self.gateway.signal(signal.SIGHUP)
        self.gateway.wait_for_log(r"config\.reloaded", since=offset)

        seen = len(self.echo.snapshot())
        for path in ("/ward/after", "/general/after"):
            with self.subTest(path=path):
                result = self.device_curl(path, cookie_jar=jar)
                self.assertEqual(result.status, 302, result.describe() + "\n" + self.log_tail())
                self.assertIn("/_sekisho/login", result.header("Location")[0])
        self.assertEqual(self.echo.snapshot()[seen:], [], "a request outside the window reached the backend")


if __name__ == "__main__":
    unittest.main()
