"""`sekishoctl pki ...` and `sekishoctl device ticket ...`: a root and device-issuing CA made
by `pki init` (file keys, and the issuing key in a SoftHSM2 token) and by the offline-root
flow (init-root, init-ca, sign-ca, import-ca), all checked with the openssl command line;
enrollment tickets whose code is printed once and never again."""
import datetime
import json
import os
import re
import shutil
import stat
import subprocess
import unittest

from harness import (SEKISHOCTL_BIN, Demo, fingerprint_sha256, free_port, make_tempdir, route,
                     run, write_yaml)
from pki_tools import run_openssl

MODULE_CANDIDATES = ("/usr/lib/softhsm/libsofthsm2.so",
                     "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                     "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
                     "/usr/local/lib/softhsm/libsofthsm2.so")
TOKEN_KEY_URI = "pkcs11:token=ca;object=device-ca;type=private;pin-value=1234"
CODE_FORM = r"^[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}$"


def ctl(*args, expect=0, env=None):
    """Runs sekishoctl ARGS; checks the exit status; returns (stdout, stderr)."""
    cmd = [SEKISHOCTL_BIN] + list(args)
    result = run(cmd, check=False, timeout=120, env=env)
    stdout = result.stdout.decode(errors="replace")
    stderr = result.stderr.decode(errors="replace")
    if result.returncode != expect:
        raise AssertionError("%s: exit %d, wanted %d\nstdout:\n%s\nstderr:\n%s"
                             % (" ".join(cmd), result.returncode, expect, stdout, stderr))
    return stdout, stderr


def ctl_json(*args, env=None):
    return json.loads(ctl(*(args + ("--json",)), env=env)[0])


def openssl_ok(args):
    return subprocess.run(["openssl"] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)


def crl_lifetime_days(crl_path):
    """nextUpdate - lastUpdate of a PEM CRL, in (fractional) days."""
    def when(option):
        text = run_openssl(["crl", "-in", crl_path, "-noout", option]).decode().strip()
        return datetime.datetime.strptime(text.split("=", 1)[1], "%b %d %H:%M:%S %Y %Z")
    return (when("-nextupdate") - when("-lastupdate")).total_seconds() / 86400


def crl_distribution_points(cert_path):
    """The URIs of a certificate's CRL distribution points, as openssl prints them."""
    text = run_openssl(["x509", "-in", cert_path, "-noout", "-ext", "crlDistributionPoints"]).decode()
    return re.findall(r"URI:(\S+)", text)


def public_key_der(cert_path):
    pem = run_openssl(["x509", "-in", cert_path, "-noout", "-pubkey"])
    return run_openssl(["pkey", "-pubin", "-outform", "DER"], input_bytes=pem)


def files_with_private_keys(directory):
    found = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            if b"PRIVATE KEY" in f.read():
                found.append(name)
    return found


class PkiCaseMixin:
    """Checks every CA folder must pass, whichever way it was made."""

    def assert_valid_ca_folder(self, directory, summary=None):
        root = os.path.join(directory, "root-ca.crt")
        ca = os.path.join(directory, "device-ca.crt")
        bundle = os.path.join(directory, "device-ca-bundle.pem")
        out = run_openssl(["verify", "-CAfile", root, ca]).decode()
        self.assertIn(": OK", out)
        text = run_openssl(["x509", "-in", ca, "-noout", "-text"]).decode()
        self.assertRegex(text, r"Basic Constraints: critical\s+CA:TRUE, pathlen:0")
        self.assertRegex(text, r"Key Usage: critical\s+Certificate Sign, CRL Sign")
        root_text = run_openssl(["x509", "-in", root, "-noout", "-text"]).decode()
        self.assertRegex(root_text, r"Basic Constraints: critical\s+CA:TRUE")
        # The bundle is the issuing CA then the root.
        with open(bundle) as f:
            blocks = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----",
                                f.read(), re.S)
        with open(ca) as f1, open(root) as f2:
            self.assertEqual([b + "\n" for b in blocks], [f1.read(), f2.read()])
        # The CRLs verify against their CA (openssl prints "verify OK" on stderr).
        for crl, issuer in (("device-ca.crl", bundle), ("root-ca.crl", root)):
            proc = openssl_ok(["crl", "-in", os.path.join(directory, crl), "-CAfile", issuer,
                               "-noout"])
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn(b"verify OK", proc.stdout + proc.stderr)
            listed = run_openssl(["crl", "-in", os.path.join(directory, crl), "-noout",
                                  "-text"]).decode()
            self.assertIn("No Revoked Certificates", listed)
        if summary is not None:
            self.assertEqual(summary["root_ca"]["fingerprint_sha256"], fingerprint_sha256(root))
            self.assertEqual(summary["issuing_ca"]["fingerprint_sha256"], fingerprint_sha256(ca))
            self.assertEqual(summary["root_ca"]["certificate"], root)
            self.assertEqual(summary["issuing_ca"]["certificate"], ca)


