"""`sekishoctl backup` on a PostgreSQL registry: the generation holds the rows read in one
REPEATABLE READ transaction as a SQLite file that `verify` checks; `restore` loads it into
an empty database, where a gateway admits the same terminals and lets the same people log
in, with the ledger entry for entry; a database that holds rows is refused."""
import json
import os
import unittest

from postgres_env import PASSWORD, PostgresGatewaysTestCase, secret_file


class BackupPostgresqlTest(PostgresGatewaysTestCase):

    GATEWAYS = ("a",)

    def ledger(self, config):
        return json.loads(self.ctl("device", "ledger", "--limit", "1000000", "--json",
                                   config=config).stdout)["entries"]

    def test_backup_of_a_postgresql_registry_restores_into_an_empty_database(self):
        terminal = self.terminal_admitted("backed-up")
        self.add_user("backed.up")
        passphrase = secret_file(self.secrets, "backup.passphrase", "a long enough passphrase")
        out_dir = os.path.join(self.tmp, "backups")
        created = json.loads(self.ctl("backup", "create", "--out", out_dir, "--passphrase-file", passphrase,
                                      "--json").stdout)
        generation = created["generation"]
        with open(os.path.join(generation, "manifest.json")) as f:
            manifest = json.load(f)
        self.assertEqual(manifest["registry"]["backend"], "postgresql")
        self.assertNotIn(self.gateway_password, json.dumps(manifest))
        sealed = "outside" + os.path.join(self.secrets, "gateway.password") + ".sealed"
        self.assertIn(sealed, [f["name"] for f in manifest["files"]], "the password file, sealed")
        self.assertGreaterEqual(manifest["registry"]["rows"]["devices"], 1)
        checked = json.loads(self.ctl("backup", "verify", generation, "--passphrase-file", passphrase,
                                      "--json").stdout)
        self.assertTrue(checked["ok"], checked)
        original_ledger = self.ledger(self.config_path)

        restored = self.create_registry_database("restored", migrate=False)
        self.ctl("backup", "restore", generation, "--registry-into", restored.url(restored.owner),
                 "--password-file", restored.owner_password_file, "--sslmode", "disable")
        self.ctl("store", "migrate", "--grant", self.gateway_role, config=restored.owner_config)
        gateway = self.start_pg_gateway("restored", restored)
        self.wait_until(lambda: self.status_on(gateway, terminal[:2]) == 200,
                        "the restored registry admits the terminal")
        result, _ = self.login(gateway, "backed.up", PASSWORD, terminal[:2])
        self.assertEqual(result.status, 200, result.describe())
        self.assertEqual(self.login(gateway, "backed.up", "Wrong-pass-1", terminal[:2])[0].status, 401)
        self.assertEqual(self.ledger(gateway.config_path)[:len(original_ledger)], original_ledger)

        refused = self.ctl("backup", "restore", generation, "--registry-into", restored.url(restored.owner),
                           "--password-file", restored.owner_password_file, "--sslmode", "disable", expect=1)
        self.assertIn("not empty", refused.stderr)


if __name__ == "__main__":
    unittest.main()
