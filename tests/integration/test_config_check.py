"""`sekisho --config FILE --check`: exit 0 for a good config; exit 1 for a broken one, with
one "FILE:LINE: KEY: REASON" line per problem, so the operator knows what to fix where."""
import copy
import os
import re
import unittest

from harness import (SEKISHO_BIN, Demo, free_port, line_of, make_tempdir, route, run,
                     to_yaml)


class ConfigCheckTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = make_tempdir(cls)
        cls.demo = Demo(os.path.join(cls.tmp, "demo"), free_port(), "http://127.0.0.1:9")
        cls.good = cls.demo.config(free_port(), free_port(),
                                   [route("demo", "http://127.0.0.1:9")])
        cls.counter = 0

    def check_text(self, text):
        type(self).counter += 1
        path = os.path.join(self.demo.dir, "check-%d.yaml" % self.counter)
        with open(path, "w") as f:
            f.write(text)
        return self.check_file(path) + (path,)

    def check_file(self, path):
        result = run([SEKISHO_BIN, "--config", path, "--check"], check=False, timeout=60)
        return result.returncode, result.stderr.decode(errors="replace")

    def mutated(self, mutate):
        config = copy.deepcopy(self.good)
        mutate(config)
        return to_yaml(config)

    def assert_problem(self, text, key, line_pattern=None):
        """--check fails, naming this file, the line (when line_pattern is given: the line
        matching it), the key, and a reason."""
        rc, stderr, path = self.check_text(text)
        self.assertEqual(rc, 1, "want exit 1 for a broken %s, got %s\nstderr:\n%s\nconfig:\n%s"
                         % (key, rc, stderr, text))
        regex = re.compile(r"(?m)^%s:(\d+): %s: (\S.*)$" % (re.escape(path), re.escape(key)))
        match = regex.search(stderr)
        self.assertIsNotNone(match, "no 'FILE:LINE: %s: REASON' line in stderr:\n%s\nconfig:\n%s"
                             % (key, stderr, text))
        self.assertGreater(len(match.group(2).strip()), 3, "reason too short: %r" % stderr)
        if line_pattern:
            self.assertEqual(int(match.group(1)), line_of(text, line_pattern),
                             "wrong line for %s:\n%s\nconfig:\n%s" % (key, stderr, text))
        return stderr

    def test_demo_config_passes(self):
        rc, stderr = self.check_file(self.demo.config_path)
        self.assertEqual(rc, 0, stderr)

    def test_complete_generated_config_passes(self):
        rc, stderr, _ = self.check_text(to_yaml(self.good))
        self.assertEqual(rc, 0, stderr)

    def test_unknown_top_level_key(self):
        self.assert_problem(self.mutated(lambda c: c.update(colour="blue")), "colour",
                            r"^colour:")

    def test_unknown_nested_key(self):
        self.assert_problem(self.mutated(lambda c: c["tls"].update(colour="blue")),
                            "tls.colour", r"^  colour:")

    def test_bad_tls_profile(self):
        self.assert_problem(self.mutated(lambda c: c["tls"].update(profile="tls11")),
                            "tls.profile", r"^  profile:")

    def test_duration_without_unit(self):
        self.assert_problem(self.mutated(lambda c: c.update(timeouts={"upstream_response": 30})),
                            "timeouts.upstream_response", r"^  upstream_response:")

    def test_duration_in_milliseconds(self):
        self.assert_problem(self.mutated(lambda c: c.update(timeouts={"handshake": "500ms"})),
                            "timeouts.handshake", r"^  handshake:")

    def test_missing_client_ca(self):
        self.assert_problem(self.mutated(lambda c: c["tls"].pop("client_ca")), "tls.client_ca")

    def test_ftp_upstream(self):
        def mutate(config):
            config["routes"][0]["upstream"] = "ftp://127.0.0.1:21"
        self.assert_problem(self.mutated(mutate), "routes[0].upstream", r"upstream: \"ftp:")

    def test_upstream_with_a_path(self):
        def mutate(config):
            config["routes"][0]["upstream"] = "http://127.0.0.1:8080/app"
        self.assert_problem(self.mutated(mutate), "routes[0].upstream", r"upstream: ")

    def test_missing_certificate_file(self):
        self.assert_problem(
            self.mutated(lambda c: c["tls"].update(certificate="/nonexistent/server.crt")),
            "tls.certificate", r"^  certificate:")

    def test_port_out_of_range(self):
        self.assert_problem(self.mutated(lambda c: c.update(listen="127.0.0.1:99999")),
                            "listen", r"^listen:")

    def test_assertion_ttl_over_60_seconds(self):
        self.assert_problem(self.mutated(lambda c: c["assertion"].update(ttl="61s")),
                            "assertion.ttl", r"^  ttl:")

    def test_yaml_syntax_error(self):
        text = to_yaml(self.good) + "extra: [unclosed, {flow: \n"
        rc, stderr, path = self.check_text(text)
        self.assertEqual(rc, 1, stderr)
        self.assertRegex(stderr, r"(?m)^%s:\d+: \S" % re.escape(path))

    def test_every_problem_is_reported_on_its_own_line(self):
        def mutate(config):
            config["tls"]["profile"] = "tls11"
            config["routes"][0]["upstream"] = "ftp://127.0.0.1:21"
        stderr = self.assert_problem(self.mutated(mutate), "tls.profile", r"^  profile:")
        self.assertIn(": routes[0].upstream: ", stderr)

    def test_a_pin_in_a_pkcs11_uri_never_reaches_the_output(self):
        module = "/usr/lib/softhsm/libsofthsm2.so"
        if not os.path.exists(module):
            self.skipTest("no SoftHSM2 module")

        def mutate(config):
            # Upper-case scheme (RFC 3986 allows it) and a PIN with '&' in it.
            config["tls"]["key"] = "PKCS11:token=no-such-token;object=server;pin-value=s3cret&x"
            config["tls"]["pkcs11_module"] = module
        rc, stderr, _ = self.check_text(self.mutated(mutate))
        self.assertEqual(rc, 1, stderr)
        self.assertIn("pin-value=***", stderr)
        self.assertNotIn("s3cret", stderr)
        self.assertNotIn("&x", stderr)

    def test_missing_config_file(self):
        path = os.path.join(self.tmp, "no-such-config.yaml")
        rc, stderr = self.check_file(path)
        self.assertEqual(rc, 1, stderr)
        self.assertIn(path, stderr)


if __name__ == "__main__":
    unittest.main()
