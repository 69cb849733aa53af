"""deploy/haproxy/haproxy.cfg, the example for two gateways behind HAProxy: `haproxy -c`
finds it valid without a warning; it passes TLS through (TCP mode) with a PROXY v2 header
to every gateway it balances to; and its readiness checks really work against two real
gateways whose admin listeners speak TLS and want an operator certificate: both come UP,
and a gateway that drains for shutdown (/readyz 503) goes DOWN for that reason (L7STS 503)
while the other stays UP. The PROXY traffic itself is the integration test of the PROXY
protocol support."""
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import unittest

import yaml

from deploy_paths import REPO  # first: puts tests/integration on the import path
from backends import GatedBackend
from deployed_gateway import DeployedLayout
from gateway_process import Gateway, wait_for
from harness import CaDb, free_port, make_root_ca
import haproxy_tools

SHARED_ADMIN_NAME = "sekisho-admin.internal"


def example_admin_port():
    with open(os.path.join(REPO, "config", "examples", "sekisho.yaml")) as f:
        return int(yaml.safe_load(f)["admin"]["listen"].rsplit(":", 1)[1])


@unittest.skipUnless(shutil.which("haproxy"), "haproxy is not installed")
class HaproxyConfigTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sekisho-haproxy-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        pki = os.path.join(cls.tmp, "pki")
        # The CA of the gateways' admin certificates, and the operators' CA of admin.tls.client_ca.
        admin_ca, admin_ca_key = make_root_ca(pki, "admin-ca", "/O=Sekisho Test/CN=Admin listeners CA")
        operators_ca, operators_key = make_root_ca(pki, "operators-ca", "/O=Sekisho Test/CN=Operators CA")
        admin = CaDb(os.path.join(pki, "admin-db"), admin_ca, admin_ca_key)
        cls.admin_cert = admin.issue("admin", "/O=Sekisho Test/CN=gw.internal", eku="serverAuth",
                                     san="DNS:%s,DNS:gw.internal" % SHARED_ADMIN_NAME)
        operators = CaDb(os.path.join(pki, "operators-db"), operators_ca, operators_key)
        check_cert, check_key = operators.issue("haproxy-check", "/O=Sekisho Test/CN=haproxy health checks")
        cls.files = os.path.join(cls.tmp, "etc-haproxy")
        os.makedirs(cls.files)
        shutil.copy(admin_ca, os.path.join(cls.files, "admin-ca.pem"))
        with open(os.path.join(cls.files, "check-client.pem"), "w") as out:
            for part in (check_cert, check_key):
                with open(part) as f:
                    out.write(f.read())
        cls.operators_ca = operators_ca

    def haproxy_check(self, text):
        path = os.path.join(self.tmp, "check.cfg")
        with open(path, "w") as f:
            f.write(text)
        return subprocess.run(["haproxy", "-c", "-f", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=60)

    def test_the_example_is_valid_without_a_warning(self):
        proc = self.haproxy_check(haproxy_tools.with_files(haproxy_tools.read_example(), self.files))
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertNotRegex(proc.stdout + proc.stderr, r"\[(WARNING|ALERT)\]")

    def test_tls_passes_through_with_a_proxy_header_to_every_gateway(self):
        sections = haproxy_tools.config_sections(haproxy_tools.read_example())
        self.assertIn("mode tcp", sections[("defaults", "")])
        self.assertFalse(any(line.startswith("mode http") for lines in sections.values() for line in lines))
        backends = {name: lines for (kind, name), lines in sections.items() if kind == "backend"}
        self.assertEqual(sorted(backends), ["sekisho_enrollment", "sekisho_gateways"])
        for name, lines in backends.items():
            with self.subTest(backend=name):
                default_server = [l for l in lines if l.startswith("default-server ")]
                self.assertEqual(len(default_server), 1)
                words = default_server[0].split()
                self.assertIn("send-proxy-v2", words)
                # Checks go to the admin listener's port, over TLS, for /readyz.
                self.assertEqual(words[words.index("port") + 1], str(example_admin_port()))
                self.assertIn("check-ssl", words)
                self.assertIn("http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host %s" % SHARED_ADMIN_NAME,
                              lines)
                servers = [l.split() for l in lines if l.startswith("server ")]
                checked = [s for s in servers if "backup" not in s]
                self.assertEqual(len(checked), 2, "two gateways")
                self.assertTrue(all("no-check" in s for s in servers if "backup" in s))
                self.assertFalse(any("no-send-proxy-v2" in s for s in servers))

    def test_readiness_checks_follow_real_gateways(self):
        gated = GatedBackend()
        admin_tls = {"certificate": self.admin_cert[0], "key": self.admin_cert[1], "client_ca": self.operators_ca}
        gateways = []
        for name in ("a", "b"):
            layout = DeployedLayout(os.path.join(self.tmp, "gw-" + name), backend=gated if name == "a" else None,
                                    login=False, admin={"tls": admin_tls})
            self.addCleanup(layout.stop)
            gateway = Gateway(layout.config_path, layout.listen_port, layout.admin_port, self.tmp)
            gateway.healthy = lambda: True  # its /healthz needs a certificate; the port is enough here
            gateway.start()
            self.addCleanup(gateway.stop)
            gateways.append((layout, gateway))
        stats = os.path.join(self.tmp, "haproxy.sock")
        text = haproxy_tools.with_local_gateways(
            haproxy_tools.with_files(haproxy_tools.read_example(), self.files),
            {":443": free_port(), ":8444": free_port()},
            [({443: l.listen_port, 8444: l.enroll_port}, l.admin_port) for l, _ in gateways], stats)
        path = os.path.join(self.tmp, "run.cfg")
        with open(path, "w") as f:
            f.write(text)
        log_path = os.path.join(self.tmp, "haproxy.log")
        log = open(log_path, "wb")
        self.addCleanup(log.close)
        haproxy = subprocess.Popen(["haproxy", "-db", "-f", path], stdout=log, stderr=log)
        self.addCleanup(haproxy.wait, 30)
        self.addCleanup(haproxy.terminate)

        def haproxy_log():
            with open(log_path, errors="replace") as f:
                return "---- haproxy ----\n" + f.read()

        def state(backend, server):
            try:
                return haproxy_tools.server_state(stats, backend, server)
            except OSError:
                return None

        def status_is(backend, server, status):
            row = state(backend, server)
            return row if row and row["status"] == status else None

        for backend in ("sekisho_gateways", "sekisho_enrollment"):
            for server in ("gw-a", "gw-b"):
                self.assertTrue(wait_for(lambda: status_is(backend, server, "UP"), 60),
                                "%s/%s not UP: %r\n%s" % (backend, server, state(backend, server),
                                                          haproxy_log()))
            self.assertEqual(state(backend, "gw-a-unready")["status"], "no check")

        # Gateway A drains with a request in flight (its backend holds the answer): /readyz
        # answers 503 while its admin listener still serves.
        layout_a, gateway_a = gateways[0]
        request = threading.Thread(target=layout_a.terminal_curl, args=("/ward",), daemon=True)
        request.start()
        self.assertTrue(gated.received.wait(30), gateway_a.log_tail())
        gateway_a.signal(signal.SIGTERM)
        down = wait_for(lambda: status_is("sekisho_gateways", "gw-a", "DOWN"), 30)
        gated.release()
        self.assertTrue(down, "gw-a stayed %r\n%s" % (state("sekisho_gateways", "gw-a"), gateway_a.log_tail()))
        self.assertEqual((down["check_status"], down["check_code"]), ("L7STS", "503"))
        self.assertEqual(state("sekisho_gateways", "gw-b")["status"], "UP")
        request.join(30)


if __name__ == "__main__":
    unittest.main()
