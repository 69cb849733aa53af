"""Two gateways, sessions in one Redis: a login on A is a session on B; a logout on B, or a
disable through sekishoctl, refuses the session on both within a second; the per-user cap
counts both; Redis going away turns session routes into 503s (the cookie kept, no login
loop, nothing hangs) and its return restores service by itself, without bringing back a
session that expired meanwhile."""
import shutil
import threading
import time
import unittest

from postgres_env import PASSWORD, PostgresGatewaysTestCase
from redis_env import RedisGatewaysTestCase
from tls_clients import open_tls, tls_context

BOUND = 1.0  # the promise: "refused on every instance within 1 s"


class SessionsSharedInRedisTest(RedisGatewaysTestCase):
    AUTH = PostgresGatewaysTestCase.AUTH

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a, cls.b = cls.gateways["a"], cls.gateways["b"]

    def terminal_on_both(self, name):
        return self.terminal_admitted(name)[:2]

    def ward(self, gateway, terminal, jar, path="/ward/chart"):
        return self.request(gateway, path, terminal, cookie_jar=jar,
                            headers=["Accept: application/json"])

    def logged_in(self, user, terminal, gateway=None):
        self.add_user(user)
        result, jar = self.login(gateway or self.a, user, PASSWORD, terminal)
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        return jar

    def time_until_refused(self, gateway, terminal, jar):
        started = time.monotonic()
        while time.monotonic() - started < 10:
            if self.ward(gateway, terminal, jar).status == 401:
                return time.monotonic() - started
            time.sleep(0.02)
        self.fail("%s still serves the ended session\n%s" % (gateway.name, self.log_tail()))

    def test_login_on_a_is_a_session_on_b_and_the_backend_sees_the_user(self):
        terminal = self.terminal_on_both("roaming-terminal")
        jar = self.logged_in("roaming.nurse", terminal)
        seen = self.ward(self.b, terminal, jar, "/ward/who")
        self.assertEqual(seen.status, 200, seen.describe() + "\n" + self.log_tail())
        users = [v for k, v in seen.json()["headers"] if k.lower() == "x-sekisho-user"]
        self.assertEqual(users, ["roaming.nurse"])
        # The session list of each instance shows it; the gauge counts it once for the cluster.
        self.assertGreaterEqual(self.b.wait_metric_at_least(1, "sekisho_sessions_active"), 1)

    def test_logout_on_b_is_refused_on_a_within_a_second(self):
        terminal = self.terminal_on_both("logout-terminal")
        jar = self.logged_in("logout.nurse", terminal)
        self.assertEqual(self.ward(self.a, terminal, jar).status, 200)  # A holds a local copy
        kept = jar + ".kept"  # curl drops the cookie from jar at the logout's Set-Cookie
        shutil.copy(jar, kept)
        out = self.request(self.b, "/_sekisho/logout", terminal, method="POST", cookie_jar=jar,
                           headers=["Content-Type: application/json"], data="{}")
        self.assertEqual(out.status, 200, out.describe())
        took = self.time_until_refused(self.a, terminal, kept)
        print("logout on B, refused on A after %.3fs" % took)
        self.assertLess(took, BOUND)

    def test_disabling_the_user_refuses_the_session_on_both_within_a_second(self):
        terminal = self.terminal_on_both("disable-both-terminal")
        jar = self.logged_in("disabled.everywhere", terminal)
        for g in (self.a, self.b):
            self.assertEqual(self.ward(g, terminal, jar).status, 200)
        started = time.monotonic()
        self.ctl("user", "disable", "disabled.everywhere", "--reason", "left")
        for g in (self.a, self.b):
            self.time_until_refused(g, terminal, jar)
        took = time.monotonic() - started
        print("sekishoctl user disable → refused on A and B after %.3fs" % took)
        self.assertLess(took, BOUND + 0.5)  # sekishoctl's own run included

    def test_the_per_user_cap_counts_sessions_on_both_instances(self):
        terminal = self.terminal_on_both("cap-terminal")
        self.add_user("capped.nurse")
        for gateway in (self.a, self.b, self.a):
            result, _ = self.login(gateway, "capped.nurse", PASSWORD, terminal)
            self.assertEqual(result.status, 200, result.describe())
        fourth, _ = self.login(self.b, "capped.nurse", PASSWORD, terminal)
        self.assertNotEqual(fourth.status, 200, "B let a fourth session in: the cap did not "
                            "count A's\n" + self.log_tail())
        self.assertIn(b"session_limit", fourth.body)

    def test_a_cookie_on_another_terminal_through_b_ends_the_session_made_on_a(self):
        mine = self.terminal_on_both("crossover-owner")
        thief = self.terminal_on_both("crossover-thief")
        jar = self.logged_in("crossed.nurse", mine)
        self.assertEqual(self.ward(self.a, mine, jar).status, 200)
        stolen = self.ward(self.b, thief, jar)
        self.assertEqual(stolen.status, 403, stolen.describe())
        self.time_until_refused(self.a, mine, jar)
        self.b.wait_for_log("session.crossover")


