"""The traceable fallback for a lost or stolen terminal (REQUIREMENTS threat 4): a ticket made
with `device ticket create --temporary` yields, through EST, a certificate valid only for
the temporary validity; the registry marks the device temporary (`device show|list`); every
event about it — the enrollment, each request's log line and audit record, the backend's
identity assertion — says temporary=true; and it cannot renew itself past its end."""
import base64
import datetime
import json
import os
import subprocess
import time
import unittest

from enrollment_env import SETTLE, EnrollmentTestCase
from harness import SEKISHOCTL_BIN, header_values, run_openssl


def not_after(cert):
    text = run_openssl(["x509", "-in", cert, "-noout", "-enddate"]).decode().strip()
    return datetime.datetime.strptime(text.split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class TemporaryCredentialTest(EnrollmentTestCase):

    enrollment_extra = {"temporary_validity": "48h", "renewal_window": "100%", "renewal_min_interval": "0s"}

    @classmethod
    def extra_sections(cls):
        cls.audit_log = os.path.join(cls.tmp, "audit", "audit.log")
        os.makedirs(os.path.dirname(cls.audit_log))
        return {"audit": {"file": cls.audit_log}}

    def device_cli(self, *args):
        out = subprocess.run([SEKISHOCTL_BIN, "device", "--config", self.config_path, "--json", *args],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def temporary_ticket(self, name, *extra):
        out = subprocess.run([SEKISHOCTL_BIN, "device", "--config", self.config_path, "ticket", "create",
                              "--facility", "demo-clinic", "--name", name, "--temporary", *extra],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        t = json.loads(out.stdout)
        return "%s:%s" % (t["ticket_id"], t["code"]), t

    def enroll_with(self, name, creds):
        key, csr = self.make_csr(name)
        status, body = self.curl_est("simpleenroll", csr, user=creds)
        self.assertEqual(status, 200, body + "\n" + self.log_tail())
        return self.certificate_from(name, body), key

    def audit_records(self):
        with open(self.audit_log) as f:
            return [json.loads(line) for line in f]

    def audited_requests(self, path):
        """The audit records of requests for path, once there (the trail writes in batches)."""
        deadline = time.monotonic() + SETTLE
        while True:
            found = [r for r in self.audit_records() if r["event"] == "request" and r.get("path") == path]
            if found:
                return found
            self.assertLess(time.monotonic(), deadline, "no audit record of the request for " + path)
            time.sleep(0.2)

    def test_a_temporary_ticket_yields_a_short_marked_credential(self):
        creds, ticket = self.temporary_ticket("stand-in", "--validity", "12h")
        self.assertTrue(ticket["temporary"])
        self.assertEqual(ticket["certificate_validity_seconds"], 12 * 3600)
        crt, key = self.enroll_with("stand-in", creds)
        hours = (not_after(crt) - now_utc()).total_seconds() / 3600
        self.assertTrue(11.9 < hours <= 12.01, hours)

        # The registry: marked temporary, shown by show and list.
        listed = [d for d in self.device_cli("list")["devices"] if d["name"] == "stand-in"]
        self.assertEqual(len(listed), 1)
        self.assertTrue(listed[0]["temporary"])
        shown = self.device_cli("show", listed[0]["id"])
        self.assertTrue(shown["temporary"])
        self.assertEqual(len(shown["certificates"]), 1)
        span = shown["certificates"][0]["not_after"] - shown["certificates"][0]["not_before"]
        self.assertLessEqual(abs(span - (12 * 3600 + 300)), 2, span)  # from 5 minutes ago (clock skew)
        text = subprocess.run([SEKISHOCTL_BIN, "device", "--config", self.config_path, "list"],
                              capture_output=True, text=True, timeout=60).stdout
        self.assertRegex(text, r"stand-in\s+active \(temporary\)")
        ledger = self.device_cli("ledger")["entries"]
        created = [e for e in ledger if e["action"] == "device.create" and e["subject"] == listed[0]["id"]]
        self.assertEqual(created[0]["details"].get("temporary"), 1)

        # Every event about it says so: enrollment, each request (log and audit), the backend's view.
        self.gateway.wait_for_log(r"enrollment\.enrolled .*name=stand-in .*temporary=true")
        seen = len(self.echo.snapshot())
        result = self.wait_for_status(crt, key, "/temporary-use")
        self.assertEqual(result.status, 200)
        self.gateway.wait_for_log(r"request route=demo .*path=/temporary-use .*temporary=true")
        forwarded = self.echo.snapshot()[seen:]
        self.assertEqual(header_values(forwarded[-1], "X-Sekisho-Device-Temporary"), ["true"])
        claims = assertion_claims(header_values(forwarded[-1], "X-Sekisho-Jwt-Assertion")[0])
        self.assertIs(claims["temporary"], True)
        requests = self.audited_requests("/temporary-use")
        self.assertTrue(all(r.get("temporary") == "true" for r in requests), requests)

        # It does not renew: its end is its end.
        new_key, new_csr = self.make_csr("stand-in-renewed")
        status, body = self.curl_est("simplereenroll", new_csr, cert=crt, key=key)
        self.assertEqual(status, 403, body)
        self.assertIn("temporary credential does not renew", body)

    def test_an_ordinary_terminal_is_not_marked(self):
        crt, key, _ = self.enroll("ordinary")
        self.assertGreater((not_after(crt) - now_utc()).days, 28)  # device_validity, 30 d
        listed = [d for d in self.device_cli("list")["devices"] if d["name"] == "ordinary"]
        self.assertFalse(listed[0]["temporary"])
        self.wait_for_status(crt, key, "/ordinary-use")
        line = self.gateway.wait_for_log(r"request route=demo .*path=/ordinary-use .*")
        self.assertNotIn("temporary", line)
        seen = self.audited_requests("/ordinary-use")
        self.assertTrue(all("temporary" not in r for r in seen), seen)

    def test_the_default_validity_is_the_configured_one_and_bounds_hold(self):
        _, ticket = self.temporary_ticket("default-stand-in")
        self.assertEqual(ticket["certificate_validity_seconds"], 48 * 3600)  # enrollment.temporary_validity
        for bad in (["--validity", "8d"], ["--validity", "30m"]):
            out = subprocess.run([SEKISHOCTL_BIN, "device", "--config", self.config_path, "ticket", "create",
                                  "--facility", "demo-clinic", "--name", "x", "--temporary", *bad],
                                 capture_output=True, text=True, timeout=60)
            self.assertEqual(out.returncode, 2, out.stderr)
            self.assertIn("1h to 7d", out.stderr)
        out = subprocess.run([SEKISHOCTL_BIN, "device", "--config", self.config_path, "ticket", "create",
                              "--facility", "demo-clinic", "--name", "x", "--validity", "12h"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("--temporary", out.stderr)


def assertion_claims(jws):
    payload = jws.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


if __name__ == "__main__":
    unittest.main()
