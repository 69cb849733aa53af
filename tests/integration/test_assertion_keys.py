"""One identity key set for several instances (issue 15, item 5), against the real binary:
two gateways given the same key files publish byte-identical JWKS (same ETag, cacheable on
both listeners) and each one's assertion verifies with the other's JWKS under a kid computed
here from the key file alone; a SIGHUP rotates the signing key in the safe order (publish the
next key, switch, keep the old one while its assertions may live) and warns when an operator
skips a step; `sekisho --check` names every bad key file with its line."""
import http.client
import json
import os
import signal
import subprocess

from harness import (SEKISHO_BIN, SEKISHOCTL_BIN, EchoServer, Gateway, GatewayTestCase, curl, free_port,
                     header_values, route, run, write_yaml)
from pki_tools import decode_jws, jwk_thumbprint, public_half, run_openssl, verify_es256

JWKS = "/_sekisho/jwks.json"


def admin_jwks(port, headers=None):
    """GET the admin listener's JWKS → (status, headers dict, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", JWKS, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


class KeySetTestCase(GatewayTestCase):
    """A demo PKI, an echo backend and the key files A (the demo's) and B (made for a
    rotation by sekishoctl, with its public half)."""

    @classmethod
    def prepare(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        cls.key_a = cls.demo.path("assertion.key")
        cls.key_b = os.path.join(cls.tmp, "assertion-b.key")
        cls.made_b = json.loads(run([SEKISHOCTL_BIN, "pki", "assertion-key", "--out", cls.key_b, "--json"]).stdout)
        cls.pub_b = cls.made_b["public_key"]
        cls.kid_a, cls.kid_b = jwk_thumbprint(cls.key_a), jwk_thumbprint(cls.key_b)

    @classmethod
    def config(cls, listen_port, admin_port, **assertion):
        section = dict({"issuer": "sekisho", "ttl": "60s"}, **assertion)
        return cls.demo.config(listen_port, admin_port, [route("demo", "http://127.0.0.1:%d" % cls.echo.port)],
                               assertion=section)

    def terminal_curl(self, port, path):
        return curl("https://localhost:%d%s" % (port, path), cert=self.demo.device_cert, key=self.demo.device_key,
                    cacert=self.demo.ca_bundle, resolve_port=port)

    def assertion_via(self, port, path="/whoami"):
        """The assertion the backend received for a request through the gateway on port."""
        result = self.terminal_curl(port, path)
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        tokens = header_values(result.json(), "X-Sekisho-Jwt-Assertion")
        self.assertEqual(len(tokens), 1, tokens)
        return tokens[0]

    def kids(self, admin_port):
        status, _, body = admin_jwks(admin_port)
        self.assertEqual(status, 200, body)
        return [key["kid"] for key in json.loads(body)["keys"]]

    def verifies_with(self, token, jwks_body):
        kid = decode_jws(token)[0]["kid"]
        for key in json.loads(jwks_body)["keys"]:
            if key["kid"] == kid:
                return verify_es256(token, key, os.path.join(self.tmp, "jws"))
        self.fail("kid %s is not in the key set %s" % (kid, jwks_body))


class SharedKeySetTest(KeySetTestCase):

    @classmethod
    def setUpClass(cls):
        cls.prepare()
        same_keys = {"signing_key": cls.key_a, "next_keys": [cls.pub_b]}
        cls.start_gateway(cls.config(cls.listen_port, cls.admin_port, **same_keys))
        cls.other_port, cls.other_admin = free_port(), free_port()
        path = write_yaml(os.path.join(cls.tmp, "other.yaml"), cls.config(cls.other_port, cls.other_admin, **same_keys))
        cls.other = Gateway(path, cls.other_port, cls.other_admin, cls.tmp)
        cls.addClassCleanup(cls.other.stop)
        cls.other.start()

    def test_both_instances_publish_the_same_bytes_under_kids_derived_from_the_files(self):
        status_1, headers_1, body_1 = admin_jwks(self.admin_port)
        status_2, headers_2, body_2 = admin_jwks(self.other_admin)
        self.assertEqual((status_1, status_2), (200, 200))
        self.assertEqual(body_1, body_2)
        self.assertEqual(headers_1["etag"], headers_2["etag"])
        self.assertEqual(sorted(self.kids(self.admin_port)), sorted([self.kid_a, self.kid_b]))
        for key in json.loads(body_1)["keys"]:
            self.assertEqual((key["kty"], key["crv"], key["alg"], key["use"]), ("EC", "P-256", "ES256", "sig"))
        self.gateway.wait_for_log(r"assertion\.keys.*signing=%s.*next=%s" % (self.kid_a, self.kid_b))

    def test_each_instance_assertion_verifies_with_the_other_instance_jwks(self):
        token_1 = self.assertion_via(self.listen_port, "/one")
        token_2 = self.assertion_via(self.other_port, "/two")
        self.assertEqual(decode_jws(token_1)[0]["kid"], self.kid_a)
        self.assertEqual(decode_jws(token_2)[0]["kid"], self.kid_a)
        _, _, jwks_1 = admin_jwks(self.admin_port)
        _, _, jwks_2 = admin_jwks(self.other_admin)
        self.assertTrue(self.verifies_with(token_1, jwks_2), "instance 1's assertion under instance 2's JWKS")
        self.assertTrue(self.verifies_with(token_2, jwks_1), "instance 2's assertion under instance 1's JWKS")

    def test_the_key_set_is_cacheable_and_revalidates_on_both_listeners(self):
        _, headers, _ = admin_jwks(self.admin_port)
        etag = headers["etag"]
        self.assertEqual(headers["cache-control"], "public, max-age=300")
        status, again, body = admin_jwks(self.admin_port, {"If-None-Match": etag})
        self.assertEqual((status, body), (304, b""))
        self.assertEqual(again["etag"], etag)

        main = self.terminal_curl(self.listen_port, JWKS)
        self.assertEqual(main.status, 200, main.describe())
        self.assertEqual(main.header("Cache-Control"), ["public, max-age=300"])
        self.assertEqual(main.header("ETag"), [etag])
        revalidated = curl(self.gateway.url(JWKS), cert=self.demo.device_cert, key=self.demo.device_key,
                           cacert=self.demo.ca_bundle, resolve_port=self.listen_port,
                           headers=["If-None-Match: " + etag])
        self.assertEqual(revalidated.status, 304, revalidated.describe())


class RotationBySighupTest(KeySetTestCase):

    @classmethod
    def setUpClass(cls):
        cls.prepare()
        cls.config_path = os.path.join(cls.tmp, "sekisho.yaml")
        cls.write_config(signing_key=cls.key_a, next_keys=[cls.pub_b])
        cls.start_gateway(cls.config_path)

    @classmethod
    def write_config(cls, **assertion):
        write_yaml(cls.config_path, cls.config(cls.listen_port, cls.admin_port, **assertion))

    def reload(self, **assertion):
        self.write_config(**assertion)
        offset = self.gateway.log_offset()
        self.gateway.signal(signal.SIGHUP)
        self.gateway.wait_for_log(r"config\.reloaded", since=offset)
        return offset

    def test_rotation_in_the_safe_order_then_a_hasty_one(self):
        # Step 1 (the start): A signs, B is published ahead.
        self.assertEqual(decode_jws(self.assertion_via(self.listen_port))[0]["kid"], self.kid_a)
        _, headers, _ = admin_jwks(self.admin_port)
        etag = headers["etag"]

        # Step 2: B signs, A stays published: new assertions carry B's kid, the set is unchanged.
        offset = self.reload(signing_key=self.key_b, previous_keys=[self.key_a])
        token = self.assertion_via(self.listen_port, "/after-switch")
        self.assertEqual(decode_jws(token)[0]["kid"], self.kid_b)
        status, headers, body = admin_jwks(self.admin_port)
        self.assertEqual(headers["etag"], etag, "the same two keys: backends need not even refetch")
        self.assertTrue(self.verifies_with(token, body))
        self.assertEqual(sorted(self.kids(self.admin_port)), sorted([self.kid_a, self.kid_b]))
        log = self.gateway.log_text()[offset:]
        self.assertRegex(log, r"assertion\.signing_key_changed.*from=%s.*to=%s.*at least 110s" % (
            self.kid_a, self.kid_b))
        self.assertNotRegex(log, r"assertion\.key_(unannounced|withdrawn)")

        # Step 3: A's assertions have expired; A goes.
        self.reload(signing_key=self.key_b, previous_keys=[])
        self.assertEqual(self.kids(self.admin_port), [self.kid_b])

        # Back to A in one go: A was not published, B no longer is — both warned about.
        offset = self.reload(signing_key=self.key_a)
        self.assertEqual(decode_jws(self.assertion_via(self.listen_port, "/hasty"))[0]["kid"], self.kid_a)
        self.gateway.wait_for_log(r"assertion\.key_unannounced.*kid=%s" % self.kid_a, since=offset)
        self.gateway.wait_for_log(r"assertion\.key_withdrawn.*kid=%s" % self.kid_b, since=offset)

    def test_a_reload_with_a_bad_key_file_keeps_the_key_set_in_force(self):
        before = admin_jwks(self.admin_port)[2]
        rsa = os.path.join(self.tmp, "rsa.pem")
        run_openssl(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", rsa])
        self.write_config(signing_key=self.key_a, next_keys=[self.pub_b], previous_keys=[rsa])
        offset = self.gateway.log_offset()
        self.gateway.signal(signal.SIGHUP)
        self.gateway.wait_for_log(r"config\.reload_failed.*assertion\.previous_keys\[0\].*not an EC P-256 key",
                                  since=offset)
        self.assertEqual(admin_jwks(self.admin_port)[2], before)
        self.write_config(signing_key=self.key_a, next_keys=[self.pub_b])


class KeyFileCheckTest(KeySetTestCase):

    @classmethod
    def setUpClass(cls):
        cls.prepare()

    def test_sekishoctl_makes_a_private_key_its_public_half_and_says_its_kid(self):
        self.assertEqual(self.made_b["kid"], self.kid_b)
        self.assertEqual(self.pub_b, os.path.join(self.tmp, "assertion-b.pub"))
        self.assertEqual(jwk_thumbprint(self.pub_b), self.kid_b)
        self.assertEqual(os.stat(self.key_b).st_mode & 0o777, 0o600)
        again = run([SEKISHOCTL_BIN, "pki", "assertion-key", "--out", self.key_b], check=False)
        self.assertNotEqual(again.returncode, 0)
        self.assertIn(b"--force", again.stderr)
        self.assertEqual(jwk_thumbprint(self.key_b), self.kid_b, "a refused run must leave the key alone")

    def test_check_names_every_bad_key_with_its_line(self):
        copy_of_a = public_half(self.key_a, os.path.join(self.tmp, "a-copy.pub"))
        copy_of_b = public_half(self.key_b, os.path.join(self.tmp, "b-copy.pub"))
        with open(os.path.join(self.tmp, "not-a-key.pem"), "w") as f:
            f.write("hello\n")
        path = write_yaml(os.path.join(self.tmp, "check.yaml"), self.config(
            free_port(), free_port(), signing_key=self.key_a,
            previous_keys=[copy_of_a, os.path.join(self.tmp, "not-a-key.pem"), copy_of_b],
            next_keys=[self.pub_b]))
        proc = subprocess.run([SEKISHO_BIN, "--config", path, "--check"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)
        out = proc.stderr.decode()
        self.assertEqual(proc.returncode, 1, out)
        lines = out.strip().splitlines()
        self.assertEqual(len(lines), 3, out)
        self.assertRegex(lines[0], r"^%s:\d+: assertion\.previous_keys\[0\]: .*a-copy\.pub holds the same key .* "
                                   r"as assertion\.signing_key" % path)
        self.assertRegex(lines[1], r"^%s:\d+: assertion\.previous_keys\[1\]: .*not-a-key\.pem" % path)
        self.assertRegex(lines[2], r"^%s:\d+: assertion\.previous_keys\[2\]: .*b-copy\.pub holds the same key .* "
                                   r"as assertion\.next_keys\[0\]" % path)