class TicketsAcrossInstancesTest(RedisGatewaysTestCase):
    """TLS session tickets are sealed under keys the instances share (through Redis)."""

    def get(self, conn, path):
        conn.send(b"GET " + path + b" HTTP/1.1\r\nHost: localhost\r\n\r\n")
        return conn.read_response()

    def test_a_ticket_from_a_resumes_on_b_and_a_revocation_refuses_it_there(self):
        a, b = self.gateways["a"], self.gateways["b"]
        cert, key, device = self.terminal_admitted("resuming-terminal")
        ctx = tls_context(self.demo.ca_bundle, cert=cert, key=key)
        first = open_tls(a.port, ctx)
        self.assertEqual(self.get(first, b"/open/on-a").status, 200)
        ticket = first.sock.session
        first.close()
        on_b = open_tls(b.port, ctx, session=ticket)
        self.assertEqual(self.get(on_b, b"/open/on-b").status, 200)
        self.assertTrue(on_b.sock.session_reused, "B could not open A's ticket: the instances do "
                        "not share their ticket keys\n" + self.log_tail())
        on_b.close()
        self.assertNotIn("tls.ticket_keys_unavailable", a.log_text() + b.log_text())

        self.ctl("device", "revoke", device, "--reason", "keyCompromise")
        self.wait_until(lambda: self.status_on(b, (cert, key)) is None, "B refuses the revoked device")
        response = None
        try:
            again = open_tls(b.port, ctx, session=ticket)
            try:
                response = self.get(again, b"/open/after")
            finally:
                again.close()
        except OSError:
            pass
        self.assertIsNone(response, "a ticket of the revoked device resumed on B: %r" % (response,))


class SprayingAcrossInstancesTest(RedisGatewaysTestCase):
    """The per-terminal spraying window is one window for the cluster."""
    PER_TERMINAL = 4
    AUTH = dict(PostgresGatewaysTestCase.AUTH,
                spraying={"per_terminal": PER_TERMINAL, "per_source": 1000, "window": "10m",
                          "block": "15m"})

    def test_wrong_passwords_for_many_users_spread_over_a_and_b_block_the_terminal_on_both(self):
        a, b = self.gateways["a"], self.gateways["b"]
        terminal = self.terminal_admitted("spraying-terminal")[:2]
        for i in range(self.PER_TERMINAL):
            self.add_user("sprayed.%d" % i)
            result, _ = self.login((a, b)[i % 2], "sprayed.%d" % i, "wrong-" + PASSWORD, terminal)
            self.assertEqual(result.status, 401, result.describe())
        self.add_user("sprayed.right")
        for g in (a, b):
            result, _ = self.login(g, "sprayed.right", PASSWORD, terminal)
            self.assertEqual(result.status, 429, "%s let a blocked terminal try again: each instance "
                             "counted alone\n%s" % (g.name, result.describe()))
        blocked = sum(g.log_text().count("login.spraying_blocked") for g in (a, b))
        self.assertEqual(blocked, 1, "one block, announced once\n" + self.log_tail())


