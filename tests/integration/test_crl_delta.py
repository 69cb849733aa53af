"""Delta CRLs (RFC 5280 §5.2.4): above enrollment.delta_crl_above entries, a change goes into
a delta CRL on top of the complete one instead of re-issuing the whole list. Both are
published (/crl/device-ca.crl and /crl/device-ca-delta.crl), parse with `openssl crl` and
verify against the issuing CA; a client that applies base + delta (openssl verify
-extended_crl -use_deltas) sees every revocation, a hold, and a hold lifted (removeFromCRL)."""
import json
import os
import subprocess
import unittest

from enrollment_env import EnrollmentTestCase
from harness import SEKISHOCTL_BIN, run_openssl
from pki_tools import cert_serial


class DeltaCrlTest(EnrollmentTestCase):
    enrollment_extra = {"delta_crl_above": 0}  # every change in a delta: the fleet's behaviour

    def ctl(self, *args):
        out = subprocess.run([SEKISHOCTL_BIN, "device", "--config", self.config_path, "--json"] + list(args),
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout) if out.stdout.strip() else None

    def device_id(self, name):
        return next(d["id"] for d in self.ctl("list")["devices"] if d["name"] == name)

    def fetch(self, name):
        """The CRL served at /crl/<name>.crl, verified against the issuing CA, as a PEM file."""
        der = subprocess.run(["curl", "-sS", "--noproxy", "*", "--fail", "--cacert", self.demo.ca_bundle,
                              "--resolve", "localhost:%d:127.0.0.1" % self.enroll_port,
                              "https://localhost:%d/crl/%s.crl" % (self.enroll_port, name)],
                             capture_output=True, timeout=60)
        self.assertEqual(der.returncode, 0, der.stderr)
        path = os.path.join(self.work, "%s-%d.pem" % (name, len(os.listdir(self.work))))
        # -CAfile: the signature is checked (openssl exits non-zero on a bad one).
        pem = run_openssl(["crl", "-inform", "DER", "-CAfile", self.demo.path("device-ca.crt")], input_bytes=der.stdout)
        with open(path, "wb") as f:
            f.write(pem)
        return path

    def text(self, crl):
        return run_openssl(["crl", "-in", crl, "-noout", "-text"]).decode()

    def verify(self, cert, *crls, deltas=True):
        """openssl verify with CRL checking of the leaf: (ok, output)."""
        cmd = ["openssl", "verify", "-crl_check", "-CAfile", self.demo.path("root-ca.crt"),
               "-untrusted", self.demo.path("device-ca.crt")]
        if deltas:
            # -extended_crl too: without it OpenSSL may take a delta for a complete CRL.
            cmd += ["-extended_crl", "-use_deltas"]
        for crl in crls:
            cmd += ["-CRLfile", crl]
        out = subprocess.run(cmd + [cert], capture_output=True, text=True, timeout=60)
        return out.returncode == 0, out.stdout + out.stderr

    def published(self, kind, since):
        return self.gateway.wait_for_log(r"crl\.published ca=device-ca kind=%s" % kind, since=since)

    def test_base_plus_delta_carry_every_change(self):
        lost, _, _ = self.enroll("delta-lost")
        held, _, _ = self.enroll("delta-held")
        kept, _, _ = self.enroll("delta-kept")

        # A revocation: only in the delta, which names the complete CRL it updates.
        mark = len(self.gateway.log_text())
        self.ctl("revoke", self.device_id("delta-lost"), "--reason", "keyCompromise")
        self.published("delta", mark)
        base, delta = self.fetch("device-ca"), self.fetch("device-ca-delta")
        self.assertIn("Delta CRL Indicator", self.text(delta))
        self.assertIn(cert_serial(lost), self.text(delta).upper())
        self.assertNotIn(cert_serial(lost), self.text(base).upper())
        self.assertIn("Freshest CRL", self.text(base))  # where a client finds the deltas
        self.assertIn("/crl/device-ca-delta.crl", self.text(base))
        ok, out = self.verify(lost, base, delta)
        self.assertFalse(ok, out)
        self.assertIn("certificate revoked", out)
        self.assertTrue(self.verify(lost, base, deltas=False)[0])  # the complete CRL alone is behind
        self.assertTrue(self.verify(kept, base, delta)[0])

        # A suspension is a hold in the next delta.
        mark = len(self.gateway.log_text())
        self.ctl("suspend", self.device_id("delta-held"), "--reason", "on repair")
        self.published("delta", mark)
        delta = self.fetch("device-ca-delta")
        self.assertIn("Certificate Hold", self.text(delta))
        self.assertFalse(self.verify(held, self.fetch("device-ca"), delta)[0])

        # A restart publishes a complete CRL holding both; lifting the hold is then a
        # removeFromCRL in the delta, and base + delta admit the terminal again.
        self.gateway.stop()
        self.gateway.start()
        base = self.fetch("device-ca")
        self.assertIn(cert_serial(held), self.text(base).upper())
        self.assertIn(cert_serial(lost), self.text(base).upper())
        mark = len(self.gateway.log_text())
        self.ctl("resume", self.device_id("delta-held"), "--reason", "repaired")
        self.published("delta", mark)
        delta = self.fetch("device-ca-delta")
        self.assertIn("Remove From CRL", self.text(delta))
        self.assertFalse(self.verify(held, base, deltas=False)[0])  # the complete CRL still holds it
        self.assertTrue(self.verify(held, base, delta)[0], self.verify(held, base, delta)[1])
        self.assertFalse(self.verify(lost, base, delta)[0])  # a revocation stays


if __name__ == "__main__":
    unittest.main()
