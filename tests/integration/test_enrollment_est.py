"""Enrollment over EST (RFC 7030) with nothing but `openssl req` and `curl` on the terminal:
a one-time ticket enrolls a terminal whose certificate then works on the main listener;
tickets cannot be reused, expire, and lock after five wrong codes; weak or over-reaching
CSRs are refused with a reason; renewal with the current certificate; and the CRL follows
revocations in the registry."""
import base64
import os
import subprocess
import time
import unittest

from enrollment_env import SEKISHOCTL_BIN, SETTLE, EnrollmentTestCase
from harness import run_openssl
from pki_tools import cert_serial, crl_serials


class EstEnrollmentTest(EnrollmentTestCase):
    # Renewing fresh certificates is the administrator's choice (test_enrollment_renewal.py).
    enrollment_extra = {"renewal_window": "100%", "renewal_min_interval": "0s"}

    # --- tests -----------------------------------------------------------------------------------

    def test_cacerts_returns_the_issuing_chain(self):
        status, body = self.curl_est("cacerts")
        self.assertEqual(status, 200, body)
        pem = run_openssl(["pkcs7", "-inform", "DER", "-print_certs"], input_bytes=base64.b64decode(body)).decode()
        self.assertEqual(pem.count("BEGIN CERTIFICATE"), 2, pem)

    def test_enrolled_certificate_works_on_the_main_listener(self):
        crt, key, _ = self.enroll("est-terminal-01")
        text = run_openssl(["x509", "-in", crt, "-noout", "-text"]).decode()
        self.assertIn("TLS Web Client Authentication", text)
        self.assertIn("urn:sekisho:device:demo-clinic:", text)
        result = self.wait_for_status(crt, key, "/enrolled")
        headers = dict((k.lower(), v) for k, v in result.json()["headers"])
        self.assertEqual(headers["x-sekisho-facility"], "demo-clinic")

    def test_enrolled_and_renewed_terminals_get_in_at_their_first_handshake(self):
        # The instance that issued a certificate admits it at once, not one registry poll
        # (0.5 s) later: no retry here. Three rounds, so a lucky poll cannot hide the delay.
        for i in range(3):
            crt, key, _ = self.enroll("first-handshake-%d" % i)
            result = self.device_curl("/first", cert=crt, key=key)
            self.assertEqual(result.status, 200, "round %d: %s\n%s" % (i, result.describe(), self.log_tail()))
            new_key, csr = self.make_csr("first-handshake-%d-next" % i)
            status, body = self.curl_est("simplereenroll", csr, cert=crt, key=key)
            self.assertEqual(status, 200, body + "\n" + self.log_tail())
            new_crt = self.certificate_from("first-handshake-%d-next" % i, body)
            result = self.device_curl("/first-renewed", cert=new_crt, key=new_key)
            self.assertEqual(result.status, 200, "round %d: %s\n%s" % (i, result.describe(), self.log_tail()))

    def test_ticket_is_single_use(self):
        creds, _ = self.ticket("single-use")
        _, csr = self.make_csr("single-use")
        self.assertEqual(self.curl_est("simpleenroll", csr, user=creds)[0], 200)
        _, csr2 = self.make_csr("single-use-again")
        self.assertEqual(self.curl_est("simpleenroll", csr2, user=creds)[0], 401)

    def test_expired_ticket_is_refused(self):
        creds, _ = self.ticket("expiring", ttl="1s")
        _, csr = self.make_csr("expiring")
        time.sleep(2.5)
        self.assertEqual(self.curl_est("simpleenroll", csr, user=creds)[0], 401)

    def test_five_wrong_codes_lock_the_ticket_and_are_logged(self):
        creds, t = self.ticket("brute-forced")
        _, csr = self.make_csr("brute-forced")
        for _ in range(5):
            self.assertEqual(self.curl_est("simpleenroll", csr, user=t["ticket_id"] + ":WRONG-CODE0-AAAAA-BBBBB")[0], 401)
        self.assertEqual(self.curl_est("simpleenroll", csr, user=creds)[0], 401, "a locked ticket still enrolled")
        self.gateway.wait_for_log(r"enrollment\.ticket_refused ticket=%s outcome=wrong_code locked=true peer=127\.0\.0\.1"
                                  % t["ticket_id"])

    def test_weak_or_overreaching_csrs_are_refused_with_a_reason(self):
        creds, _ = self.ticket("weak")
        _, weak = self.make_csr("weak-rsa", key_args=("-newkey", "rsa:1024"))
        status, body = self.curl_est("simpleenroll", weak, user=creds)
        self.assertEqual(status, 400)
        self.assertIn("1024", body)
        _, server = self.make_csr("server-auth", extra=("-addext", "extendedKeyUsage=serverAuth"))
        status, body = self.curl_est("simpleenroll", server, user=creds)
        self.assertEqual(status, 400)
        self.assertIn("serverAuth", body)
        # The refusals did not use the ticket up.
        _, good = self.make_csr("weak-then-good")
        self.assertEqual(self.curl_est("simpleenroll", good, user=creds)[0], 200)

    def test_renewal_with_the_current_certificate(self):
        crt, key, _ = self.enroll("renewing")
        time.sleep(1.0)  # the registry view of the gateway refreshes every 0.5 s
        new_key, csr = self.make_csr("renewing-next")
        status, body = self.curl_est("simplereenroll", csr, cert=crt, key=key)
        self.assertEqual(status, 200, body + "\n" + self.log_tail())
        new_crt = self.certificate_from("renewing-next", body)
        self.assertNotEqual(cert_serial(new_crt), cert_serial(crt))
        for c, k in ((new_crt, new_key), (crt, key)):  # the old one works during the overlap
            self.wait_for_status(c, k, "/renewed")
        status, _ = self.curl_est("simplereenroll", csr)  # no client certificate
        self.assertEqual(status, 401)

    def test_crl_lists_a_revoked_device(self):
        crt, _, _ = self.enroll("to-revoke")
        serial = cert_serial(crt)
        out = subprocess.run([SEKISHOCTL_BIN, "device", "--config", self.config_path, "revoke",
                              run_openssl(["x509", "-in", crt, "-noout", "-fingerprint", "-sha256"])
                              .decode().strip().split("=", 1)[1].replace(":", "").lower(),
                              "--reason", "keyCompromise"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        crl_path = os.path.join(self.work, "device-ca.crl")
        deadline = time.monotonic() + SETTLE
        while True:
            der = subprocess.run(["curl", "-sS", "--noproxy", "*", "--cacert", self.demo.ca_bundle,
                                  "--resolve", "localhost:%d:127.0.0.1" % self.enroll_port,
                                  "https://localhost:%d/crl/device-ca.crl" % self.enroll_port],
                                 capture_output=True, timeout=60).stdout
            with open(crl_path, "wb") as f:
                f.write(der)
            pem = run_openssl(["crl", "-inform", "DER", "-in", crl_path, "-CAfile", self.demo.path("device-ca.crt")])
            with open(crl_path + ".pem", "wb") as f:
                f.write(pem)
            if serial in crl_serials(crl_path + ".pem"):
                break
            self.assertLess(time.monotonic(), deadline, "the CRL never listed the revoked serial\n" + self.log_tail())
            time.sleep(0.3)

    def fetch(self, path):
        """GET path on the enrollment listener: (HTTP status, body bytes)."""
        out = subprocess.run(["curl", "-sS", "--noproxy", "*", "--cacert", self.demo.ca_bundle,
                              "--resolve", "localhost:%d:127.0.0.1" % self.enroll_port,
                              "-w", "\n%{http_code}", "https://localhost:%d%s" % (self.enroll_port, path)],
                             capture_output=True, timeout=60).stdout
        body, _, status = out.rpartition(b"\n")
        return int(status or 0), body

    def test_root_crl_is_served_where_the_issuing_ca_points(self):
        # The root's CRL (a tls.crl file) is served by its file name, as `pki init
        # --crl-url-base` and demo init point the issuing CA certificate at it.
        status, der = self.fetch("/crl/root-ca.crl")
        self.assertEqual(status, 200, der)
        self.assertEqual(der, run_openssl(["crl", "-in", self.demo.path("root-ca.crl"), "-outform", "DER"]))
        dp = run_openssl(["x509", "-in", self.demo.path("device-ca.crt"), "-noout", "-ext",
                          "crlDistributionPoints"]).decode()
        self.assertIn("/crl/root-ca.crl", dp)
        for missing in ("/crl/nothing.crl", "/crl/..%2Froot-ca.crl", "/crl/root-ca.crt.crl"):
            status, _ = self.fetch(missing)
            self.assertEqual(status, 404, missing)


if __name__ == "__main__":
    unittest.main()
