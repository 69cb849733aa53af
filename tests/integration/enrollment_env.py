"""A gateway with the enrollment listener over the demo PKI, and the terminal's side of
EST done with `openssl req` and `curl` only. Shared by the enrollment tests."""
import base64
import json
import os
import subprocess
import time

from harness import (SEKISHOCTL_BIN, EchoServer, GatewayTestCase, enrollment_section, free_port,
                     route, run_openssl)

SETTLE = 20


class EnrollmentTestCase(GatewayTestCase):
    # More enrollment: keys for a subclass's gateway (e.g. the renewal rules).
    enrollment_extra = {}

    @classmethod
    def extra_sections(cls):
        """More top-level config sections for a subclass's gateway (after make_demo: cls.tmp)."""
        return {}

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.enroll_port = free_port()
        cls.config_path = os.path.join(demo.dir, "est.yaml")
        cls.work = os.path.join(cls.tmp, "terminal")
        os.makedirs(cls.work)
        cls.start_gateway(demo.config(
            cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
            registry={"sqlite": os.path.join(demo.dir, "registry.db")},
            enrollment=enrollment_section(demo, cls.enroll_port, device_validity="30d",
                                          **cls.enrollment_extra),
            **cls.extra_sections()), name="est.yaml")

    # --- the terminal's side: openssl + curl only ---------------------------------------------

    def est_url(self, op, port=None):
        return "https://localhost:%d/.well-known/est/%s" % (port or self.enroll_port, op)

    def curl_est(self, op, body_file=None, user=None, cert=None, key=None, port=None):
        """port: another gateway's enrollment listener (default: the class's)."""
        port = port or self.enroll_port
        cmd = ["curl", "-sS", "--noproxy", "*", "--max-time", "60", "--cacert", self.demo.ca_bundle,
               "--resolve", "localhost:%d:127.0.0.1" % port, "-w", "\n%{http_code}"]
        if body_file:
            cmd += ["-H", "Content-Type: application/pkcs10", "--data-binary", "@" + body_file]
        if user:
            cmd += ["-u", user]
        if cert:
            cmd += ["--cert", cert, "--key", key]
        out = subprocess.run(cmd + [self.est_url(op, port)], capture_output=True, text=True, timeout=90)
        body, _, status = out.stdout.rpartition("\n")
        return int(status or 0), body

    def make_csr(self, name, key_args=("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"), extra=()):
        key = os.path.join(self.work, name + ".key")
        der = os.path.join(self.work, name + ".csr.der")
        run_openssl(["req", "-new", *key_args, "-nodes", "-keyout", key, "-subj", "/CN=" + name,
                     "-outform", "DER", "-out", der, *extra])
        b64 = os.path.join(self.work, name + ".csr.b64")
        with open(der, "rb") as f, open(b64, "w") as out:
            out.write(base64.encodebytes(f.read()).decode())
        return key, b64

    def certificate_from(self, name, body):
        p7 = os.path.join(self.work, name + ".p7")
        with open(p7, "wb") as f:
            f.write(base64.b64decode(body))
        pem = run_openssl(["pkcs7", "-inform", "DER", "-in", p7, "-print_certs"]).decode()
        crt = os.path.join(self.work, name + ".crt")
        with open(crt, "w") as f:
            f.write(pem)
        return crt

    def ticket(self, name, ttl="1h"):
        out = subprocess.run([SEKISHOCTL_BIN, "device", "--config", self.config_path, "ticket", "create",
                              "--facility", "demo-clinic", "--name", name, "--ttl", ttl],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        t = json.loads(out.stdout)
        return "%s:%s" % (t["ticket_id"], t["code"]), t

    def enroll(self, name):
        creds, _ = self.ticket(name)
        key, csr = self.make_csr(name)
        status, body = self.curl_est("simpleenroll", csr, user=creds)
        self.assertEqual(status, 200, body + "\n" + self.log_tail())
        return self.certificate_from(name, body), key, creds

    def wait_for_status(self, cert, key, path="/", status=200):
        """The gateway's registry view refreshes every 0.5 s: poll until a request answers."""
        deadline = time.monotonic() + SETTLE
        while True:
            result = self.device_curl(path, cert=cert, key=key)
            if result.status == status:
                return result
            self.assertLess(time.monotonic(), deadline, result.describe() + "\n" + self.log_tail())
            time.sleep(0.2)