class RedisOutageTest(RedisGatewaysTestCase):
    """Redis stops and comes back under the gateways' feet."""
    GATEWAYS = ("a",)
    IDLE = 3  # seconds: a session idle while Redis is frozen must stay dead
    AUTH = dict(PostgresGatewaysTestCase.AUTH,
                sessions={"idle_timeout": "%ds" % IDLE})

    def logged_in_terminal(self, name, user):
        gateway = self.gateways["a"]
        terminal = self.terminal_admitted(name)[:2]
        self.add_user(user)
        result, jar = self.login(gateway, user, PASSWORD, terminal)
        self.assertEqual(result.status, 200, result.describe())
        return gateway, terminal, jar

    def chart(self, gateway, terminal, jar):
        return self.request(gateway, "/ward/chart", terminal, cookie_jar=jar,
                            headers=["Accept: application/json"], timeout=15)

    def test_frozen_redis_costs_a_bounded_wait_and_an_idle_session_stays_dead(self):
        gateway, terminal, jar = self.logged_in_terminal("frozen-terminal", "frozen.nurse")
        self.assertEqual(self.chart(gateway, terminal, jar).status, 200)
        frozen_at = time.monotonic()
        self.redis.pause()  # SIGSTOP: connections stay open, nothing answers
        try:
            time.sleep(1.1)  # past the local copy
            started = time.monotonic()
            frozen = self.chart(gateway, terminal, jar)
            took = time.monotonic() - started
        finally:
            self.redis.resume()
        self.assertEqual(frozen.status, 503, frozen.describe() + "\n" + self.log_tail())
        print("Redis frozen: 503 after %.2fs" % took)
        self.assertLess(took, 5, "a frozen Redis held the request too long")
        time.sleep(max(0, self.IDLE + 0.5 - (time.monotonic() - frozen_at)))
        # Until the gateway's Redis connections are back (a busy machine may take a moment).
        answers = []
        self.wait_until(lambda: answers.append(self.chart(gateway, terminal, jar)) or answers[-1].status != 503,
                        "Redis answers the gateway again")
        after = answers[-1]
        self.assertEqual(after.status, 401, "a session idle past its limit while Redis was frozen "
                         "came back\n" + after.describe() + "\n" + self.log_tail())

    def test_stopping_redis_under_load_answers_503s_and_nothing_hangs(self):
        gateway, terminal, jar = self.logged_in_terminal("load-terminal", "load.nurse")
        ctx = tls_context(self.demo.ca_bundle, cert=terminal[0], key=terminal[1])
        cookie = "__Host-sekisho=" + self.session_cookie(jar)
        statuses, slowest, stop = [], [0.0], threading.Event()

        def client():
            conn = None
            while not stop.is_set():
                try:
                    reused = conn is not None
                    conn = conn or open_tls(gateway.port, ctx, timeout=15)
                    started = time.monotonic()
                    conn.send(b"GET /ward/load HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n"
                              b"Cookie: " + cookie.encode() + b"\r\n\r\n")
                    response = conn.read_response()
                    slowest[0] = max(slowest[0], time.monotonic() - started)
                    if not response:  # a keep-alive connection the gateway had closed: a new one
                        conn.close()
                        conn = None
                        if reused:
                            continue
                    statuses.append(response.status if response else None)
                except OSError:
                    statuses.append(None)
                    conn = None
            if conn:
                conn.close()

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        time.sleep(1)
        self.redis.stop()
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(30)
        self.redis.start()
        self.assertFalse(any(t.is_alive() for t in threads), "a client hung")
        self.assertIn(200, statuses)
        self.assertIn(503, statuses, "no 503 while Redis was down\n" + self.log_tail())
        self.assertTrue(set(statuses) <= {200, 503}, "besides 200 and 503: %r" % sorted(set(map(str, statuses))))
        print("Redis stopped under load: %d requests, %d answered 503, slowest %.2fs" % (
            len(statuses), statuses.count(503), slowest[0]))
        self.assertLess(slowest[0], 5)

    def test_redis_down_is_503_with_the_cookie_kept_and_service_returns_by_itself(self):
        gateway = self.gateways["a"]
        terminal = self.terminal_admitted("outage-terminal")[:2]
        self.add_user("outage.nurse")
        result, jar = self.login(gateway, "outage.nurse", PASSWORD, terminal)
        self.assertEqual(result.status, 200, result.describe())
        self.redis.stop()
        time.sleep(1.1)  # the local copy has aged out

        down = self.request(gateway, "/ward/chart", terminal, cookie_jar=jar,
                            headers=["Accept: application/json"], timeout=10)
        self.assertEqual(down.status, 503, down.describe() + "\n" + self.log_tail())
        self.assertIn(b"session_store_unavailable", down.body)
        self.assertEqual(down.header("set-cookie"), [])  # not "logged out"
        page = self.request(gateway, "/ward/chart", terminal, cookie_jar=jar, timeout=10)
        self.assertEqual(page.status, 503)  # a page, not a redirect to the login (no loop)
        login, _ = self.login(gateway, "outage.nurse", PASSWORD, terminal)
        self.assertEqual(login.status, 503, login.describe())
        self.wait_until(lambda: b"session store" in gateway_ready_body(gateway),
                        "/readyz names the session store")
        gateway.wait_for_log("session.store_unavailable")
        self.wait_until(lambda: gateway.metric("sekisho_session_store_up") == 0, "the store gauge says down")

        self.redis.start()  # same port, empty: the session died with the old server
        self.wait_until(lambda: self.request(gateway, "/ward/chart", terminal, cookie_jar=jar,
                                             headers=["Accept: application/json"]).status == 401,
                        "service returns without a restart (the session is gone: 401)")
        # Each Redis client waits half a second after a failed connect before the next try.
        logins = []
        self.wait_until(lambda: logins.append(self.login(gateway, "outage.nurse", PASSWORD, terminal))
                        or logins[-1][0].status == 200, "a login succeeds again")
        jar2 = logins[-1][1]
        self.assertEqual(self.request(gateway, "/ward/chart", terminal, cookie_jar=jar2).status, 200)
        self.wait_until(lambda: gateway_ready_body(gateway) == b"ready\n", "/readyz is ready again")
        self.wait_until(lambda: gateway.metric("sekisho_session_store_up") == 1, "the store gauge says up")


def gateway_ready_body(gateway):
    from gateway_process import admin_get
    return admin_get(gateway.admin_port, "/readyz")[1]


if __name__ == "__main__":
    unittest.main()
