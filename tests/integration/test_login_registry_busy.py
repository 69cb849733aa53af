"""A login while the registry cannot be written (another writer holds it past the busy
timeout): a wrong password and the right one get the same answer, so a guesser learns
nothing from the outage, and logins work again once the registry is free."""
import os
import sqlite3
import unittest

from harness import EchoServer, GatewayTestCase, route


class LoginRegistryBusyTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.registry = os.path.join(demo.dir, "registry.db")
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [route("ward", upstream)],
                                      registry={"sqlite": cls.registry}), name="busy.yaml")

    def test_wrong_and_right_password_answer_alike_while_the_registry_is_locked(self):
        holder = sqlite3.connect(self.registry, timeout=30, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # the write lock, held past the gateway's 5 s
            wrong, _ = self.api_login(password="not-the-password-1")
            right, _ = self.api_login()
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        self.assertEqual(wrong.status, 401, wrong.describe() + "\n" + self.log_tail())
        self.assertEqual(right.status, wrong.status, right.describe() + "\n" + self.log_tail())
        self.assertEqual(right.json().get("error"), wrong.json().get("error"),
                         "the refusals differ: %s / %s" % (right.body, wrong.body))
        self.assertIn("login.failure_not_recorded", self.log_tail())

        again, jar = self.api_login()
        self.assertEqual(again.status, 200, again.describe() + "\n" + self.log_tail())
        self.assertIsNotNone(self.session_cookie(jar))


if __name__ == "__main__":
    unittest.main()
