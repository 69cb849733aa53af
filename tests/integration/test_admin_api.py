"""Authenticated administration (issue 16 item 1; REQUIREMENTS §3, threats 7 and 11):
administrators are users of the registry with an administration role, who prove themselves
to the admin listener with an operator certificate (CN = their user id, from a separate
operator CA, CRL-checked) and their password. `sekishoctl --remote` runs device, user and
session commands in the gateway through /api/v1/run, and the ledger and the audit trail name
the authenticated administrator. Local use on the host records the OS user, never a typed
name; the last administrator cannot be disabled."""
import base64
import json
import os
import pwd
import signal
import subprocess
import unittest

from harness import (SEKISHO_BIN, SEKISHOCTL_BIN, EchoServer, Gateway, GatewayTestCase, curl, port_listening, route,
                     wait_for, write_yaml)

PASSWORD = "Sekisho-2026!ward"


class AdminApiTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(upstream)
        cls.registry = os.path.join(demo.dir, "registry.db")
        ops = os.path.join(cls.tmp, "operators")
        # The operator CA and administrators' certificates, made by the product's own commands.
        made = json.loads(subprocess.run([SEKISHOCTL_BIN, "pki", "operator-ca", "--dir", ops, "--org", "Sekisho Demo",
                                          "--json"], capture_output=True, text=True, check=True).stdout)
        ca_crt, cls.ops_crl = made["operator_ca"]["certificate"], made["operator_ca"]["crl"]
        cls.certs = {}
        for name in ("kanri", "unyo", "kansa", "anzen", "nurse1", "taishoku", "kanri3"):
            subprocess.run([SEKISHOCTL_BIN, "pki", "operator-cert", "--dir", ops, "--user", name, "--out",
                            os.path.join(ops, name)], capture_output=True, text=True, check=True)
            cls.certs[name] = (os.path.join(ops, name + ".crt"), os.path.join(ops, name + ".key"))
        cls.password_file = os.path.join(cls.tmp, "password")
        with open(cls.password_file, "w") as f:
            f.write(PASSWORD + "\n")
        for user, role in (("kanri", "admin"), ("unyo", "operator"), ("kansa", "auditor"), ("anzen", "security"),
                           ("nurse1", "nurse"), ("taishoku", "admin"), ("kanri3", "admin")):
            cls.local("user", "add", user, "--facility", "demo-clinic", "--role", role, "--password-stdin",
                      stdin=PASSWORD + "\n")
        cls.admin_section = {
            "listen": "127.0.0.1:%d" % cls.admin_port,
            "tls": {"certificate": demo.path("server.crt"), "key": demo.path("server.key"), "client_ca": ca_crt,
                    "crl": [cls.ops_crl]},
            "api": {"allow_from": ["127.0.0.1/32"]},
        }
        routes = [route("ward", upstream)]
        cls.config = demo.config(cls.listen_port, cls.admin_port, routes, registry={"sqlite": cls.registry},
                                 admin=cls.admin_section)
        cls.config_path = write_yaml(os.path.join(demo.dir, "admin-api.yaml"), cls.config)
        # The admin listener speaks TLS only: wait for the ports, not for a plain /healthz.
        gateway = Gateway(cls.config_path, cls.listen_port, cls.admin_port, cls.tmp)
        cls.addClassCleanup(gateway.stop)
        gateway.start(wait=False)
        cls.gateway = gateway
        if not wait_for(lambda: port_listening(cls.listen_port) and port_listening(cls.admin_port), 60, 0.2):
            raise AssertionError("the gateway did not listen:\n" + gateway.log_tail())

    # --- helpers --------------------------------------------------------------------------

    @classmethod
    def local(cls, *args, stdin=None, expect=0):
        proc = subprocess.run([SEKISHOCTL_BIN] + list(args) + ["--config", cls.demo.config_path], input=stdin,
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != expect:
            raise AssertionError("sekishoctl %s → %d\n%s%s" % (" ".join(args), proc.returncode, proc.stdout, proc.stderr))
        return proc

    def remote(self, who, *args, expect=0, password_file=None, stdin=None):
        cert, key = self.certs[who]
        cmd = [SEKISHOCTL_BIN, "--remote", "https://localhost:%d" % self.admin_port, "--cert", cert, "--key", key,
               "--ca", self.demo.ca_bundle, "--password-file", password_file or self.password_file] + list(args)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, input=stdin)
        if proc.returncode != expect:
            raise AssertionError("sekishoctl --remote (%s) %s → %d\n%s%s\n%s" % (
                who, " ".join(args), proc.returncode, proc.stdout, proc.stderr, self.log_tail()))
        return proc

    def raw_api(self, who, user, password, body, headers=("Content-Type: application/json",)):
        cert, key = self.certs[who]
        auth = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        return curl("https://localhost:%d/api/v1/run" % self.admin_port, cert=cert, key=key,
                    cacert=self.demo.ca_bundle, resolve_port=self.admin_port, method="POST",
                    headers=list(headers) + ["Authorization: Basic " + auth],
                    data=body if isinstance(body, str) else json.dumps(body), timeout=30)

    def users(self):
        return {u["id"]: u for u in json.loads(self.local("user", "list", "--json").stdout)["users"]}

    def reload(self):
        offset = self.gateway.log_offset()
        self.gateway.signal(signal.SIGHUP)
        self.gateway.wait_for_log(r"config\.reloaded", since=offset)

    def ledger(self):
        out = self.local("device", "ledger", "--json").stdout
        return json.loads(out)["entries"]

    def demo_device(self):
        devices = json.loads(self.local("device", "list", "--json").stdout)["devices"]
        return next(d for d in devices if d["id"] == self.demo.info["device"]["id"])

    # --- tests ----------------------------------------------------------------------------

    def test_an_operator_suspends_a_terminal_and_the_ledger_names_them(self):
        device = self.demo_device()
        listed = json.loads(self.remote("unyo", "device", "list", "--json").stdout)
        self.assertIn(device["id"], [d["id"] for d in listed["devices"]])
        since = self.gateway.log_offset()
        try:
            shown = json.loads(self.remote("unyo", "device", "suspend", device["id"], "--reason", "lost on ward 3",
                                           "--json").stdout)
            self.assertEqual(shown["status"], "suspended")
            entry = [e for e in self.ledger() if e["action"] == "device.suspend" and e["subject"] == device["id"]][-1]
            self.assertEqual(entry["actor"], "admin:unyo")
            self.gateway.wait_for_log(r'admin\.api_call .*actor=admin:unyo .*command=.*device.*suspend', since=since)
            # The suspended terminal is refused at the handshake (no HTTP answer), as after a
            # local suspension; resumed, it gets the login page again.
            self.assertTrue(wait_for(lambda: self.device_curl("/").status == 0, 10, 0.2), self.log_tail())
        finally:
            self.remote("unyo", "device", "resume", device["id"], "--reason", "found")
        self.assertTrue(wait_for(lambda: self.device_curl("/").status != 0, 10, 0.2), self.log_tail())

    def test_a_terminal_certificate_is_registered_from_the_management_terminal(self):
        ca = self.demo.device_ca(os.path.join(self.tmp, "device-ca-db"))
        cert, _ = ca.issue("imported", "/O=demo-clinic/CN=imported",
                           san="URI:urn:sekisho:device:demo-clinic:imported")
        # The file is on the management terminal only: sekishoctl sends it with the command.
        out = json.loads(self.remote("unyo", "device", "register", "--facility", "demo-clinic", "--name", "imported",
                                     "--cert", cert, "--json").stdout)
        self.assertEqual(out["name"], "imported")
        self.assertEqual(out["created_by"], "admin:unyo")

    def test_an_auditor_reads_but_cannot_change(self):
        self.remote("kansa", "user", "list")
        device = self.demo_device()
        refused = self.remote("kansa", "device", "revoke", device["id"], "--reason", "keyCompromise", expect=1)
        self.assertIn("needs one of the roles admin, operator", refused.stderr)
        self.assertEqual(self.demo_device()["status"], "active")

    def test_an_auditor_reads_the_live_disclosure_and_an_outsider_does_not(self):
        # Through the API: the gateway's own configuration and registry answer.
        text = self.remote("kansa", "disclose", "--format", "text", "--lang", "en").stdout
        self.assertIn("MDS No.12.3.1.1  yes", text)
        self.assertIn("SDS No.17.1  yes", text)
        refused = self.remote("kansa", "disclose", "--out", "/tmp/x.html", expect=2)
        self.assertIn("--config and --out are the host's", refused.stderr)
        # GET /disclosure: the same checks (operator certificate, address, password, role).
        cert, key = self.certs["kansa"]
        auth = base64.b64encode(("kansa:%s" % PASSWORD).encode()).decode()
        page = curl("https://localhost:%d/disclosure?format=html&lang=ja" % self.admin_port, cert=cert, key=key,
                    cacert=self.demo.ca_bundle, resolve_port=self.admin_port,
                    headers=["Authorization: Basic " + auth], timeout=60)
        self.assertEqual(page.status, 200, page.body[:300])
        self.assertIn("text/html", " ".join(page.header("content-type")))
        self.assertEqual(page.body.count(b"data-answer="), 99)
        self.assertIn("医療情報セキュリティ開示書".encode(), page.body)
        anonymous = curl("https://localhost:%d/disclosure" % self.admin_port, cert=cert, key=key,
                         cacert=self.demo.ca_bundle, resolve_port=self.admin_port, timeout=30)
        self.assertEqual(anonymous.status, 401)
        self.assertNotIn(b"data-answer", anonymous.body)
        terminal = curl("https://localhost:%d/disclosure" % self.admin_port, cert=self.demo.device_cert,
                        key=self.demo.device_key, cacert=self.demo.ca_bundle, resolve_port=self.admin_port,
                        headers=["Authorization: Basic " + auth], timeout=30)
        self.assertNotEqual(terminal.status, 200)

    def test_only_security_or_admin_resets_passwords_and_only_admin_adds_accounts(self):
        self.remote("unyo", "user", "unlock", "nurse1", expect=1)
        out = json.loads(self.remote("anzen", "user", "unlock", "nurse1", "--json").stdout)
        self.assertEqual(out["id"], "nurse1")
        self.remote("anzen", "user", "add", "newcomer", "--facility", "demo-clinic", "--role", "admin", expect=1)
        added = json.loads(self.remote("kanri", "user", "add", "newcomer", "--facility", "demo-clinic", "--role",
                                       "nurse", "--json").stdout)
        self.assertTrue(added["temporary_password"])
        self.assertEqual(added["created_by"], "admin:kanri")

    def test_a_wrong_password_is_refused_and_counts_towards_the_lockout(self):
        wrong = os.path.join(self.tmp, "wrong")
        with open(wrong, "w") as f:
            f.write("not-the-password\n")
        since = self.gateway.log_offset()
        refused = self.remote("kansa", "device", "list", password_file=wrong, expect=1)
        self.assertIn("401", refused.stderr)
        self.gateway.wait_for_log(r"admin\.login_refused .*reason=wrong_password .*user=kansa", since=since)
        user = json.loads(self.local("user", "show", "kansa", "--json").stdout)
        self.assertGreaterEqual(user["failed_since_success"], 1)
        self.remote("kansa", "device", "list")  # the right one still works (and clears the count)

    def test_the_certificate_and_the_user_must_be_the_same_person(self):
        # unyo's certificate with kanri's (right) password: possession of one, knowledge of another.
        result = self.raw_api("unyo", "kanri", PASSWORD, {"args": ["user", "list"]})
        self.assertEqual(result.status, 403, result.describe())
        self.assertIn(b"subject CN", result.body)

    def test_a_user_without_an_administration_role_is_refused(self):
        refused = self.remote("nurse1", "device", "list", expect=1)
        self.assertIn("403", refused.stderr)
        self.assertIn("needs one of the roles", refused.stderr)

    def test_a_terminal_certificate_does_not_open_the_api(self):
        since = self.gateway.log_offset()
        result = curl("https://localhost:%d/api/v1/run" % self.admin_port, cert=self.demo.device_cert,
                      key=self.demo.device_key, cacert=self.demo.ca_bundle, resolve_port=self.admin_port,
                      method="POST", data='{"args":["user","list"]}', timeout=30)
        self.assertEqual(result.status, 0, result.describe())
        self.gateway.wait_for_log(r"admin\.handshake_refused", since=since)

    def test_without_credentials_the_api_asks_for_them(self):
        cert, key = self.certs["kanri"]
        result = curl("https://localhost:%d/api/v1/run" % self.admin_port, cert=cert, key=key,
                      cacert=self.demo.ca_bundle, resolve_port=self.admin_port, method="POST",
                      headers=["Content-Type: application/json"], data='{"args":["user","list"]}', timeout=30)
        self.assertEqual(result.status, 401, result.describe())
        bad = self.raw_api("kanri", "kanri", PASSWORD, {"args": "user list"})
        self.assertEqual(bad.status, 400, bad.describe())

    def test_sessions_are_listed_and_a_user_is_logged_out_everywhere(self):
        result, jar = self.api_login()
        self.assertEqual(result.status, 200, result.describe())
        demo_user = self.demo.info["user"]["id"]
        self.assertEqual(self.device_curl("/", cookie_jar=jar).status, 200)
        listed = json.loads(self.remote("kansa", "session", "list", "--user", demo_user, "--json").stdout)
        self.assertEqual(len(listed["sessions"]), 1, listed)
        self.assertEqual(listed["sessions"][0]["device"], self.demo.fingerprint)
        self.remote("kansa", "session", "end-user", demo_user, expect=1)  # an auditor only reads
        ended = json.loads(self.remote("anzen", "session", "end-user", demo_user, "--json").stdout)
        self.assertEqual(ended["ended"], 1)
        after = self.device_curl("/", cookie_jar=jar)
        self.assertNotEqual(after.status, 200, after.describe())
        listed = json.loads(self.remote("kansa", "session", "list", "--user", demo_user, "--json").stdout)
        self.assertEqual(listed["sessions"], [])

    def test_one_session_ends_by_its_handle(self):
        result, jar = self.api_login()
        self.assertEqual(result.status, 200, result.describe())
        listed = json.loads(self.remote("unyo", "session", "list", "--device", self.demo.fingerprint, "--json").stdout)
        handle = listed["sessions"][-1]["session"]
        self.assertIn("ended 1 session", self.remote("unyo", "session", "end", handle).stdout)
        self.remote("unyo", "session", "end", handle, expect=1)

    def test_the_last_administrator_cannot_be_disabled(self):
        # taishoku and kanri3 (admins) left: disabled first — that leaves kanri as the only one.
        for leaver in ("taishoku", "kanri3"):
            if self.users()[leaver]["status"] == "active":
                self.local("user", "disable", leaver, "--reason", "left the hospital")
        refused = self.remote("kanri", "user", "disable", "kanri", "--reason", "test", expect=1)
        self.assertIn("last active administrator", refused.stderr)
        local = self.local("user", "disable", "kanri", "--reason", "test", expect=1)
        self.assertIn("last active administrator", local.stderr)
        self.assertEqual(json.loads(self.local("user", "show", "kanri", "--json").stdout)["status"], "active")

    def test_local_use_records_the_os_user_and_refuses_a_typed_actor(self):
        device = self.demo_device()
        self.local("device", "suspend", device["id"], "--reason", "checked on site")
        self.local("device", "resume", device["id"], "--reason", "checked on site")
        self.assertTrue(wait_for(lambda: self.device_curl("/").status != 0, 10, 0.2), self.log_tail())
        entry = [e for e in self.ledger() if e["action"] == "device.resume"][-1]
        self.assertEqual(entry["actor"], "local:" + pwd.getpwuid(os.getuid()).pw_name)
        typed = self.local("device", "list", "--actor", "admin:someone-else", expect=2)
        self.assertIn("--actor", typed.stderr)

    def test_an_address_outside_the_allow_list_is_refused_before_any_password(self):
        config = dict(self.config, admin=dict(self.admin_section, api={"allow_from": ["192.0.2.0/24"]}))
        write_yaml(self.config_path, config)
        try:
            self.reload()
            since = self.gateway.log_offset()
            refused = self.remote("kanri", "user", "list", expect=1)
            self.assertIn("403", refused.stderr)
            self.gateway.wait_for_log(r"admin\.api_refused .*allow_from", since=since)
        finally:
            write_yaml(self.config_path, self.config)
            self.reload()
        self.remote("kanri", "user", "list")

    def test_check_warns_about_too_few_administrators(self):
        proc = subprocess.run([SEKISHO_BIN, "--config", self.config_path, "--check"], capture_output=True, text=True,
                              timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        # kanri and taishoku are admins; once taishoku is disabled (another test) only one is.
        active = [u for u in json.loads(self.local("user", "list", "--json").stdout)["users"]
                  if "admin" in u["roles"] and u["status"] == "active"]
        if len(active) < 2:
            self.assertIn("warning: ", proc.stderr)
            self.assertIn("keep at least two", proc.stderr)
        else:
            self.assertNotIn("keep at least two", proc.stderr)


    # --- findings of the attack review, each a test ----------------------------------------

    def test_an_option_before_the_group_cannot_smuggle_a_write_past_the_role_check(self):
        smuggled = ["--config", "add", "--facility", "user", "--name", "list", "--role", "admin", "--password-stdin",
                    "evil"]
        result = self.raw_api("kansa", "kansa", PASSWORD, {"args": smuggled, "stdin": "Evil-Pass-2026!x\n"})
        self.assertEqual(result.status, 403, result.describe())
        for args in (["device", "--reason", "list", "revoke", "x"], ["user", "--json", "add", "evil2"]):
            self.assertEqual(self.raw_api("kansa", "kansa", PASSWORD, {"args": args}).status, 403)
        self.assertNotIn("add", self.users())
        self.assertNotIn("evil2", self.users())

    def test_a_browser_cannot_be_made_to_post_commands(self):
        form = self.raw_api("kanri", "kanri", PASSWORD, '{"args":["user","list"],"x":"="}',
                            headers=("Content-Type: text/plain",))
        self.assertEqual(form.status, 403, form.describe())
        cross = self.raw_api("kanri", "kanri", PASSWORD, {"args": ["user", "list"]},
                             headers=("Content-Type: application/json", "Origin: https://evil.example"))
        self.assertEqual(cross.status, 403, cross.describe())
        unauthorised = self.raw_api("kanri", "kanri", "wrong-" + PASSWORD, {"args": ["user", "list"]})
        self.assertEqual(unauthorised.status, 401)
        self.assertEqual(unauthorised.header("WWW-Authenticate"), [])

    def test_security_cannot_change_an_administrators_account(self):
        refused = self.remote("anzen", "user", "reset-password", "kanri", "--identity-check", "phone", expect=1)
        self.assertIn("only an admin", refused.stderr)
        self.remote("anzen", "user", "disable", "unyo", "--reason", "test", expect=1)
        self.assertFalse(self.users()["kanri"]["must_change"])

    def test_after_a_reset_an_administrator_changes_the_password_and_nothing_else(self):
        reset = json.loads(self.remote("kanri", "user", "reset-password", "kanri3", "--identity-check",
                                       "called back on the registered number", "--json").stdout)
        temporary = os.path.join(self.tmp, "kanri3-temporary")
        with open(temporary, "w") as f:
            f.write(reset["temporary_password"] + "\n")
        blocked = self.remote("kanri3", "device", "list", password_file=temporary, expect=1)
        self.assertIn("must be changed first", blocked.stderr)
        self.remote("kanri3", "password", password_file=temporary, stdin="Atarashii-2026!pw\n")
        fresh = os.path.join(self.tmp, "kanri3-new")
        with open(fresh, "w") as f:
            f.write("Atarashii-2026!pw\n")
        self.remote("kanri3", "device", "list", password_file=fresh)
        self.remote("kanri3", "device", "list", password_file=temporary, expect=1)
        self.assertFalse(self.users()["kanri3"]["must_change"])

    def test_a_terminal_cannot_log_in_as_an_administrator_nor_lock_one_out(self):
        before = self.users()["kansa"]["failed_since_success"]
        for attempt in range(6):
            result, _ = self.api_login(user="kansa", password="guess-%d" % attempt)
            self.assertNotEqual(result.status, 200)
        right, _ = self.api_login(user="kansa", password=PASSWORD)
        self.assertNotEqual(right.status, 200, "an administrator's account logged in on a terminal")
        self.assertEqual(self.users()["kansa"]["failed_since_success"], before)
        self.remote("kansa", "device", "list")

    def test_a_revoked_operator_certificate_is_refused_after_a_reload(self):
        ops = os.path.dirname(self.certs["taishoku"][0])
        self.remote("taishoku", "user", "show", "taishoku")
        subprocess.run([SEKISHOCTL_BIN, "pki", "operator-revoke", "--dir", ops, "--cert", self.certs["taishoku"][0]],
                       capture_output=True, text=True, check=True)
        self.reload()
        since = self.gateway.log_offset()
        self.remote("taishoku", "user", "show", "taishoku", expect=1)
        self.gateway.wait_for_log(r"admin\.handshake_refused .*certificate revoked", since=since)
        self.remote("kanri", "user", "show", "taishoku")

    def test_log_out_everywhere_takes_the_user_id_in_any_case(self):
        result, jar = self.api_login()
        self.assertEqual(result.status, 200, result.describe())
        ended = json.loads(self.remote("anzen", "session", "end-user", self.demo.info["user"]["id"].upper(),
                                       "--json").stdout)
        self.assertEqual(ended["ended"], 1)

    def test_operators_need_a_ca_of_their_own_and_a_crl(self):
        shared = dict(self.admin_section, tls=dict(self.admin_section["tls"], client_ca=self.demo.path("device-ca-bundle.pem")))
        path = write_yaml(os.path.join(self.demo.dir, "admin-shared-ca.yaml"), dict(self.config, admin=shared))
        proc = subprocess.run([SEKISHO_BIN, "--config", path, "--check"], capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("operators need a CA of their own", proc.stderr)
        no_crl = dict(self.admin_section, tls={k: v for k, v in self.admin_section["tls"].items() if k != "crl"})
        path = write_yaml(os.path.join(self.demo.dir, "admin-no-crl.yaml"), dict(self.config, admin=no_crl))
        proc = subprocess.run([SEKISHO_BIN, "--config", path, "--check"], capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 1, proc.stdout + proc.stderr)
        self.assertIn("admin.tls.crl", proc.stderr)


if __name__ == "__main__":
    unittest.main()