class PkiInitTest(PkiCaseMixin, unittest.TestCase):

    def setUp(self):
        self.tmp = make_tempdir(self)

    def test_init_with_file_keys(self):
        directory = os.path.join(self.tmp, "ca")
        summary = ctl_json("pki", "init", "--dir", directory, "--org", "Example Hospital",
                           "--crl-days", "2")
        self.assertEqual(stat.S_IMODE(os.stat(directory).st_mode), 0o700)
        for key in ("root-ca.key", "device-ca.key"):
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(directory, key)).st_mode), 0o600)
        self.assert_valid_ca_folder(directory, summary)
        self.assertEqual(summary["root_ca"]["subject"], "CN=Example Hospital Root CA,O=Example Hospital")
        self.assertEqual(summary["issuing_ca"]["name"], "device-ca")
        self.assertRegex(summary["root_ca"]["not_after"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        # nextUpdate = now + --crl-days.
        next_update = run_openssl(["crl", "-in", os.path.join(directory, "device-ca.crl"),
                                   "-noout", "-nextupdate"]).decode()
        last_update = run_openssl(["crl", "-in", os.path.join(directory, "device-ca.crl"),
                                   "-noout", "-lastupdate"]).decode()
        self.assertNotEqual(next_update.split("=")[1][:6], last_update.split("=")[1][:6])
        # show prints the same fingerprints; the text form shows them as openssl does.
        shown = ctl_json("pki", "show", "--dir", directory)
        self.assertEqual(shown["root_ca"]["fingerprint_sha256"],
                         summary["root_ca"]["fingerprint_sha256"])
        self.assertEqual(shown["issuing_ca"]["not_after"], summary["issuing_ca"]["not_after"])
        text, _ = ctl("pki", "show", "--dir", directory)
        openssl_fp = run_openssl(["x509", "-in", os.path.join(directory, "root-ca.crt"), "-noout",
                                  "-fingerprint", "-sha256"]).decode().strip().split("=", 1)[1]
        self.assertIn(openssl_fp, text)

    def test_crl_distribution_point_and_crl_lifetimes(self):
        directory = os.path.join(self.tmp, "ca")
        summary = ctl_json("pki", "init", "--dir", directory, "--crl-url-base",
                           "https://enroll.example.jp:8444/", "--root-crl-days", "90",
                           "--crl-days", "2")
        self.assert_valid_ca_folder(directory, summary)
        url = "https://enroll.example.jp:8444/crl/root-ca.crl"
        self.assertEqual(crl_distribution_points(os.path.join(directory, "device-ca.crt")), [url])
        self.assertEqual(summary["issuing_ca"]["crl_distribution_point"], url)
        # The root is not a subject of any CRL: no distribution point there.
        self.assertEqual(crl_distribution_points(os.path.join(directory, "root-ca.crt")), [])
        # The root's CRL has its own lifetime; 5 minutes of clock-skew allowance on top.
        self.assertAlmostEqual(crl_lifetime_days(os.path.join(directory, "root-ca.crl")), 90, delta=0.01)
        self.assertAlmostEqual(crl_lifetime_days(os.path.join(directory, "device-ca.crl")), 2, delta=0.01)

    def test_defaults_no_distribution_point_and_a_long_root_crl(self):
        directory = os.path.join(self.tmp, "ca")
        summary = ctl_json("pki", "init", "--dir", directory)
        text = run_openssl(["x509", "-in", os.path.join(directory, "device-ca.crt"), "-noout",
                            "-text"]).decode()
        self.assertNotIn("CRL Distribution Points", text)
        self.assertIsNone(summary["issuing_ca"]["crl_distribution_point"])
        self.assertAlmostEqual(crl_lifetime_days(os.path.join(directory, "root-ca.crl")), 180, delta=0.01)
        self.assertAlmostEqual(crl_lifetime_days(os.path.join(directory, "device-ca.crl")), 1, delta=0.01)

    def test_init_refuses_an_existing_folder_without_force(self):
        directory = os.path.join(self.tmp, "ca")
        first = ctl_json("pki", "init", "--dir", directory)
        _, err = ctl("pki", "init", "--dir", directory, expect=1)
        self.assertIn(os.path.join(directory, "root-ca.crt"), err)
        self.assertIn("--force", err)
        self.assertEqual(fingerprint_sha256(os.path.join(directory, "root-ca.crt")),
                         first["root_ca"]["fingerprint_sha256"])
        second = ctl_json("pki", "init", "--dir", directory, "--force")
        self.assertNotEqual(second["root_ca"]["fingerprint_sha256"],
                            first["root_ca"]["fingerprint_sha256"])
        self.assert_valid_ca_folder(directory, second)

    def test_init_never_writes_through_a_symlink_in_the_folder(self):
        directory, elsewhere = os.path.join(self.tmp, "ca"), os.path.join(self.tmp, "elsewhere")
        os.mkdir(directory, 0o700)
        os.mkdir(elsewhere)
        for name in ("root-ca.key", "device-ca.key", "device-ca.crl"):  # dangling, planted
            os.symlink(os.path.join(elsewhere, name), os.path.join(directory, name))
        summary = ctl_json("pki", "init", "--dir", directory)
        self.assertEqual(os.listdir(elsewhere), [], "a key or CRL went where a symlink pointed")
        for key in ("root-ca.key", "device-ca.key"):
            path = os.path.join(directory, key)
            self.assertFalse(os.path.islink(path))
            self.assertEqual(stat.S_IMODE(os.lstat(path).st_mode), 0o600)
        self.assert_valid_ca_folder(directory, summary)
        self.assertEqual([n for n in os.listdir(directory) if ".tmp" in n], [])

    def test_init_refuses_a_folder_others_can_write(self):
        directory = os.path.join(self.tmp, "shared")
        os.mkdir(directory)
        os.chmod(directory, 0o777)
        _, err = ctl("pki", "init", "--dir", directory, expect=1)
        self.assertIn(directory, err)
        self.assertIn("writable", err)
        self.assertEqual(os.listdir(directory), [])

    def test_usage_mistakes_exit_2(self):
        ctl("pki", "init", expect=2)                                   # no --dir
        ctl("pki", "init", "--dir", self.tmp + "/x", "--ca-days", "0", expect=2)
        ctl("pki", "init", "--dir", self.tmp + "/x", "--ca-name", "../evil", expect=2)
        ctl("pki", "frobnicate", expect=2)
        for bad in ("ftp://example.jp", "example.jp", "https://", "https://x/crl?x=1", "https://a b"):
            _, err = ctl("pki", "init", "--dir", self.tmp + "/x", "--crl-url-base", bad, expect=2)
            self.assertIn("--crl-url-base", err)
        ctl("pki", "init", "--dir", self.tmp + "/x", "--root-crl-days", "0", expect=2)
        ctl("pki", "init", "--dir", self.tmp + "/x", "--root-crl-days", "367", expect=2)
        ctl("pki", "init-ca", "--dir", self.tmp + "/x", "--crl-url-base", "https://e.jp", expect=2)
        _, err = ctl("pki", "init", "--dir", self.tmp + "/x", "--root-days", "10",
                     "--ca-days", "20", expect=1)
        self.assertIn("--ca-days", err)
        self.assertFalse(os.path.exists(self.tmp + "/x"))

    def test_offline_root_flow(self):
        root_dir = os.path.join(self.tmp, "offline-root")
        gateway_dir = os.path.join(self.tmp, "gateway-pki")
        root = ctl_json("pki", "init-root", "--dir", root_dir, "--org", "Example Hospital",
                        "--root-crl-days", "30")
        self.assertEqual(sorted(os.listdir(root_dir)), ["root-ca.crl", "root-ca.crt", "root-ca.key"])
        self.assertAlmostEqual(crl_lifetime_days(os.path.join(root_dir, "root-ca.crl")), 30, delta=0.01)
        self.assertEqual(root["root_ca"]["fingerprint_sha256"],
                         fingerprint_sha256(os.path.join(root_dir, "root-ca.crt")))

        request = ctl_json("pki", "init-ca", "--dir", gateway_dir, "--org", "Example Hospital")
        csr = os.path.join(gateway_dir, "device-ca.csr")
        self.assertEqual(request["issuing_ca"]["csr"], csr)
        self.assertEqual(sorted(os.listdir(gateway_dir)), ["device-ca.csr", "device-ca.key"])
        run_openssl(["req", "-in", csr, "-noout", "-verify"])

        signed = os.path.join(self.tmp, "transfer", "device-ca.crt")
        os.makedirs(os.path.dirname(signed))
        result = ctl_json("pki", "sign-ca", "--root-dir", root_dir, "--csr", csr, "--out", signed,
                          "--ca-days", "700", "--crl-url-base", "http://crl.example.jp")
        self.assertEqual(result["fingerprint_sha256"], fingerprint_sha256(signed))
        self.assertEqual(crl_distribution_points(signed), ["http://crl.example.jp/crl/root-ca.crl"])
        self.assertEqual(result["crl_distribution_point"], "http://crl.example.jp/crl/root-ca.crl")
        self.assertEqual(result["root_fingerprint_sha256"], root["root_ca"]["fingerprint_sha256"])
        self.assertEqual(result["subject"], "CN=Example Hospital Device CA,O=Example Hospital")
        ctl("pki", "sign-ca", "--root-dir", root_dir, "--csr", csr, "--out", signed, expect=1)
        _, err = ctl("pki", "sign-ca", "--root-dir", root_dir, "--csr", csr, "--out",
                     signed + ".2", "--ca-days", "36000", expect=1)
        self.assertIn("outlive the root", err)

        # sign-ca applies the CSR policy: a 1024-bit RSA key is refused, with the reason.
        weak_csr = os.path.join(self.tmp, "weak.csr")
        run_openssl(["req", "-new", "-newkey", "rsa:1024", "-nodes", "-keyout",
                     os.path.join(self.tmp, "weak.key"), "-out", weak_csr, "-subj", "/CN=weak"])
        _, err = ctl("pki", "sign-ca", "--root-dir", root_dir, "--csr", weak_csr, "--out",
                     os.path.join(self.tmp, "weak.crt"), expect=1)
        self.assertIn(weak_csr, err)
        self.assertIn("2048", err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "weak.crt")))

        # A certificate for another key is refused by import-ca.
        other = os.path.join(self.tmp, "other")
        ctl_json("pki", "init-ca", "--dir", other)
        wrong = os.path.join(self.tmp, "transfer", "other.crt")
        ctl_json("pki", "sign-ca", "--root-dir", root_dir, "--csr",
                 os.path.join(other, "device-ca.csr"), "--out", wrong)
        root_copy = os.path.join(self.tmp, "transfer", "root-ca.crt")
        crl_copy = os.path.join(self.tmp, "transfer", "root-ca.crl")
        shutil.copy(os.path.join(root_dir, "root-ca.crt"), root_copy)
        shutil.copy(os.path.join(root_dir, "root-ca.crl"), crl_copy)
        _, err = ctl("pki", "import-ca", "--dir", gateway_dir, "--cert", wrong, "--root", root_copy,
                     expect=1)
        self.assertIn("public key", err)
        # ... and so is one that does not chain to the given root.
        stranger = os.path.join(self.tmp, "stranger")
        ctl_json("pki", "init-root", "--dir", stranger)
        _, err = ctl("pki", "import-ca", "--dir", gateway_dir, "--cert", signed, "--root",
                     os.path.join(stranger, "root-ca.crt"), expect=1)
        self.assertIn("does not chain", err)

        summary = ctl_json("pki", "import-ca", "--dir", gateway_dir, "--cert", signed,
                           "--root", root_copy, "--root-crl", crl_copy)
        self.assert_valid_ca_folder(gateway_dir, summary)
        self.assertIsNone(summary["root_ca"]["key"])
        self.assertEqual(files_with_private_keys(gateway_dir), ["device-ca.key"])
        self.assertEqual(summary["root_ca"]["fingerprint_sha256"],
                         root["root_ca"]["fingerprint_sha256"])


