"""deploy/systemd/ as systemd reads it: `systemd-analyze verify` finds no error or warning
in any unit, and `systemd-analyze security --offline=yes` scores each service at or under
its threshold, with every exposure it still reports named and argued below. A directive
dropped or misspelled shows up as a new exposure and fails the test by its name."""
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from deploy_paths import deploy_file
from gateway_process import SEKISHO_BIN, SEKISHOCTL_BIN, require_binaries
import unit_files

UNITS_DIR = deploy_file("systemd")
# Where the units expect the files installed → where a build and this tree hold them.
INSTALLED = {
    "/usr/local/bin/sekisho": SEKISHO_BIN,
    "/usr/local/bin/sekishoctl": SEKISHOCTL_BIN,
    "/usr/local/libexec/sekisho-audit-verify": deploy_file("systemd", "sekisho-audit-verify"),
}

# Exposure (systemd-analyze's scale, 0 to 10) each service may reach, and the checks it
# knowingly fails, with why. Anything else it fails is a regression.
THRESHOLDS = {
    "sekisho.service": (2.0, {
        "PrivateNetwork=": "terminals, backends and the registry are on the network",
        "RestrictAddressFamilies=~AF_(INET|INET6)": "idem",
        "IPAddressDeny=": "terminals come from every hospital's network; a drop-in may narrow it",
        "RestrictAddressFamilies=~AF_UNIX": "a PostgreSQL socket, pcscd for smart-card HSMs, nss-resolve",
        "AmbientCapabilities=": "CAP_NET_BIND_SERVICE: port 443 without root",
        "CapabilityBoundingSet=~CAP_NET_(BIND_SERVICE|BROADCAST|RAW)": "idem",
        "PrivateUsers=": "in a user namespace CAP_NET_BIND_SERVICE no longer opens port 443",
        "ProtectClock=": "its filter refuses reading the clock's sync state (adjtimex, modes=0)",
        "SystemCallFilter=~@clock": "adjtimex/clock_adjtime read the sync state; CAP_SYS_TIME is dropped",
        "SystemCallFilter=~@privileged": "idem: @clock is part of @privileged",
        "SystemCallFilter=~@resources": "setrlimit (RLIMIT_NOFILE), setpriority and SCHED_IDLE for its pools",
        "UMask=": "0027: the sekisho group (auditors) may read the audit trail",
        "RootDirectory=/RootImage=": "a package on the host's own root, not an image",
    }),
    "sekisho-audit-purge.service": (0.5, {
        "RootDirectory=/RootImage=": "runs the host's sekishoctl",
        "UMask=": "0027: the retention register it writes is read by auditors (the sekisho group) like the trail",
        "DeviceAllow=": "ProtectClock= itself adds char-rtc:r",
    }),
    "sekisho-audit-verify.service": (0.5, {
        "RootDirectory=/RootImage=": "runs the host's sekishoctl",
        "DeviceAllow=": "ProtectClock= itself adds char-rtc:r",
    }),
    "sekisho-backup.service": (0.5, {
        "RootDirectory=/RootImage=": "runs the host's sekishoctl",
        "DeviceAllow=": "ProtectClock= itself adds char-rtc:r",
    }),
}


def installed_copy(unit, into):
    """The unit with the installed paths pointing at this tree's files; systemd-analyze
    verify wants every ExecStart= binary to exist."""
    with open(os.path.join(UNITS_DIR, unit)) as f:
        text = f.read()
    for installed, here in sorted(INSTALLED.items(), key=lambda kv: -len(kv[0])):
        text = re.sub(re.escape(installed) + r"(?=\s|$)", lambda _: here, text)
    path = os.path.join(into, unit)
    with open(path, "w") as f:
        f.write(text)
    return path


