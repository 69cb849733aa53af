"""A real HAProxy (TCP mode, send-proxy-v2 with CRC32C, UNIQUE_ID, AUTHORITY and SSL TLVs,
health checks on) in front of the gateway, both on loopback: a terminal connecting from
127.0.0.2 through HAProxy is that address to the backend; HAProxy's health checks (LOCAL
headers) are accepted as the balancer itself, never refused as PROXY protocol errors."""
import os
import shutil
import signal
import subprocess
import unittest

from harness import (EchoServer, GatewayTestCase, free_port, header_values, port_listening,
                     route, wait_for)
from proxy_clients import connect_from, tls_after

HAPROXY = shutil.which("haproxy")
CLIENT = "127.0.0.2"

HAPROXY_CONFIG = """global
    maxconn 200

defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s

frontend terminals
    bind 127.0.0.1:%(front)d
    unique-id-format %%{+X}o\\ %%ci:%%cp_%%fi:%%fp_%%Ts_%%rt:%%pid
    default_backend gateways

backend gateways
    server gateway1 127.0.0.1:%(gateway)d send-proxy-v2 proxy-v2-options crc32c,unique-id,authority,ssl check inter 300ms
"""


class HaproxyInFrontTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        if not HAPROXY:
            raise unittest.SkipTest("haproxy is not installed (scripts/install-deps.sh installs it)")
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.start_gateway(demo.config(
            cls.listen_port, cls.admin_port, [route("demo", upstream)],
            log={"level": "debug"},  # proxy_protocol.accepted says what each header carried
            proxy_protocol={"enabled": True, "trusted": ["127.0.0.1/32"]}))
        cls.front = free_port()
        cls.start_haproxy()

    @classmethod
    def start_haproxy(cls):
        config = os.path.join(cls.tmp, "haproxy.cfg")
        with open(config, "w") as f:
            f.write(HAPROXY_CONFIG % {"front": cls.front, "gateway": cls.listen_port})
        cls.haproxy_log = open(os.path.join(cls.tmp, "haproxy.log"), "wb")
        cls.addClassCleanup(cls.haproxy_log.close)
        subprocess.run([HAPROXY, "-c", "-f", config], check=True, stdout=cls.haproxy_log,
                       stderr=subprocess.STDOUT, timeout=60)
        cls.haproxy = subprocess.Popen([HAPROXY, "-db", "-f", config], stdout=cls.haproxy_log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        cls.addClassCleanup(cls.stop_haproxy)
        if not wait_for(lambda: cls.haproxy.poll() is not None or port_listening(cls.front)) \
                or cls.haproxy.poll() is not None:
            raise AssertionError("haproxy did not start:\n" + cls.haproxy_output())

    @classmethod
    def stop_haproxy(cls):
        if cls.haproxy.poll() is None:
            cls.haproxy.send_signal(signal.SIGTERM)
            try:
                cls.haproxy.wait(30)
            except subprocess.TimeoutExpired:
                cls.haproxy.kill()
                cls.haproxy.wait(10)

    @classmethod
    def haproxy_output(cls):
        cls.haproxy_log.flush()
        with open(cls.haproxy_log.name, "rb") as f:
            return f.read().decode(errors="replace")[-4000:]

    def request_through_haproxy(self, path):
        sock = connect_from(CLIENT, self.front)
        conn = tls_after(sock, self.device_context())
        conn.send(b"GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n" % path.encode())
        response = conn.read_response()
        conn.close()
        self.assertIsNotNone(response, self.log_tail() + "\n" + self.haproxy_output())
        self.assertEqual(response.status, 200, repr(response))
        return response.json()

    def test_the_backend_sees_the_terminal_behind_haproxy(self):
        offset = self.gateway.log_offset()
        seen = self.request_through_haproxy("/through-haproxy")
        self.assertEqual(header_values(seen, "X-Forwarded-For"), [CLIENT])
        # HAProxy's header carried its TLVs and a checksum, and the gateway checked it.
        self.gateway.wait_for_log(r"(?m)^(?=.*proxy_protocol\.accepted)(?=.*\bpeer=127\.0\.0\.2:\d+)"
                                  r"(?=.*\bcommand=proxy\b)(?=.*\bcrc32c=checked\b).*$", since=offset)
        self.gateway.wait_for_log(r"(?m)^(?=.*\brequest\b)(?=.*path=/through-haproxy)"
                                  r"(?=.*\bpeer=127\.0\.0\.2:\d+).*$", since=offset)

    def test_health_checks_are_local_headers_from_the_balancer(self):
        # HAProxy checks every 300 ms once it runs; on a loaded machine its first check has
        # been seen to come late, so the wait is generous (a missing check still fails).
        self.gateway.wait_for_log(r"(?m)^(?=.*proxy_protocol\.accepted)(?=.*\bcommand=local\b)"
                                  r"(?=.*\bpeer=127\.0\.0\.1:\d+).*$", timeout=90)
        refused = [value for name, _, value in self.gateway.metrics()
                   if name == "sekisho_proxy_protocol_refused_total"]
        self.assertTrue(refused and not any(refused), "%r\n%s" % (refused, self.log_tail()))


if __name__ == "__main__":
    unittest.main()
