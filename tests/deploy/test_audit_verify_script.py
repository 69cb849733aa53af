"""deploy/systemd/sekisho-audit-verify, the daily check of the audit trail: it hands
sekishoctl the files rotated in the last two days in chain order (and neither the live
file nor the ledger cursor beside them), so a trail the real gateway wrote over three runs
verifies, an edited record fails the run naming its file and line, and a file older than
the window is no longer read."""
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from deploy_paths import deploy_file
from deployed_gateway import DeployedLayout
from gateway_process import SEKISHOCTL_BIN, Gateway, wait_for

SCRIPT = deploy_file("systemd", "sekisho-audit-verify")
# The gateway's own names for rotated files (<file>.<JST yyyymmddThhmmss.mmm>).
ROTATED = ("audit.log.20261201T000000.000", "audit.log.20261202T000000.000")


def read(path):
    with open(path) as f:
        return f.read()


class AuditVerifyScriptTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="sekisho-audit-verify-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.layout = DeployedLayout(os.path.join(cls.tmp, "srv"))
        cls.addClassCleanup(cls.layout.stop)
        # Three runs of the gateway, the trail rotated by hand between them: the gateway
        # carries the chain on from the newest rotated file, as after a midnight rotation.
        for rotated in ROTATED + (None,):
            cls.run_gateway_once()
            if rotated:
                os.rename(cls.layout.audit_log, os.path.join(cls.layout.logs, rotated))
        cls.rotated = [os.path.join(cls.layout.logs, name) for name in ROTATED]

    @classmethod
    def run_gateway_once(cls):
        layout = cls.layout
        for attempt in range(3):
            gateway = Gateway(layout.config_path, layout.listen_port, layout.admin_port, cls.tmp)
            try:
                gateway.start()
                break
            except AssertionError as e:
                # The ports were free at the first run; a client socket of a test running
                # beside this one may hold one of them now.
                if "Address already in use" not in str(e) or attempt == 2:
                    raise
                layout.move_ports()
        try:
            # A seal (every second here) before the stop's own, so every file holds some.
            sealed = wait_for(lambda: os.path.exists(layout.audit_log) and
                              '"event":"audit.seal"' in read(layout.audit_log), 30)
            if not sealed:
                raise AssertionError("no audit.seal record in %s" % layout.audit_log)
        finally:
            gateway.stop()

    def run_script(self, log=None):
        env = dict(os.environ, SEKISHO_AUDIT_LOG=log or self.layout.audit_log,
                   SEKISHO_AUDIT_SEAL_PUB=self.layout.seal_public_key,
                   PATH=os.path.dirname(os.path.abspath(SEKISHOCTL_BIN)) + os.pathsep + os.environ["PATH"])
        return subprocess.run([SCRIPT], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              timeout=120)

    def records_in(self, paths):
        return sum(len(read(p).splitlines()) for p in paths)

    def test_the_rotated_files_verify_as_one_chain(self):
        proc = self.run_script()
        self.assertEqual(proc.returncode, 0, proc.stdout)
        # Exactly the two rotated files: not the live file, not audit.log.ledger-seq.
        self.assertIn("OK: %d records" % self.records_in(self.rotated), proc.stdout)
        self.assertTrue(os.path.exists(self.layout.audit_log + ".ledger-seq"))

    def test_an_edited_record_fails_the_run_naming_it(self):
        copy = os.path.join(self.tmp, "edited")
        shutil.copytree(self.layout.logs, copy)
        target = os.path.join(copy, ROTATED[1])
        with open(target) as f:
            lines = f.read().splitlines(keepends=True)
        lines[1] = lines[1].replace('"event":"', '"event":"x', 1)
        with open(target, "w") as f:
            f.writelines(lines)
        proc = self.run_script(os.path.join(copy, "audit.log"))
        # The edited record's successor no longer chains to it: that is the line named.
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn("%s:3: record" % target, proc.stdout)
        self.assertIn("does not chain", proc.stdout)

    def test_files_older_than_the_window_are_left_alone(self):
        copy = os.path.join(self.tmp, "aged")
        shutil.copytree(self.layout.logs, copy)
        old = os.path.join(copy, ROTATED[0])
        with open(old, "a") as f:
            f.write("not a record\n")  # would fail if it were read
        three_days_ago = time.time() - 3 * 86400
        os.utime(old, (three_days_ago, three_days_ago))
        proc = self.run_script(os.path.join(copy, "audit.log"))
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("OK: %d records" % self.records_in([os.path.join(copy, ROTATED[1])]),
                      proc.stdout)

    def test_no_rotated_file_yet_is_not_a_failure(self):
        empty = os.path.join(self.tmp, "fresh")
        os.makedirs(empty, exist_ok=True)
        proc = self.run_script(os.path.join(empty, "audit.log"))
        self.assertEqual(proc.returncode, 0, proc.stdout)
        self.assertIn("nothing to check", proc.stdout)


if __name__ == "__main__":
    unittest.main()
