"""Redis the way operators run it in production: an ACL user with a password, over TLS
(redis-server --tls-port with a CA of the test's own). Sessions work through it; a wrong
password or a server certificate of another CA is a clear 503 and a /readyz reason, never a
session served without Redis, and the password shows in no log."""
import os
import secrets
import tempfile
import unittest

from gateway_process import admin_get
from harness import write_yaml
from pki_tools import CaDb, make_root_ca
from postgres_env import PASSWORD, secret_file
from redis_env import RedisGatewaysTestCase


def redis_tls_files():
    """A CA and a server certificate for 127.0.0.1, in a folder of their own."""
    folder = tempfile.mkdtemp(prefix="sekisho-redis-pki-")
    ca_crt, ca_key = make_root_ca(folder, "redis-ca", "/CN=Redis test CA")
    db = CaDb(os.path.join(folder, "db"), ca_crt, ca_key)
    crt, key = db.issue("redis", "/CN=redis.test", eku="serverAuth",
                        san="IP:127.0.0.1,DNS:redis.test")
    other_ca, _ = make_root_ca(os.path.join(folder, "other"), "other-ca", "/CN=Another CA")
    return {"cert": crt, "key": key, "ca": ca_crt, "other_ca": other_ca}


class RedisAclTlsTest(RedisGatewaysTestCase):
    GATEWAYS = ("a",)
    REDIS_USER = "sekisho_gw"
    REDIS_PASSWORD = secrets.token_hex(16)

    @classmethod
    def redis_server_arguments(cls):
        cls.tls_files = redis_tls_files()
        return {"user": cls.REDIS_USER, "password": cls.REDIS_PASSWORD, "tls": cls.tls_files}

    @classmethod
    def redis_section(cls, password=None, ca=None):
        os.makedirs(cls.secrets, mode=0o700, exist_ok=True)
        name = "redis-%s.password" % secrets.token_hex(4)
        section = super().redis_section()
        section.update({"username": cls.REDIS_USER,
                        "password_file": secret_file(cls.secrets, name, password or cls.REDIS_PASSWORD),
                        "tls": {"ca": ca or cls.tls_files["ca"]}})
        return section

    def terminal(self, name):
        return self.terminal_admitted(name)[:2]

    def test_sessions_go_through_the_acl_user_over_tls(self):
        gateway = self.gateways["a"]
        self.assertTrue(self.redis_section()["url"].startswith("rediss://"))
        terminal = self.terminal("tls-terminal")
        self.add_user("tls.nurse")
        result, jar = self.login(gateway, "tls.nurse", PASSWORD, terminal)
        self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())
        self.assertEqual(self.request(gateway, "/ward/x", terminal, cookie_jar=jar).status, 200)
        keys = self.redis.cli("--scan", "--pattern", "sekisho:s:*").split()
        self.assertEqual(len(keys), 1, keys)
        self.assertNotIn(self.REDIS_PASSWORD, gateway.log_text())

    def gateway_with(self, name, **redis):
        """Another gateway on the same registry whose Redis section differs."""
        original = type(self).redis_section
        type(self).redis_section = classmethod(lambda cls: original.__func__(cls, **redis))
        try:
            gateway = self.start_pg_gateway(name, self.db)
        finally:
            type(self).redis_section = original
        return gateway

    def assert_refused_with(self, gateway, terminal, user, reason):
        self.add_user(user)
        result, _ = self.login(gateway, user, PASSWORD, terminal)
        self.assertEqual(result.status, 503, result.describe() + "\n" + gateway.log_tail())
        self.wait_until(lambda: reason.encode() in admin_get(gateway.admin_port, "/readyz")[1],
                        "/readyz says why: %s" % reason)
        self.assertEqual(admin_get(gateway.admin_port, "/readyz")[0], 503)

    def test_a_wrong_password_is_a_clear_refusal_not_a_session(self):
        terminal = self.terminal("wrongpass-terminal")
        wrong = "not-" + self.REDIS_PASSWORD
        gateway = self.gateway_with("wrongpass", password=wrong)
        self.assert_refused_with(gateway, terminal, "wrongpass.nurse", "WRONGPASS")
        self.assertNotIn(wrong, gateway.log_text())

    def test_a_server_certificate_of_another_ca_is_refused(self):
        terminal = self.terminal("otherca-terminal")
        gateway = self.gateway_with("otherca", ca=self.tls_files["other_ca"])
        self.assert_refused_with(gateway, terminal, "otherca.nurse", "certificate verify failed")


if __name__ == "__main__":
    unittest.main()