@unittest.skipUnless(shutil.which("systemd-analyze"), "systemd-analyze is not installed (package systemd)")
class SystemdUnitsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        require_binaries()
        cls.units = sorted(n for n in os.listdir(UNITS_DIR) if n.endswith((".service", ".timer")))
        cls.tmp = tempfile.mkdtemp(prefix="sekisho-units-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)

    def analyze(self, *args, unit_dir=None):
        return subprocess.run(["systemd-analyze"] + list(args), cwd=unit_dir or self.tmp,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)

    def test_the_expected_units_are_there(self):
        self.assertEqual(self.units, ["sekisho-audit-purge.service", "sekisho-audit-purge.timer",
                                      "sekisho-audit-verify.service", "sekisho-audit-verify.timer",
                                      "sekisho-backup.service", "sekisho-backup.timer", "sekisho.service"])

    def test_every_unit_verifies_without_a_word(self):
        into = os.path.join(self.tmp, "installed")
        os.makedirs(into, exist_ok=True)
        paths = [installed_copy(u, into) for u in self.units]
        for path in paths:
            for command in unit_files.exec_paths(path):
                self.assertTrue(os.access(command, os.X_OK), "%s: %s is not executable" % (path, command))
        proc = self.analyze("verify", *paths)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr.strip(), "", "systemd-analyze verify complained")

    def test_each_service_is_within_its_exposure_threshold(self):
        for unit, (threshold, accepted) in THRESHOLDS.items():
            with self.subTest(unit=unit):
                shutil.copy(os.path.join(UNITS_DIR, unit), self.tmp)
                text = self.analyze("security", "--offline=yes", unit)
                score = re.search(r"Overall exposure level for \S+: ([0-9.]+) (\w+)", text.stdout)
                self.assertIsNotNone(score, text.stdout + text.stderr)
                # The command's own threshold is in tenths; its exit status is the verdict.
                gate = self.analyze("security", "--offline=yes", "--threshold=%d" % round(threshold * 10), unit)
                self.assertEqual(gate.returncode, 0, "%s: exposure %s %s is over %.1f\n%s" % (
                    unit, score.group(1), score.group(2), threshold, text.stdout))
                checks = json.loads(self.analyze("security", "--offline=yes", "--json=short", unit).stdout)
                failing = {c["name"]: c["description"] for c in checks
                           if not c["set"] and c["exposure"] not in (None, "0.0")}
                unexplained = {n: d for n, d in failing.items() if n not in accepted}
                self.assertEqual(unexplained, {}, "%s: new exposures (harden, or argue them in THRESHOLDS)" % unit)

    def test_the_timers_run_their_services_daily_in_japan_time(self):
        # The audit log rotates at midnight JST; purges and backups run in the hospitals' night.
        for name in ("sekisho-audit-verify.timer", "sekisho-audit-purge.timer", "sekisho-backup.timer"):
            with self.subTest(timer=name):
                timer = os.path.join(UNITS_DIR, name)
                calendar = unit_files.values(timer, "OnCalendar", section="Timer")
                self.assertEqual(len(calendar), 1)
                self.assertTrue(calendar[0].startswith("*-*-* ") and calendar[0].endswith("Asia/Tokyo"), calendar)
                self.assertEqual(unit_files.values(timer, "Persistent", section="Timer"), ["true"])
                proc = self.analyze("calendar", calendar[0])
                self.assertEqual(proc.returncode, 0, proc.stderr)

    def test_the_backup_service_keeps_ten_generations_and_seals_its_keys(self):
        service = os.path.join(UNITS_DIR, "sekisho-backup.service")
        command = unit_files.values(service, "ExecStart")[0].split()
        self.assertEqual(command[:3], ["/usr/local/bin/sekishoctl", "backup", "create"])
        self.assertEqual(command[command.index("--keep") + 1], "10", "seed 000: 10 generations")
        self.assertEqual(command[command.index("--passphrase-file") + 1], "%d/backup-passphrase")
        self.assertEqual(unit_files.values(service, "LoadCredential"),
                         ["backup-passphrase:/etc/sekisho/backup.passphrase"])
        self.assertEqual(command[command.index("--out") + 1],
                         "/var/lib/" + unit_files.values(service, "StateDirectory")[0])

    def test_the_backup_command_of_the_unit_makes_a_generation_that_verifies(self):
        from harness import Demo, free_port  # the integration tests' demo installation
        work = tempfile.mkdtemp(prefix="backup-unit-", dir=self.tmp)
        demo = Demo(os.path.join(work, "etc"), free_port(), "http://127.0.0.1:9")
        credentials = os.path.join(work, "credentials")
        os.makedirs(credentials)
        passphrase = os.path.join(credentials, "backup-passphrase")
        with open(passphrase, "w") as f:
            f.write("a night's passphrase\n")
        os.chmod(passphrase, 0o400)  # as LoadCredential= hands it over
        service = installed_copy("sekisho-backup.service", work)
        command = unit_files.values(service, "ExecStart")[0]
        out_dir = os.path.join(work, "backups")
        command = (command.replace("%d", credentials).replace("/etc/sekisho/sekisho.yaml", demo.config_path)
                   .replace("/var/lib/sekisho-backup", out_dir))
        proc = subprocess.run(command.split(), capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        generations = os.listdir(out_dir)
        self.assertEqual(len(generations), 1)
        check = subprocess.run([SEKISHOCTL_BIN, "backup", "verify", os.path.join(out_dir, generations[0]),
                                "--passphrase-file", passphrase], capture_output=True, text=True, timeout=300)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        self.assertIn("every sealed file opens", check.stdout)


if __name__ == "__main__":
    unittest.main()
