"""`sekishoctl pki crl-root`: the offline root re-signs its CRL before it expires (every entry
kept, issuing CAs revoked on request, the crlNumber growing), and a gateway whose root CRL
has expired — which refuses every terminal — admits them again once the re-signed CRL is
copied over and the gateway reloaded (SIGHUP), while the enrollment listener serves the new
one at /crl/root-ca.crl. Checked with the openssl command line and curl."""
import datetime
import os
import re
import shutil
import signal
import stat
import subprocess
import time
import unittest

from enrollment_env import EnrollmentTestCase
from harness import make_tempdir
from pki_tools import CaDb, run_openssl
from test_expiry_warnings import expiry_warning
from test_pki_cli import ctl, ctl_json

SETTLE = 30


def crl_text(path):
    return run_openssl(["crl", "-in", path, "-noout", "-text"]).decode()


def number_in(text):
    """The crlNumber as `openssl crl -text` prints it: decimal, or 0x... hex when large."""
    value = re.search(r"X509v3 CRL Number:\s*\n\s*(0x[0-9A-Fa-f]+|[0-9]+)", text).group(1)
    return int(value, 0)


def crl_number(path):
    return number_in(crl_text(path))


def revoked_serials(path):
    return re.findall(r"Serial Number: ([0-9A-F]+)", crl_text(path))