class DemoCrlTest(unittest.TestCase):
    """demo init knows the enrollment URL, so its issuing CA points at the root's CRL there."""

    def test_demo_issuing_ca_points_at_the_root_crl(self):
        tmp = make_tempdir(self)
        demo = Demo(os.path.join(tmp, "demo"), free_port(), "http://127.0.0.1:9")
        enroll_base = demo.info["enroll_url"][:-len("/enroll")]
        self.assertEqual(crl_distribution_points(demo.path("device-ca.crt")),
                         [enroll_base + "/crl/root-ca.crl"])
        self.assertAlmostEqual(crl_lifetime_days(demo.path("root-ca.crl")), 180, delta=0.01)
        # The terminal's own certificate points at the issuing CA's CRL at the same place.
        self.assertEqual(crl_distribution_points(demo.device_cert),
                         [enroll_base + "/crl/device-ca.crl"])


class PkiSoftHsmTest(PkiCaseMixin, unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        for tool in ("softhsm2-util", "pkcs11-tool"):
            if not shutil.which(tool):
                raise AssertionError("%s not installed; run scripts/install-deps.sh" % tool)
        cls.module = next((p for p in MODULE_CANDIDATES if os.path.exists(p)), None)
        if cls.module is None:
            raise AssertionError("SoftHSM2 module not found in %s" % (MODULE_CANDIDATES,))
        cls.tmp = make_tempdir(cls)
        hsm = os.path.join(cls.tmp, "hsm")
        os.makedirs(os.path.join(hsm, "tokens"))
        conf = os.path.join(hsm, "softhsm2.conf")
        with open(conf, "w") as f:
            f.write("directories.tokendir = %s/tokens\nobjectstore.backend = file\n"
                    "log.level = ERROR\n" % hsm)
        cls.env = dict(os.environ, SOFTHSM2_CONF=conf)
        run(["softhsm2-util", "--init-token", "--free", "--label", "ca", "--so-pin", "5678",
             "--pin", "1234"], env=cls.env)
        run(["pkcs11-tool", "--module", cls.module, "--login", "--pin", "1234", "--token-label",
             "ca", "--keypairgen", "--key-type", "EC:prime256v1", "--label", "device-ca",
             "--id", "02"], env=cls.env)
        token_pub = os.path.join(hsm, "device-ca.pub.der")
        run(["pkcs11-tool", "--module", cls.module, "--token-label", "ca", "--read-object",
             "--type", "pubkey", "--label", "device-ca", "-o", token_pub], env=cls.env)
        with open(token_pub, "rb") as f:
            cls.token_public_key = f.read()

    def test_init_with_the_issuing_key_in_a_token(self):
        directory = os.path.join(self.tmp, "ca")
        summary = ctl_json("pki", "init", "--dir", directory, "--ca-key", TOKEN_KEY_URI,
                           "--pkcs11-module", self.module, env=self.env)
        self.assert_valid_ca_folder(directory, summary)
        self.assertNotIn("device-ca.key", os.listdir(directory))
        self.assertEqual(files_with_private_keys(directory), ["root-ca.key"])
        self.assertEqual(public_key_der(os.path.join(directory, "device-ca.crt")),
                         self.token_public_key)
        # The PIN never reaches the output.
        self.assertNotIn("1234", summary["issuing_ca"]["key"])
        self.assertTrue(summary["issuing_ca"]["key"].startswith("pkcs11:"))

    def test_offline_flow_with_the_issuing_key_in_a_token(self):
        root_dir = os.path.join(self.tmp, "root")
        gateway_dir = os.path.join(self.tmp, "gateway")
        ctl_json("pki", "init-root", "--dir", root_dir)
        ctl_json("pki", "init-ca", "--dir", gateway_dir, "--ca-key", TOKEN_KEY_URI,
                 "--pkcs11-module", self.module, env=self.env)
        self.assertEqual(os.listdir(gateway_dir), ["device-ca.csr"])
        signed = os.path.join(self.tmp, "device-ca.signed.crt")
        ctl_json("pki", "sign-ca", "--root-dir", root_dir, "--csr",
                 os.path.join(gateway_dir, "device-ca.csr"), "--out", signed)
        summary = ctl_json("pki", "import-ca", "--dir", gateway_dir, "--cert", signed, "--root",
                           os.path.join(root_dir, "root-ca.crt"), "--root-crl",
                           os.path.join(root_dir, "root-ca.crl"), "--ca-key", TOKEN_KEY_URI,
                           "--pkcs11-module", self.module, env=self.env)
        self.assert_valid_ca_folder(gateway_dir, summary)
        self.assertEqual(files_with_private_keys(gateway_dir), [])
        self.assertEqual(public_key_der(os.path.join(gateway_dir, "device-ca.crt")),
                         self.token_public_key)

    def test_a_wrong_pin_fails_before_anything_is_written(self):
        directory = os.path.join(self.tmp, "wrong-pin")
        _, err = ctl("pki", "init", "--dir", directory, "--ca-key",
                     TOKEN_KEY_URI.replace("1234", "9999"), "--pkcs11-module", self.module,
                     env=self.env, expect=1)
        self.assertNotIn("9999", err)
        self.assertFalse(os.path.exists(directory))


class TicketCliTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = make_tempdir(cls)
        cls.demo = Demo(os.path.join(cls.tmp, "demo"), free_port(), "http://127.0.0.1:9")
        ca_dir = os.path.join(cls.tmp, "ca")
        ctl_json("pki", "init", "--dir", ca_dir)
        config = cls.demo.config(free_port(), free_port(), [route("demo", "http://127.0.0.1:9")],
                                 registry={"sqlite": cls.demo.info["registry"]},
                                 enrollment={
                                     "listen": "127.0.0.1:%d" % free_port(),
                                     "public_url": "https://enroll.example.jp:8444/",
                                     "ca": {"name": "device-ca",
                                            "certificate": os.path.join(ca_dir, "device-ca.crt"),
                                            "key": os.path.join(ca_dir, "device-ca.key"),
                                            "chain": os.path.join(ca_dir, "root-ca.crt"),
                                            "crl": os.path.join(ca_dir, "device-ca.crl")}})
        cls.config = write_yaml(os.path.join(cls.tmp, "enroll.yaml"), config)

    def device(self, *args, config=None, expect=0):
        return ctl("device", *args, "--config", config or self.config,
                   expect=expect)

    def test_create_prints_the_four_fields_and_the_code_only_once(self):
        stdout, _ = self.device("ticket", "create", "--facility", "ward-3", "--name", "pc-7",
                                "--ttl", "2h")
        created = json.loads(stdout)
        self.assertEqual(sorted(created), ["code", "enroll_url", "expires_at", "ticket_id"])
        self.assertRegex(created["ticket_id"], r"^tkt-[0-9a-f]{16}$")
        self.assertRegex(created["code"], CODE_FORM)
        self.assertRegex(created["expires_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        self.assertEqual(created["enroll_url"],
                         "https://enroll.example.jp:8444/enroll?ticket=" + created["ticket_id"])
        code = created["code"]
        bare = code.replace("-", "")
        outputs = [self.device("ticket", "list")[0], self.device("ticket", "list", "--all")[0],
                   self.device("ticket", "list", "--json")[0],
                   self.device("ticket", "show", created["ticket_id"])[0],
                   self.device("ticket", "show", created["ticket_id"], "--json")[0],
                   self.device("ledger", "--json")[0]]
        for out in outputs:
            self.assertNotIn(code, out)
            self.assertNotIn(bare, out)
            self.assertNotIn("hash", out)
        shown = json.loads(outputs[4])
        self.assertEqual((shown["ticket_id"], shown["facility"], shown["device_name"],
                          shown["state"], shown["uses"], shown["max_uses"]),
                         (created["ticket_id"], "ward-3", "pc-7", "active", 0, 1))
        self.assertEqual(shown["expires_at"], created["expires_at"])
        listed = json.loads(outputs[2])["tickets"]
        self.assertIn(created["ticket_id"], [t["ticket_id"] for t in listed])

    def test_ttl_and_uses(self):
        created = json.loads(self.device("ticket", "create", "--facility", "f", "--name", "n",
                                         "--ttl", "30d", "--uses", "3")[0])
        shown = json.loads(self.device("ticket", "show", created["ticket_id"], "--json")[0])
        self.assertEqual(shown["max_uses"], 3)
        for bad in ("31d", "24", "0h", "1w", "-5m"):
            self.device("ticket", "create", "--facility", "f", "--name", "n", "--ttl", bad,
                        expect=2)
        self.device("ticket", "create", "--facility", "f", "--name", "n", "--uses", "0", expect=2)
        self.device("ticket", "create", "--facility", "f", expect=2)
        self.device("ticket", "show", "tkt-0000000000000000", expect=1)

    def test_create_without_enrollment_exits_1(self):
        plain = write_yaml(os.path.join(self.tmp, "no-enrollment.yaml"), self.demo.config(
            free_port(), free_port(), [route("demo", "http://127.0.0.1:9")],
            registry={"sqlite": self.demo.info["registry"]}))
        before = json.loads(ctl("device", "ticket", "list", "--all", "--json", "--config",
                                plain)[0])["tickets"]
        _, err = self.device("ticket", "create", "--facility", "f", "--name", "n",
                             config=plain, expect=1)
        self.assertIn(plain, err)
        self.assertIn("enrollment.public_url", err)
        after = json.loads(ctl("device", "ticket", "list", "--all", "--json", "--config",
                               plain)[0])["tickets"]
        self.assertEqual(before, after)


if __name__ == "__main__":
    unittest.main()
