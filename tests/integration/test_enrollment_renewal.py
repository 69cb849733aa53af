"""Renewal (EST simplereenroll) within bounds: a fresh certificate cannot renew before the
last part of its validity unless the administrator allows it; a device renews at most once
per interval and holds at most two valid certificates; the superseded certificate keeps
working for the overlap and is then revoked as "superseded" and listed on the CRL."""
import os
import subprocess
import time
import unittest

from enrollment_env import SETTLE, EnrollmentTestCase
from harness import run_openssl
from pki_tools import cert_serial


class RenewalTestCase(EnrollmentTestCase):

    def renew(self, name, crt, key):
        new_key, csr = self.make_csr(name)
        return self.curl_est("simplereenroll", csr, cert=crt, key=key), new_key

    def crl_text(self):
        der = subprocess.run(["curl", "-sS", "--noproxy", "*", "--cacert", self.demo.ca_bundle,
                              "--resolve", "localhost:%d:127.0.0.1" % self.enroll_port,
                              "https://localhost:%d/crl/device-ca.crl" % self.enroll_port],
                             capture_output=True, timeout=60).stdout
        return run_openssl(["crl", "-inform", "DER", "-noout", "-text"], input_bytes=der).decode()


class DefaultRenewalWindowTest(RenewalTestCase):
    # Defaults: renewal only in the last 33% of the 30-day validity.

    def test_a_fresh_certificate_is_refused_renewal_with_the_reason(self):
        crt, key, _ = self.enroll("too-early")
        (status, body), _ = self.renew("too-early-next", crt, key)
        self.assertEqual(status, 403, body)
        self.assertIn("last 33%", body)
        self.assertIn("renewal_window", body)  # how an administrator allows it
        self.gateway.wait_for_log("enrollment.renewal_refused")
        self.wait_for_status(crt, key, "/still-valid")  # the refusal changed nothing


class RenewalRateLimitTest(RenewalTestCase):
    enrollment_extra = {"renewal_window": "100%"}  # the default interval: one per hour

    def test_a_renewal_right_after_enrollment_is_refused_as_too_soon(self):
        crt, key, _ = self.enroll("too-soon")
        (status, body), _ = self.renew("too-soon-next", crt, key)
        self.assertEqual(status, 429, body)
        self.assertIn("next renewal is allowed from", body)


class RenewalOverlapTest(RenewalTestCase):
    enrollment_extra = {"renewal_window": "100%", "renewal_min_interval": "0s"}

    def test_allowed_renewal_keeps_the_old_certificate_and_refuses_a_third(self):
        crt, key, _ = self.enroll("overlapping")
        (status, body), new_key = self.renew("overlapping-next", crt, key)
        self.assertEqual(status, 200, body + "\n" + self.log_tail())
        new_crt = self.certificate_from("overlapping-next", body)
        for c, k in ((new_crt, new_key), (crt, key)):  # both work during the 7-day overlap
            self.wait_for_status(c, k, "/overlap")
        for c, k in ((crt, key), (new_crt, new_key)):  # a third certificate, from either
            (status, body), _ = self.renew("overlapping-third", c, k)
            self.assertEqual(status, 409, body)
            self.assertIn("2 valid certificates", body)
        self.wait_for_status(crt, key, "/overlap")


class SupersededRevocationTest(RenewalTestCase):
    enrollment_extra = {"renewal_window": "100%", "renewal_min_interval": "0s", "renewal_overlap": "0s"}

    def test_the_superseded_certificate_is_revoked_after_the_overlap(self):
        crt, key, _ = self.enroll("superseded")
        (status, body), new_key = self.renew("superseded-next", crt, key)
        self.assertEqual(status, 200, body + "\n" + self.log_tail())
        new_crt = self.certificate_from("superseded-next", body)
        serial = cert_serial(crt)
        deadline = time.monotonic() + SETTLE
        while "SERIAL NUMBER: " + serial not in self.crl_text().upper():
            self.assertLess(time.monotonic(), deadline, "the CRL never listed the superseded certificate\n"
                            + self.log_tail())
            time.sleep(0.3)
        self.assertIn("Superseded", self.crl_text())
        self.wait_for_status(crt, key, "/old", status=0)  # refused at the handshake
        self.wait_for_status(new_crt, new_key, "/new")
        (status, body), _ = self.renew("superseded-again", crt, key)  # the revoked one cannot renew
        self.assertIn(status, (401, 403), body)  # its TLS or the renewal rules refuse it


if __name__ == "__main__":
    unittest.main()
