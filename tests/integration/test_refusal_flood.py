"""Refusals that need no credential cannot fill the audit disk (issue 12, item 12): a flood of
handshakes without a certificate and of wrong enrollment codes from one address leaves one
record per source and reason a minute — the first always written — while /metrics still
counts every refusal. The trail stays verifiable."""
import base64
import json
import os
import socket
import ssl
import subprocess
import unittest

from harness import (SEKISHOCTL_BIN, EchoServer, GatewayTestCase, enrollment_section, free_port,
                     route, run_openssl, wait_for)
from tls_clients import curl

FLOOD = 40


class RefusalFloodTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.enroll_port = free_port()
        cls.audit_log = os.path.join(demo.dir, "flood-audit.log")
        cls.start_gateway(demo.config(
            cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
            log={"refusal_interval": "1m"},
            audit={"file": cls.audit_log, "fsync": "always"},
            registry={"sqlite": os.path.join(demo.dir, "registry.db")},
            enrollment=enrollment_section(demo, cls.enroll_port)))

    def records(self, event, **fields):
        out = []
        with open(self.audit_log) as f:
            for line in f:
                r = json.loads(line)
                if r.get("event") == event and all(r.get(k) == v for k, v in fields.items()):
                    out.append(r)
        return out

    def handshake_without_certificate(self):
        ctx = ssl.create_default_context(cafile=self.demo.ca_bundle)
        raw = socket.create_connection(("127.0.0.1", self.listen_port), timeout=10)
        try:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                s.recv(100)  # TLS 1.3: the refusal arrives as an alert on the first read
        except (OSError, ssl.SSLError):
            pass
        finally:
            raw.close()

    def test_handshakes_without_a_certificate_leave_one_record(self):
        metric = "sekisho_tls_handshakes_refused_total"
        before = self.gateway.metric(metric, reason="no_certificate") or 0
        for _ in range(FLOOD):
            self.handshake_without_certificate()
        self.gateway.wait_metric_at_least(before + FLOOD, metric, reason="no_certificate")
        self.assertTrue(wait_for(lambda: self.records("handshake.refused", reason="no_certificate")),
                        "the first refusal was not written\n" + self.log_tail())
        written = self.records("handshake.refused", reason="no_certificate")
        self.assertEqual(len(written), 1, "one record per source a minute, got %d" % len(written))
        self.assertEqual(written[0]["peer"].split(":")[0], "127.0.0.1")

    def csr(self):
        key, der = os.path.join(self.tmp, "flood.key"), os.path.join(self.tmp, "flood.der")
        run_openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", key, "-subj", "/CN=flood", "-outform", "DER", "-out", der])
        with open(der, "rb") as f:
            return base64.b64encode(f.read()).decode()

    def test_wrong_enrollment_codes_leave_one_record(self):
        csr = self.csr()  # a good CSR: the code is what is wrong
        for i in range(FLOOD):
            result = curl("https://localhost:%d/.well-known/est/simpleenroll" % self.enroll_port,
                          cacert=self.demo.ca_bundle, resolve_port=self.enroll_port, method="POST",
                          headers=["Content-Type: application/pkcs10"], data=csr,
                          extra=["-u", "tkt-%016x:AAAAA-BBBBB-CCCCC-DDDDD" % i])
            self.assertEqual(result.status, 401, result.describe())
        self.assertTrue(wait_for(lambda: self.records("enrollment.ticket_refused")),
                        "the first refusal was not written\n" + self.log_tail())
        self.assertEqual(len(self.records("enrollment.ticket_refused")), 1)

    def test_trail_still_verifies(self):
        proc = subprocess.run([SEKISHOCTL_BIN, "audit", "verify", self.audit_log],
                              capture_output=True, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)


if __name__ == "__main__":
    unittest.main()
