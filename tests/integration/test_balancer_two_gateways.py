"""The whole of several instances as one, for real: HAProxy in TCP mode with send-proxy-v2
in front of two gateways that share their registry (PostgreSQL) and their sessions (Redis).
A terminal behind HAProxy logs in on one gateway; its next connection goes to the other,
where the session works; the backend sees the terminal's own address, not the balancer's;
a logout through one is refused on the other."""
import json
import os
import shutil
import signal
import subprocess
import time
import unittest

from harness import free_port, header_values, port_listening, wait_for
from postgres_env import PASSWORD
from proxy_clients import connect_from, tls_after
from redis_env import RedisGatewaysTestCase
from tls_clients import tls_context

HAPROXY = shutil.which("haproxy")
TERMINAL_ADDRESS = "127.0.0.2"  # the terminal; HAProxy connects to the gateways from 127.0.0.1

HAPROXY_CONFIG = """global
    maxconn 200
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend terminals
    bind 127.0.0.1:%(front)d
    default_backend both
frontend only_a
    bind 127.0.0.1:%(front_a)d
    default_backend a
frontend only_b
    bind 127.0.0.1:%(front_b)d
    default_backend b
backend both
    balance roundrobin
    server a 127.0.0.1:%(a)d send-proxy-v2 proxy-v2-options crc32c
    server b 127.0.0.1:%(b)d send-proxy-v2 proxy-v2-options crc32c
backend a
    server a 127.0.0.1:%(a)d send-proxy-v2
backend b
    server b 127.0.0.1:%(b)d send-proxy-v2
"""


class BalancerInFrontOfTwoGatewaysTest(RedisGatewaysTestCase):

    @classmethod
    def setUpClass(cls):
        if not HAPROXY:
            raise unittest.SkipTest("haproxy is not installed (scripts/install-deps.sh installs it)")
        super().setUpClass()
        cls.a, cls.b = cls.gateways["a"], cls.gateways["b"]
        cls.front, cls.front_a, cls.front_b = free_port(), free_port(), free_port()
        config = os.path.join(cls.tmp, "haproxy.cfg")
        with open(config, "w") as f:
            f.write(HAPROXY_CONFIG % {"front": cls.front, "front_a": cls.front_a, "front_b": cls.front_b,
                                      "a": cls.a.port, "b": cls.b.port})
        cls.haproxy = subprocess.Popen([HAPROXY, "-db", "-f", config], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        cls.addClassCleanup(cls.stop_haproxy)
        if not wait_for(lambda: all(port_listening(p) for p in (cls.front, cls.front_a, cls.front_b))):
            raise AssertionError("haproxy did not start")

    @classmethod
    def stop_haproxy(cls):
        cls.haproxy.send_signal(signal.SIGTERM)
        try:
            cls.haproxy.wait(30)
        except subprocess.TimeoutExpired:
            cls.haproxy.kill()
            cls.haproxy.wait(10)

    @classmethod
    def write_config(cls, path, registry, listen_port, admin_port, **sections):
        # Every connection to the main listeners comes from HAProxy, with a PROXY v2 header.
        sections["proxy_protocol"] = {"enabled": True, "trusted": ["127.0.0.1/32"]}
        return super().write_config(path, registry, listen_port, admin_port, **sections)

    def status_on(self, gateway, terminal, path="/open/"):
        """Through HAProxy's frontend for that gateway alone (a direct connection would
        carry no PROXY header and be refused)."""
        port = self.front_a if gateway is self.a else self.front_b
        response = self.exchange(port, terminal, "GET", path)
        return response.status if response else None

    def exchange(self, port, terminal, method, path, cookie=None, body=None):
        ctx = tls_context(self.demo.ca_bundle, cert=terminal[0], key=terminal[1])
        try:
            conn = tls_after(connect_from(TERMINAL_ADDRESS, port), ctx)
        except OSError:
            return None
        head = "%s %s HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\nConnection: close\r\n" % (
            method, path)
        if cookie:
            head += "Cookie: %s\r\n" % cookie
        data = (body or "").encode()
        if body is not None:
            head += "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(data)
        conn.send(head.encode() + b"\r\n" + data)
        response = conn.read_response()
        conn.close()
        return response

    def login_through(self, port, user, terminal):
        response = self.exchange(port, terminal, "POST", "/_sekisho/api/login",
                                 body=json.dumps({"username": user, "password": PASSWORD}))
        self.assertIsNotNone(response, self.log_tail())
        self.assertEqual(response.status, 200, repr(response) + "\n" + self.log_tail())
        return response.header("Set-Cookie")[0].split(";", 1)[0]

    def test_a_login_through_the_balancer_works_on_the_other_instance_with_the_terminal_address(self):
        terminal = self.terminal_admitted("balanced-terminal")[:2]
        self.add_user("balanced.nurse")
        cookie = self.login_through(self.front_a, "balanced.nurse", terminal)  # made on A
        seen_b = self.exchange(self.front_b, terminal, "GET", "/ward/who", cookie=cookie)
        self.assertEqual(seen_b.status, 200, repr(seen_b) + "\n" + self.log_tail())
        record = seen_b.json()
        self.assertEqual(header_values(record, "X-Sekisho-User"), ["balanced.nurse"])
        self.assertEqual(header_values(record, "X-Forwarded-For"), [TERMINAL_ADDRESS])
        # Round robin: consecutive connections alternate between the instances, each serves it.
        offsets = {g.name: g.log_offset() for g in (self.a, self.b)}
        for i in range(4):
            response = self.exchange(self.front, terminal, "GET", "/ward/round-%d" % i, cookie=cookie)
            self.assertEqual(response.status, 200, repr(response))
        for g in (self.a, self.b):
            g.wait_for_log(r"(?m)^(?=.*\brequest\b)(?=.*path=/ward/round-)(?=.*user=balanced\.nurse)"
                           r"(?=.*\bpeer=127\.0\.0\.2:\d+).*$", since=offsets[g.name])

    def test_a_logout_through_one_instance_is_refused_through_the_other(self):
        terminal = self.terminal_admitted("balanced-logout")[:2]
        self.add_user("balanced.leaver")
        cookie = self.login_through(self.front_b, "balanced.leaver", terminal)
        self.assertEqual(self.exchange(self.front_a, terminal, "GET", "/ward/x", cookie=cookie).status, 200)
        started = time.monotonic()
        out = self.exchange(self.front_b, terminal, "POST", "/_sekisho/logout", cookie=cookie, body="{}")
        self.assertEqual(out.status, 200, repr(out))
        while self.exchange(self.front_a, terminal, "GET", "/ward/x", cookie=cookie).status != 401:
            self.assertLess(time.monotonic() - started, 1.0, "A still serves the session logged out on B")
            time.sleep(0.02)


if __name__ == "__main__":
    unittest.main()
