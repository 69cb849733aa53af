"""The device-issuing CA key stays in a PKCS#11 token (SoftHSM2 here): `pki init` puts the
CA on it, the gateway's enrollment service signs terminal certificates with it, and no
copy of that key exists on disk."""
import os
import shutil
import unittest

from enrollment_env import EnrollmentTestCase
from harness import SEKISHOCTL_BIN, EchoServer, free_port, route, run, run_openssl

MODULE_CANDIDATES = ("/usr/lib/softhsm/libsofthsm2.so",
                     "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so")
TOKEN_KEY_URI = "pkcs11:token=ca;object=device-ca;type=private;pin-value=1234"


class HsmIssuingKeyTest(EnrollmentTestCase):

    @classmethod
    def setUpClass(cls):
        module = next((p for p in MODULE_CANDIDATES if os.path.exists(p)), None)
        if module is None or not shutil.which("softhsm2-util"):
            raise AssertionError("SoftHSM2 is not installed; run scripts/install-deps.sh")
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)  # for the server certificate and assertion key
        hsm = os.path.join(cls.tmp, "hsm")
        os.makedirs(os.path.join(hsm, "tokens"))
        conf = os.path.join(hsm, "softhsm2.conf")
        with open(conf, "w") as f:
            f.write("directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n" % hsm)
        env = dict(os.environ, SOFTHSM2_CONF=conf)
        run(["softhsm2-util", "--init-token", "--free", "--label", "ca", "--so-pin", "5678", "--pin", "1234"], env=env)
        run(["pkcs11-tool", "--module", module, "--login", "--pin", "1234", "--token-label", "ca",
             "--keypairgen", "--key-type", "EC:prime256v1", "--label", "device-ca", "--id", "02"], env=env)
        cls.ca_dir = os.path.join(cls.tmp, "ca")
        run([SEKISHOCTL_BIN, "pki", "init", "--dir", cls.ca_dir, "--ca-key", TOKEN_KEY_URI,
             "--pkcs11-module", module, "--org", "Token Clinic Group"], env=env)
        ca = lambda name: os.path.join(cls.ca_dir, name)  # noqa: E731
        cls.enroll_port = free_port()
        cls.config_path = os.path.join(demo.dir, "hsm.yaml")
        cls.work = os.path.join(cls.tmp, "terminal")
        os.makedirs(cls.work)
        cls.start_gateway(demo.config(
            cls.listen_port, cls.admin_port, [route("demo", upstream, login=False)],
            tls={"client_ca": ca("device-ca-bundle.pem"), "crl": [ca("device-ca.crl"), ca("root-ca.crl")],
                 "pkcs11_module": module},
            registry={"sqlite": os.path.join(demo.dir, "registry.db")},
            enrollment={"listen": "127.0.0.1:%d" % cls.enroll_port,
                        "public_url": "https://localhost:%d" % cls.enroll_port,
                        "ca": {"certificate": ca("device-ca.crt"), "key": TOKEN_KEY_URI,
                               "chain": ca("root-ca.crt"), "crl": ca("device-ca.crl")}}),
            env={"SOFTHSM2_CONF": conf}, name="hsm.yaml")

    def test_the_token_key_issues_terminal_certificates(self):
        crt, key, _ = self.enroll("hsm-terminal-01")
        run_openssl(["verify", "-CAfile", os.path.join(self.ca_dir, "root-ca.crt"),
                     "-untrusted", os.path.join(self.ca_dir, "device-ca.crt"), crt])
        self.wait_for_status(crt, key, "/signed-by-the-token")

    def test_no_copy_of_the_issuing_key_on_disk(self):
        with_keys = []
        for root, _, files in os.walk(self.ca_dir):
            for name in files:
                with open(os.path.join(root, name), "rb") as f:
                    if b"PRIVATE KEY" in f.read():
                        with_keys.append(name)
        self.assertEqual(with_keys, ["root-ca.key"])


if __name__ == "__main__":
    unittest.main()