def next_update(path):
    text = run_openssl(["crl", "-in", path, "-noout", "-nextupdate"]).decode().strip()
    return datetime.datetime.strptime(text.split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")


def certificate_serial(path):
    return run_openssl(["x509", "-in", path, "-noout", "-serial"]).decode().strip().split("=", 1)[1]


def read(path):
    with open(path) as f:
        return f.read()


def now_utc():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


class CrlRootCliTest(unittest.TestCase):
    """The command on the root's machine: a root made by init-root, two issuing CAs it signed."""

    def setUp(self):
        self.tmp = make_tempdir(self)
        self.root = os.path.join(self.tmp, "root")
        ctl("pki", "init-root", "--dir", self.root, "--org", "Test Hospital")
        self.cas = []
        for name in ("ca-one", "ca-two"):
            side = os.path.join(self.tmp, name)
            ctl("pki", "init-ca", "--dir", side, "--org", "Test Hospital", "--ca-name", name)
            out = os.path.join(self.tmp, name + ".crt")
            ctl("pki", "sign-ca", "--root-dir", self.root, "--csr", os.path.join(side, name + ".csr"),
                "--out", out)
            self.cas.append(out)
        self.crl = os.path.join(self.root, "root-ca.crl")

    def verify_signature(self, path):
        result = subprocess.run(["openssl", "crl", "-in", path, "-noout", "-CAfile",
                                 os.path.join(self.root, "root-ca.crt")],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("verify OK", result.stdout + result.stderr)

    def test_revokes_an_issuing_ca_then_keeps_it_on_every_later_crl(self):
        self.assertEqual(crl_number(self.crl), 1)
        summary = ctl_json("pki", "crl-root", "--dir", self.root, "--days", "30",
                           "--revoke-ca", self.cas[0], "--reason", "cACompromise")
        self.assertEqual(summary["crl"], self.crl)
        self.assertEqual(summary["crl_number"], 2)
        self.assertEqual([a["serial"] for a in summary["added"]], [certificate_serial(self.cas[0])])
        self.assertTrue(any("SIGHUP" in step for step in summary["publish"]), summary["publish"])
        self.verify_signature(self.crl)
        self.assertEqual(stat.S_IMODE(os.stat(self.crl).st_mode), 0o644)
        self.assertEqual(revoked_serials(self.crl), [certificate_serial(self.cas[0])])
        self.assertIn("CA Compromise", crl_text(self.crl))
        days = (next_update(self.crl) - now_utc()).total_seconds() / 86400
        self.assertTrue(29.9 < days <= 30.01, days)

        # Later: the second CA retired; the first stays revoked with its own date and reason.
        first_text = crl_text(self.crl)
        first_date = re.search(r"Revocation Date: (.+)", first_text).group(1)
        out = ctl("pki", "crl-root", "--dir", self.root, "--revoke-ca", self.cas[1], "--reason",
                  "cessationOfOperation")[0]
        self.assertIn("Publish it:", out)
        self.assertEqual(crl_number(self.crl), 3)
        self.assertEqual(sorted(revoked_serials(self.crl)),
                         sorted(certificate_serial(c) for c in self.cas))
        text = crl_text(self.crl)
        self.assertIn(first_date, text)
        self.assertIn("CA Compromise", text)
        self.assertIn("Cessation Of Operation", text)
        days = (next_update(self.crl) - now_utc()).total_seconds() / 86400
        self.assertTrue(179.9 < days <= 180.01, days)  # the default

        # A plain re-signing keeps both; naming an already revoked CA again changes nothing.
        summary = ctl_json("pki", "crl-root", "--dir", self.root, "--revoke-ca", self.cas[0],
                           "--reason", "superseded")
        self.assertEqual(summary["added"], [])
        self.assertEqual(len(summary["kept"]), 2)
        self.assertEqual(crl_number(self.crl), 4)
        self.assertNotIn("Superseded", crl_text(self.crl))
        self.verify_signature(self.crl)

    def test_out_writes_elsewhere_and_leaves_the_folder_alone(self):
        before = read(self.crl)
        out = os.path.join(self.tmp, "usb", "root-ca.crl")
        os.makedirs(os.path.dirname(out))
        ctl("pki", "crl-root", "--dir", self.root, "--out", out, "--days", "90")
        self.assertEqual(read(self.crl), before)
        self.assertEqual(crl_number(out), 2)
        self.verify_signature(out)

    def test_refusals_change_nothing(self):
        before = read(self.crl)
        # Usage mistakes: exit 2.
        ctl("pki", "crl-root", "--dir", self.root, "--revoke-ca", self.cas[0], expect=2)
        ctl("pki", "crl-root", "--dir", self.root, "--days", "400", expect=2)
        ctl("pki", "crl-root", "--dir", self.root, "--revoke-ca", self.cas[0], "--reason", "removeFromCRL",
            expect=2)
        ctl("pki", "crl-root", "--dir", self.root, "--revoke-ca", self.cas[0], "--reason", "noSuchReason",
            expect=2)
        # A CA another root signed, the root itself: exit 1, named.
        other = os.path.join(self.tmp, "other")
        ctl("pki", "init", "--dir", other)
        _, err = ctl("pki", "crl-root", "--dir", self.root, "--revoke-ca",
                     os.path.join(other, "device-ca.crt"), "--reason", "cACompromise", expect=1)
        self.assertIn("was not issued by the root", err)
        _, err = ctl("pki", "crl-root", "--dir", self.root, "--revoke-ca",
                     os.path.join(self.root, "root-ca.crt"), "--reason", "cACompromise", expect=1)
        self.assertIn("is the root itself", err)
        # A CRL in the folder that this root did not sign: its entries are not carried over.
        shutil.copy(os.path.join(other, "root-ca.crl"), self.crl)
        _, err = ctl("pki", "crl-root", "--dir", self.root, expect=1)
        self.assertIn("not signed by the root", err)
        with open(self.crl, "w") as f:
            f.write(before)
        # No key: the error names the option.
        os.rename(os.path.join(self.root, "root-ca.key"), os.path.join(self.tmp, "away.key"))
        _, err = ctl("pki", "crl-root", "--dir", self.root, expect=1)
        self.assertIn("--root-key", err)
        self.assertEqual(read(self.crl), before)
        ctl("pki", "crl-root", "--dir", self.root, "--root-key", os.path.join(self.tmp, "away.key"))
        self.assertEqual(crl_number(self.crl), 2)


class ExpiredRootCrlTest(EnrollmentTestCase):
    """A gateway over the demo PKI (with the enrollment listener, which serves the root's CRL)
    whose root CRL has run out, then is re-signed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.root_crl = cls.demo.path("root-ca.crl")
        cls.root_db = CaDb(os.path.join(cls.tmp, "rootdb"), cls.demo.path("root-ca.crt"),
                           cls.demo.path("root-ca.key"))

    def served_root_crl(self):
        out = os.path.join(self.tmp, "served.crl")
        result = subprocess.run(["curl", "-sS", "--noproxy", "*", "--max-time", "30", "--cacert",
                                 self.demo.ca_bundle, "--resolve", "localhost:%d:127.0.0.1" % self.enroll_port,
                                 "-o", out, "https://localhost:%d/crl/root-ca.crl" % self.enroll_port],
                                capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return crl_number_der(out)

    def reload(self):
        offset = self.gateway.log_offset()
        self.gateway.signal(signal.SIGHUP)
        self.gateway.wait_for_log(r"config\.reloaded", since=offset)

    def test_expired_root_crl_refuses_terminals_until_re_signed_and_reloaded(self):
        self.assertEqual(self.device_curl("/").status, 200, self.log_tail())

        # The root's CRL ran out an hour ago (signed that way with openssl: no clock games).
        self.root_db.gencrl(self.root_crl, last_update=now_utc() - datetime.timedelta(days=181),
                            next_update=now_utc() - datetime.timedelta(hours=1))
        expired_number = crl_number(self.root_crl)
        offset = self.gateway.log_offset()
        self.reload()
        result = self.device_curl("/")
        self.assertEqual(result.status, 0, "an expired root CRL must refuse the terminal\n" + result.describe())
        self.gateway.wait_for_log(r"handshake\.refused reason=crl_unavailable.*CRL has expired", since=offset)
        # Warned at the reload itself, not a minute later: the CRL has ended.
        self.gateway.wait_for_log(r"crl\.expiring file=\S*root-ca\.crl .*threshold=expired", since=offset)
        self.assertEqual(self.served_root_crl(), expired_number)

        # On the root's machine (here, the demo folder): re-signed; then published by a reload.
        summary = ctl_json("pki", "crl-root", "--dir", self.demo.pki, "--days", "180")
        self.assertEqual(summary["crl_number"], expired_number + 1)
        self.assertEqual(self.served_root_crl(), expired_number + 1)  # served at once, no reload
        self.assertEqual(self.device_curl("/").status, 0, "not before the reload")
        self.reload()
        deadline = time.monotonic() + SETTLE
        while True:
            result = self.device_curl("/")
            if result.status == 200:
                break
            self.assertLess(time.monotonic(), deadline, result.describe() + "\n" + self.log_tail())
            time.sleep(0.2)
        self.assertEqual(expiry_warning(self.gateway, "crl", self.root_crl, "30d"), 0)


def crl_number_der(path):
    return number_in(run_openssl(["crl", "-inform", "DER", "-in", path, "-noout", "-text"]).decode())


if __name__ == "__main__":
    unittest.main()
