"""Bringing a PostgreSQL registry into service: a gateway refuses a database nobody migrated
and says which command to run, and starts once the owner has run it; `sekishoctl store copy`
moves a SQLite installation (terminals, users with their passwords, the ledger) so that a
gateway on PostgreSQL admits the same terminals and lets the same people log in."""
import json
import os
import subprocess
import unittest

from harness import SEKISHO_BIN
from postgres_env import PASSWORD, PostgresGatewaysTestCase


class PostgresqlRegistrySetupTest(PostgresGatewaysTestCase):

    GATEWAYS = ()  # each test makes its own database and gateway

    def start_gateway_on(self, name, db):
        gateway = self.pg_gateway(name, db)
        self.addCleanup(gateway.stop)
        self.gateways[name] = gateway
        self.addCleanup(self.gateways.pop, name)
        gateway.start()
        return gateway

    def ledger(self, config):
        return json.loads(self.ctl("device", "ledger", "--limit", "1000000", "--json",
                                   config=config).stdout)["entries"]

    # --- 6a. migrations ------------------------------------------------------------------------

    def test_gateway_refuses_an_unmigrated_database_and_names_the_command(self):
        db = self.create_registry_database("unmigrated", migrate=False)
        gateway = self.pg_gateway("unmigrated", db)
        proc = subprocess.run([SEKISHO_BIN, "--config", gateway.config_path],
                              capture_output=True, text=True, timeout=120)
        output = proc.stdout + proc.stderr
        self.assertNotEqual(proc.returncode, 0, "the gateway ran on an un-migrated database:\n"
                            + output)
        self.assertIn("sekishoctl store migrate", output)
        self.assertNotIn(self.gateway_password, output)

        # What it says to do works: the owner migrates, granting the gateways' role.
        migrated = json.loads(self.ctl("store", "migrate", "--grant", self.gateway_role,
                                       "--json", config=db.owner_config).stdout)
        self.assertEqual(migrated["from"], 0, migrated)
        self.assertGreater(migrated["to"], 0, migrated)
        self.assertEqual(migrated["granted"], self.gateway_role)
        again = json.loads(self.ctl("store", "migrate", "--json", config=db.owner_config).stdout)
        self.assertEqual((again["from"], again["to"]), (migrated["to"], migrated["to"]))

        started = self.start_gateway_on("migrated", db)
        cert, key, _ = self.register_terminal("after-migration", config=started.config_path)
        self.wait_until(lambda: self.status_on(started, (cert, key)) == 200,
                        "a terminal gets in through the gateway on the migrated database")

    # --- 5. moving a SQLite installation -------------------------------------------------------

    def test_store_copy_moves_terminals_users_and_ledger_from_sqlite(self):
        sqlite_config = self.demo.config_path  # the demo's own: its registry.db
        sqlite_file = self.demo.info["registry"]
        if not os.path.isabs(sqlite_file):
            sqlite_file = os.path.join(self.demo.dir, sqlite_file)
        # The SQLite installation as it is used today: the demo terminal and user, one more
        # of each, and a terminal revoked there.
        self.add_user("copied.nurse", config=sqlite_config)
        kept = self.register_terminal("kept-terminal", config=sqlite_config)
        gone = self.register_terminal("revoked-before-copy", config=sqlite_config)
        self.ctl("device", "revoke", gone[2], "--reason", "keyCompromise", config=sqlite_config)
        sqlite_ledger = self.ledger(sqlite_config)

        db = self.create_registry_database("copied")
        report = json.loads(self.ctl("store", "copy", "--from", sqlite_file, "--json",
                                     config=db.owner_config).stdout)
        self.assertEqual(report["last_ledger_seq"], sqlite_ledger[-1]["seq"], report)
        self.assertGreaterEqual(report["rows"]["users"], 2, report)
        self.assertGreaterEqual(report["rows"]["devices"], 3, report)

        gateway = self.start_gateway_on("copied", db)
        demo_terminal = (self.demo.device_cert, self.demo.device_key)
        for terminal in (demo_terminal, kept[:2]):
            self.wait_until(lambda: self.status_on(gateway, terminal) == 200,
                            "a terminal of the SQLite registry gets in on PostgreSQL")
        self.assertIsNone(self.status_on(gateway, gone[:2]),
                          "a terminal revoked in the SQLite registry got in on PostgreSQL")
        demo_user = self.demo.info["user"]
        for user, password in ((demo_user["id"], demo_user["password"]),
                               ("copied.nurse", PASSWORD)):
            result, _ = self.login(gateway, user, password, demo_terminal)
            self.assertEqual(result.status, 200, "%s: %s\n%s" % (user, result.describe(),
                                                                self.log_tail()))
        self.assertEqual(self.login(gateway, "copied.nurse", "Wrong-pass-1",
                                    demo_terminal)[0].status, 401)

        # The audit history came along entry for entry, and goes on from where it stopped.
        self.assertEqual(self.ledger(gateway.config_path)[:len(sqlite_ledger)], sqlite_ledger)
        new = self.register_terminal("after-copy", config=gateway.config_path)
        self.add_user("after.copy", config=gateway.config_path)
        self.wait_until(lambda: self.status_on(gateway, new[:2]) == 200,
                        "a terminal registered after the copy gets in")
        later = self.ledger(gateway.config_path)[len(sqlite_ledger):]
        self.assertTrue(later, "nothing recorded after the copy")
        self.assertEqual([e["seq"] for e in later],
                         list(range(sqlite_ledger[-1]["seq"] + 1,
                                    sqlite_ledger[-1]["seq"] + 1 + len(later))))

        # A second copy into the now populated registry is refused and changes nothing.
        refused = self.ctl("store", "copy", "--from", sqlite_file, config=db.owner_config,
                           expect=1)
        self.assertIn("not empty", refused.stderr)
        self.assertEqual(len(self.ledger(gateway.config_path)), len(sqlite_ledger) + len(later))


if __name__ == "__main__":
    unittest.main()
