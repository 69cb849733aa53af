"""The admin listener (metrics, health, dashboard) stays on loopback unless it speaks TLS
and admits only operators with a client certificate of the configured operator CA; it
answers only requests addressed to its own name (no DNS rebinding); and a server
certificate about to expire raises one alert at start (REQUIREMENTS §5)."""
import http.client
import os
import subprocess
import time
import unittest

from harness import (SEKISHO_BIN, CaDb, EchoServer, Gateway, GatewayTestCase, curl, make_root_ca, port_listening,
                     route, run_openssl, wait_for, write_yaml)
from test_alerts import WebhookReceiver


class AdminTlsTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        ops = os.path.join(cls.tmp, "operators")
        ca_crt, ca_key = make_root_ca(ops, "operators-ca", "/O=Sekisho Demo/CN=Operators CA")
        operators = CaDb(os.path.join(ops, "db"), ca_crt, ca_key)
        cls.operator = operators.issue("sato", "/O=Sekisho Demo/CN=sato")
        # An operator who left: revoked in the operators' CRL.
        cls.former = operators.issue("suzuki", "/O=Sekisho Demo/CN=suzuki")
        operators.revoke(cls.former[0])
        crl = operators.gencrl(os.path.join(ops, "operators-ca.crl"))
        routes = [route("echo", "http://127.0.0.1:%d" % cls.echo.port, login=False)]
        admin = {"listen": "127.0.0.1:%d" % cls.admin_port,
                 "tls": {"certificate": demo.path("server.crt"), "key": demo.path("server.key"), "client_ca": ca_crt,
                         "crl": [crl]}}
        cls.config = demo.config(cls.listen_port, cls.admin_port, routes, admin=admin)
        path = write_yaml(os.path.join(demo.dir, "admin-tls.yaml"), cls.config)
        gateway = Gateway(path, cls.listen_port, cls.admin_port, cls.tmp)
        cls.addClassCleanup(gateway.stop)
        gateway.start(wait=False)
        cls.gateway = gateway
        if not wait_for(lambda: port_listening(cls.listen_port) and port_listening(cls.admin_port), 60, 0.2):
            raise AssertionError("the gateway did not listen:\n" + gateway.log_tail())

    def admin(self, path, cert=None, key=None):
        return curl("https://localhost:%d%s" % (self.admin_port, path), cert=cert, key=key,
                    cacert=self.demo.ca_bundle, resolve_port=self.admin_port, timeout=20)

    def test_an_operator_certificate_opens_the_metrics(self):
        result = self.admin("/metrics", *self.operator)
        self.assertEqual(result.status, 200, result.describe())
        self.assertIn("sekisho_tls_handshakes_refused_total", result.body.decode())
        self.assertEqual(self.admin("/healthz", *self.operator).body.strip(), b"ok")

    def test_an_operator_on_a_foreign_host_name_is_refused(self):
        result = curl("https://localhost:%d/metrics" % self.admin_port, cert=self.operator[0],
                      key=self.operator[1], cacert=self.demo.ca_bundle, resolve_port=self.admin_port,
                      headers=["Host: evil.example"], timeout=20)
        self.assertIn(result.status, (403, 421), result.describe())
        self.assertNotIn(b"sekisho_", result.body)

    def test_no_certificate_or_a_terminal_certificate_is_refused(self):
        since = self.gateway.log_offset()
        self.assertEqual(self.admin("/metrics").status, 0)
        # A terminal's certificate is of the device CA, not of the operators' CA.
        self.assertEqual(self.admin("/metrics", self.demo.device_cert, self.demo.device_key).status, 0)
        self.gateway.wait_for_log(r"admin\.handshake_refused", since=since)
        plain = subprocess.run(["curl", "-sS", "--max-time", "10", "http://127.0.0.1:%d/metrics" % self.admin_port],
                               capture_output=True, timeout=30)
        self.assertNotIn(b"sekisho_", plain.stdout)  # no plain-HTTP fallback

    def test_a_revoked_operator_certificate_is_refused(self):
        since = self.gateway.log_offset()
        result = self.admin("/metrics", *self.former)
        self.assertEqual(result.status, 0, result.describe())
        self.assertNotIn(b"sekisho_", result.body)
        self.gateway.wait_for_log(r"admin\.handshake_refused .*certificate revoked", since=since)

    def test_a_network_address_without_tls_is_a_configuration_error(self):
        config = dict(self.config, admin={"listen": "0.0.0.0:%d" % self.admin_port})
        path = write_yaml(os.path.join(self.demo.dir, "admin-open.yaml"), config)
        proc = subprocess.run([SEKISHO_BIN, "--check", "--config", path], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(proc.returncode, 0)
        self.assertRegex(proc.stdout + proc.stderr, r"admin-open\.yaml:\d+: admin\.listen: 0\.0\.0\.0 is not a loopback")


def admin_get_with_host(port, path, host):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class AdminHostTest(GatewayTestCase):
    """DNS rebinding: a web page from evil.example whose name is made to resolve to
    127.0.0.1 (or to an SSH port forward) reaches the loopback admin listener from the
    operator's own browser; only the Host header tells it apart."""

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port,
                                      [route("echo", "http://127.0.0.1:%d" % cls.echo.port, login=False)]))

    def test_a_foreign_host_name_is_refused(self):
        for host in ("evil.example", "evil.example:%d" % self.admin_port, "127.0.0.1.evil.example"):
            with self.subTest(host=host):
                since = self.gateway.log_offset()
                for path in ("/metrics", "/dashboard"):
                    status, body = admin_get_with_host(self.admin_port, path, host)
                    self.assertIn(status, (403, 421), "%s answered %d for Host %s" % (path, status, host))
                    self.assertNotIn(b"sekisho_", body)
                self.gateway.wait_for_log(r"admin\.host_refused .*host=%s" % host.replace(".", r"\."),
                                          since=since)

    def test_the_listeners_own_names_are_served(self):
        for host in ("127.0.0.1:%d" % self.admin_port, "localhost:%d" % self.admin_port,
                     "LOCALHOST:%d" % self.admin_port, "[::1]:%d" % self.admin_port, "127.0.0.1"):
            with self.subTest(host=host):
                status, body = admin_get_with_host(self.admin_port, "/metrics", host)
                self.assertEqual(status, 200, "Host %s: %s\n%s" % (host, body[:300], self.log_tail()))
                self.assertIn(b"sekisho_tls_handshakes_refused_total", body)


class ExpiryAlertTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.receiver = WebhookReceiver.started_for(cls)
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        # A server certificate with three days left (the warning starts at seven).
        cls.short_crt, cls.short_key = os.path.join(cls.tmp, "short.crt"), os.path.join(cls.tmp, "short.key")
        run_openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", cls.short_key, "-out", cls.short_crt, "-days", "3", "-subj", "/CN=localhost",
                     "-addext", "subjectAltName=DNS:localhost"])
        routes = [route("echo", "http://127.0.0.1:%d" % cls.echo.port, login=False)]
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, routes,
                                      tls={"certificate": cls.short_crt, "key": cls.short_key},
                                      alerts={"webhook": "http://127.0.0.1:%d/hook" % cls.receiver.port,
                                              "window": "1h"}),
                          name="short.yaml")

    def test_a_certificate_near_its_end_alerts_once(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not self.receiver.of_rule("certificate_expiry"):
            time.sleep(0.2)
        alerts = self.receiver.of_rule("certificate_expiry")
        self.assertEqual(len(alerts), 1, "%r\n%s" % (self.receiver.alerts, self.log_tail()))
        event = alerts[0]["event"]
        self.assertEqual(event["event"], "certificate.expiring")
        self.assertEqual(event["kind"], "server")
        self.assertIn("CN=localhost", event["subject"])
        left = int(event["seconds_left"])
        self.assertTrue(2 * 86400 < left <= 3 * 86400, left)
        self.gateway.wait_for_log(r"certificate\.expiring kind=server")
        self.gateway.wait_for_log(r"alert\.fired rule=certificate_expiry")
        time.sleep(2)  # a second alert would have arrived by now
        self.assertEqual(len(self.receiver.of_rule("certificate_expiry")), 1)


if __name__ == "__main__":
    unittest.main()
