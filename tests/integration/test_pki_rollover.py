"""Issuing-CA rollover end to end, as the README's procedure does it: a new issuing CA is made
beside the old one with `sekishoctl pki init-ca/sign-ca/import-ca`, both are trusted
(tls.client_ca, tls.crl) and the new one is enrollment.ca while the old one is listed in
enrollment.previous_cas. During the overlap the old CA's terminal is admitted, a new enrollment
and a renewal get certificates of the new CA, the old CA's CRL is still published and
`pki rollover status` counts who is left on each CA. Retiring the old CA revokes what is left
(the straggler whole, the renewed device's old certificate only), lists them on the old CA's
CRL and takes the CA out of tls.client_ca: the straggler is refused, the new terminals are not."""
import json
import os
import signal
import subprocess
import unittest

from enrollment_env import EnrollmentTestCase
from harness import SEKISHOCTL_BIN, EchoServer, free_port, route, run_openssl
from pki_tools import cert_serial

OLD, NEW = "device-ca", "device-ca-2"


def issuer_of(cert_path):
    return run_openssl(["x509", "-in", cert_path, "-noout", "-issuer"]).decode()


class PkiRolloverTest(EnrollmentTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.work = os.path.join(cls.tmp, "terminal")
        os.makedirs(cls.work)
        pki = demo.pki
        # 1. The new issuing CA beside the old one, signed by the same root.
        cls.pki_cmd("init-ca", "--dir", pki, "--ca-name", NEW, "--org", "Sekisho Demo")
        signed = os.path.join(cls.tmp, NEW + ".crt")
        cls.pki_cmd("sign-ca", "--root-dir", pki, "--csr", demo.path(NEW + ".csr"), "--out", signed)
        cls.pki_cmd("import-ca", "--dir", pki, "--ca-name", NEW, "--cert", signed, "--root", demo.path("root-ca.crt"))
        # 2. Both trusted: one bundle with both CAs and the root, and both CRLs.
        cls.client_cas = demo.path("client-cas.pem")
        with open(cls.client_cas, "w") as out:
            for name in (NEW + ".crt", OLD + ".crt", "root-ca.crt"):
                with open(demo.path(name)) as f:
                    out.write(f.read())
        # An old-CA terminal that will renew (the demo terminal is the straggler that will not).
        device_ca = demo.device_ca(os.path.join(cls.tmp, "old-ca-db"))
        cls.renewer = device_ca.issue("renewer", "/O=demo-clinic/CN=renewer")
        cls.enroll_port = free_port()
        cls.config_path = os.path.join(demo.dir, "rollover.yaml")
        enrollment = {
            "listen": "127.0.0.1:%d" % cls.enroll_port,
            "public_url": "https://localhost:%d" % cls.enroll_port,
            "ca": {"name": NEW, "certificate": demo.path(NEW + ".crt"), "key": demo.path(NEW + ".key"),
                   "chain": demo.path("root-ca.crt"), "crl": demo.path(NEW + ".crl")},
            "previous_cas": [{"name": OLD, "certificate": demo.path(OLD + ".crt"), "key": demo.path(OLD + ".key"),
                              "crl": demo.path(OLD + ".crl")}],
            "device_validity": "30d", "renewal_window": "100%", "renewal_min_interval": "0s",
        }
        cls.start_gateway(demo.config(
            cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
            tls={"client_ca": cls.client_cas,
                 "crl": [demo.path(NEW + ".crl"), demo.path(OLD + ".crl"), demo.path("root-ca.crl")]},
            registry={"sqlite": os.path.join(demo.dir, "registry.db")},
            enrollment=enrollment), name="rollover.yaml")
        cls.ctl_run("device", "register", "--facility", "demo-clinic", "--name", "renewer",
                    "--cert", cls.renewer[0])

    @classmethod
    def pki_cmd(cls, *args):
        proc = subprocess.run([SEKISHOCTL_BIN, "pki"] + list(args), capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise AssertionError("sekishoctl pki %s\n%s%s" % (" ".join(args), proc.stdout, proc.stderr))

    @classmethod
    def ctl_run(cls, group, *args, expect=0):
        proc = subprocess.run([SEKISHOCTL_BIN, group] + list(args) + ["--config", cls.config_path],
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != expect:
            raise AssertionError("sekishoctl %s %s → %d (expected %d)\nstdout: %s\nstderr: %s"
                                 % (group, " ".join(args), proc.returncode, expect, proc.stdout, proc.stderr))
        return proc

    def status(self):
        out = json.loads(self.ctl_run("pki", "rollover", "status", "--json").stdout)
        return {ca["name"]: ca for ca in out["issuing_cas"]}

    def served_crl(self, name):
        der = subprocess.run(["curl", "-sS", "--noproxy", "*", "--cacert", self.demo.ca_bundle,
                              "--resolve", "localhost:%d:127.0.0.1" % self.enroll_port,
                              "https://localhost:%d/crl/%s.crl" % (self.enroll_port, name)],
                             capture_output=True, timeout=60).stdout
        path = os.path.join(self.work, name + ".served.crl")
        with open(path, "wb") as f:
            f.write(der)
        # Signed by that CA: openssl verifies the signature with the CA certificate.
        return run_openssl(["crl", "-inform", "DER", "-in", path, "-noout", "-text",
                            "-CAfile", self.demo.path(name + ".crt")]).decode()

    def test_rollover_overlap_then_retirement(self):
        # --- overlap: the old CA's terminal is admitted, new certificates come from the new CA.
        self.wait_for_status(self.demo.device_cert, self.demo.device_key, "/old-terminal")
        # Registered after the start: admitted once the registry poll has seen it.
        self.wait_for_status(self.renewer[0], self.renewer[1], "/renewer")
        new_crt, new_key, _ = self.enroll("new-terminal")
        self.assertIn("device-ca-2", issuer_of(new_crt))
        self.wait_for_status(new_crt, new_key, "/new-terminal")

        renew_key, csr = self.make_csr("renewer-next")
        status, body = self.curl_est("simplereenroll", csr, cert=self.renewer[0], key=self.renewer[1])
        self.assertEqual(status, 200, body + "\n" + self.log_tail())
        renewed = self.certificate_from("renewer-next", body)
        self.assertIn("device-ca-2", issuer_of(renewed))
        self.wait_for_status(renewed, renew_key, "/renewed")
        self.wait_for_status(*self.renewer, "/renewer-old-certificate")  # the overlap

        # The old CA's CRL is still published, signed by the old CA.
        self.assertIn("Sekisho Demo Device-Issuing CA", self.served_crl(OLD))
        self.served_crl(NEW)

        counts = self.status()
        self.assertEqual(counts[OLD]["role"], "previous")
        self.assertEqual(counts[OLD]["active_devices"], 2)  # the demo terminal and the renewer
        self.assertEqual(counts[OLD]["active_devices_only_on_this_ca"], 1)  # the demo terminal
        self.assertEqual(counts[NEW]["role"], "current")
        self.assertEqual(counts[NEW]["active_devices"], 2)  # the new terminal and the renewer
        table = self.ctl_run("pki", "rollover", "status").stdout
        self.assertIn("previous", table)

        # --- retirement: refused for the current CA; a dry run and no --yes change nothing.
        proc = self.ctl_run("pki", "rollover", "retire", "--ca", NEW, "--reason", "superseded", expect=1)
        self.assertIn("enrollment.ca", proc.stderr)
        dry = json.loads(self.ctl_run("pki", "rollover", "retire", "--ca", OLD, "--reason", "cACompromise",
                                      "--dry-run", "--json").stdout)
        self.assertEqual((dry["revoked"], dry["device_count"], dry["certificate_count"]), (False, 2, 2))
        self.assertFalse(dry["removed_from_client_ca"])
        self.ctl_run("pki", "rollover", "retire", "--ca", OLD, "--reason", "cACompromise", expect=1)
        self.wait_for_status(self.demo.device_cert, self.demo.device_key, "/still-in")

        retired_at = self.gateway.log_offset()
        done = json.loads(self.ctl_run("pki", "rollover", "retire", "--ca", OLD, "--reason", "cACompromise",
                                       "--yes", "--json").stdout)
        self.assertEqual((done["revoked"], done["device_count"]), (True, 2))
        self.assertTrue(done["removed_from_client_ca"])
        by_device = {d["name"]: d for d in done["devices"]}
        self.assertFalse(by_device["renewer"]["device_revoked"])  # keeps its new certificate

        # The straggler and the renewer's old certificate are refused; the new CA's are not.
        for cert, key in ((self.demo.device_cert, self.demo.device_key), self.renewer):
            self.wait_for_status(cert, key, "/refused", status=0)
        self.wait_for_status(new_crt, new_key, "/new-after")
        self.wait_for_status(renewed, renew_key, "/renewed-after")

        # The old CA's CRL lists both, as CA compromise; it is out of tls.client_ca.
        self.gateway.wait_for_log(r"crl\.published ca=%s(\s|$)" % OLD, since=retired_at)
        crl = self.served_crl(OLD)
        for cert in (self.demo.device_cert, self.renewer[0]):
            self.assertIn(cert_serial(cert).upper(), crl.upper())
        self.assertIn("CA Compromise", crl)
        with open(self.client_cas) as f:
            bundle = f.read()
        with open(self.demo.path(OLD + ".crt")) as f:
            self.assertNotIn(f.read().strip(), bundle)
        with open(self.demo.path(NEW + ".crt")) as f:
            self.assertIn(f.read().strip(), bundle)

        # After a reload (the trust without the old CA) the new terminals still get in.
        offset = self.gateway.log_offset()
        self.gateway.signal(signal.SIGHUP)
        self.gateway.wait_for_log(r"config\.reloaded", since=offset)
        self.wait_for_status(new_crt, new_key, "/after-reload")
        self.wait_for_status(self.demo.device_cert, self.demo.device_key, "/refused", status=0)

        counts = self.status()
        self.assertEqual(counts[OLD]["active_devices"], 0)
        self.assertEqual(counts[NEW]["active_devices"], 2)


if __name__ == "__main__":
    unittest.main()
