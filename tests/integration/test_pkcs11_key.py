"""The server key lives in a SoftHSM2 token, named by an RFC 7512 PKCS#11 URI; the PEM key
is deleted from disk, and TLS still works with the same server certificate."""
import os
import shutil
import unittest

from harness import EchoServer, GatewayTestCase, SEKISHO_BIN, header_values, route, run
from pki_tools import cert_der, run_openssl
from tls_clients import open_tls

MODULE_CANDIDATES = ("/usr/lib/softhsm/libsofthsm2.so",
                     "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                     "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
                     "/usr/local/lib/softhsm/libsofthsm2.so")
KEY_URI = "pkcs11:token=sekisho;object=server;type=private;pin-value=1234"


def find_module():
    for path in MODULE_CANDIDATES:
        if os.path.exists(path):
            return path
    raise AssertionError("SoftHSM2 module not found in %s; run scripts/install-deps.sh"
                         % (MODULE_CANDIDATES,))


class Pkcs11ServerKeyTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        for tool in ("softhsm2-util", "pkcs11-tool"):
            if not shutil.which(tool):
                raise AssertionError("%s not installed; run scripts/install-deps.sh" % tool)
        cls.module = find_module()
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        cls.hsm_env = cls.make_token(os.path.join(cls.tmp, "hsm"), demo)
        cls.server_cert_der = cert_der(demo.path("server.crt"))
        os.remove(demo.path("server.key"))  # from here on only the token holds the key
        cls.config = demo.config(cls.listen_port, cls.admin_port, [
            route("demo", "http://127.0.0.1:%d" % cls.echo.port)],
            tls={"key": KEY_URI, "pkcs11_module": cls.module})
        cls.start_gateway(cls.config, env=cls.hsm_env)

    @classmethod
    def make_token(cls, directory, demo):
        os.makedirs(os.path.join(directory, "tokens"))
        conf = os.path.join(directory, "softhsm2.conf")
        with open(conf, "w") as f:
            f.write("directories.tokendir = %s/tokens\nobjectstore.backend = file\n"
                    "log.level = ERROR\n" % directory)
        env = dict(os.environ, SOFTHSM2_CONF=conf)
        run(["softhsm2-util", "--init-token", "--free", "--label", "sekisho",
             "--so-pin", "5678", "--pin", "1234"], env=env)
        pkcs8 = os.path.join(directory, "server.p8.pem")
        run_openssl(["pkcs8", "-topk8", "-nocrypt", "-in", demo.path("server.key"),
                     "-out", pkcs8])
        imported = run(["softhsm2-util", "--import", pkcs8, "--token", "sekisho",
                        "--label", "server", "--id", "01", "--pin", "1234"], env=env,
                       check=False)
        if imported.returncode != 0:  # fall back to opensc's tool with a DER key
            der = os.path.join(directory, "server.key.der")
            run_openssl(["pkcs8", "-topk8", "-nocrypt", "-in", pkcs8, "-outform", "DER",
                         "-out", der])
            run(["pkcs11-tool", "--module", cls.module, "--login", "--pin", "1234",
                 "--token-label", "sekisho", "--write-object", der, "--type", "privkey",
                 "--label", "server", "--id", "01"], env=env)
            os.remove(der)
        os.remove(pkcs8)
        # The certificate next to the key lets PKCS#11 consumers find the public half.
        run(["pkcs11-tool", "--module", cls.module, "--login", "--pin", "1234",
             "--token-label", "sekisho", "--write-object", demo.path("server.crt"),
             "--type", "cert", "--label", "server", "--id", "01"], env=env)
        listing = run(["pkcs11-tool", "--module", cls.module, "--login", "--pin", "1234",
                       "--token-label", "sekisho", "--list-objects"], env=env)
        if b"Private Key Object" not in listing.stdout:
            raise AssertionError("token has no private key:\n%s" % listing.stdout.decode())
        return {"SOFTHSM2_CONF": conf}

    def test_pem_server_key_is_not_on_disk(self):
        self.assertNotIn("server.key", os.listdir(self.demo.pki))

    def test_check_accepts_the_pkcs11_config(self):
        result = run([SEKISHO_BIN, "--config", self.gateway.config_path, "--check"],
                     env=dict(os.environ, **self.hsm_env), check=False)
        self.assertEqual(result.returncode, 0, result.stderr.decode(errors="replace"))

    def test_curl_request_is_served_with_the_token_key(self):
        result = self.device_curl("/from-hsm")
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        self.assertEqual(header_values(result.json(), "X-Sekisho-Device"),
                         [self.demo.fingerprint])

    def test_gateway_presents_the_demo_server_certificate(self):
        conn = open_tls(self.listen_port, self.device_context())
        self.addCleanup(conn.close)
        self.assertEqual(conn.sock.getpeercert(binary_form=True), self.server_cert_der)
        self.assertEqual(conn.sock.version(), "TLSv1.3")


if __name__ == "__main__":
    unittest.main()
