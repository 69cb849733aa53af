"""A terminal's revocation through each path (issue 18): the registry says revoked; the CRL
says revoked while the registry — by some inconsistency — still says active; the certificate
is unknown to the registry. Each is refused with the reason and counter it always had, now
that the CRLs are verified once at load and looked up per handshake (gateway/tls/crl_index):
nothing the CRL says is given up for the registry's being authoritative."""
import json
import os
import subprocess
import unittest

from harness import SEKISHOCTL_BIN, EchoServer, GatewayTestCase, fingerprint_sha256, route, write_yaml

DEVICE_SAN = "URI:urn:sekisho:device:demo-clinic:%s"


class RevocationPathsTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.registry = os.path.join(demo.dir, "registry.db")
        cls.config_path = os.path.join(demo.dir, "revocation-test.yaml")
        device_ca = demo.device_ca(os.path.join(cls.tmp, "device-ca-db"))
        cls.kept = device_ca.issue("kept", "/O=demo-clinic/CN=kept-01", san=DEVICE_SAN % "kept-01")
        cls.crl_only = device_ca.issue("crl-only", "/O=demo-clinic/CN=crl-only-01", san=DEVICE_SAN % "crl-only-01")
        cls.registry_only = device_ca.issue("registry-only", "/O=demo-clinic/CN=registry-only-01",
                                            san=DEVICE_SAN % "registry-only-01")
        cls.unknown = device_ca.issue("unknown", "/O=demo-clinic/CN=unknown-01", san=DEVICE_SAN % "unknown-01")
        config = demo.config(cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
                             registry={"sqlite": cls.registry})
        # All three known ones registered (active) first ...
        write_yaml(cls.config_path, config)
        for name, cert in (("kept-01", cls.kept), ("crl-only-01", cls.crl_only), ("registry-only-01", cls.registry_only)):
            cls.ctl_static("register", "--facility", "demo-clinic", "--name", name, "--cert", cert[0])
        # ... then one revoked in the CRL alone, another in the registry alone.
        device_ca.revoke(cls.crl_only[0])
        crl = device_ca.gencrl(os.path.join(cls.tmp, "device-ca-revoked.crl"))
        config["tls"] = dict(config["tls"], crl=[crl, demo.path("root-ca.crl")])
        shown = json.loads(cls.ctl_static("show", fingerprint_sha256(cls.registry_only[0]), "--json").stdout)
        cls.ctl_static("revoke", shown["id"], "--reason", "keyCompromise")
        cls.start_gateway(config, name="revocation-test.yaml")

    @classmethod
    def ctl_static(cls, *args):
        proc = subprocess.run([SEKISHOCTL_BIN, "device", "--config", cls.config_path] + list(args),
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            raise AssertionError("sekishoctl device %s → %d\n%s%s" % (" ".join(args), proc.returncode, proc.stdout,
                                                                      proc.stderr))
        return proc

    def refused(self, reason):
        return self.gateway.metric("sekisho_tls_handshakes_refused_total", reason=reason) or 0

    def assert_refused(self, cert, reason):
        before = self.refused(reason)
        result = self.device_curl("/", cert=cert[0], key=cert[1])
        self.assertFalse(result.status, "expected a refusal (%s), got HTTP %s\n%s" % (reason, result.status,
                                                                                       self.log_tail()))
        self.gateway.wait_metric_at_least(before + 1, "sekisho_tls_handshakes_refused_total", reason=reason)

    def test_an_active_registered_terminal_gets_in(self):
        self.assertEqual(self.device_curl("/", cert=self.kept[0], key=self.kept[1]).status, 200, self.log_tail())

    def test_revoked_in_the_crl_while_active_in_the_registry_is_refused_as_revoked(self):
        self.assert_refused(self.crl_only, "revoked")
        self.gateway.wait_for_log(r"handshake\.refused reason=revoked .*crl-only-01")

    def test_revoked_in_the_registry_is_refused(self):
        self.assert_refused(self.registry_only, "not_registered")

    def test_an_unknown_certificate_of_our_ca_is_refused(self):
        self.assert_refused(self.unknown, "not_registered")


if __name__ == "__main__":
    unittest.main()
