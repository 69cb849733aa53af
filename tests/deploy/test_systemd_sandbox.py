"""The gateway lives within what deploy/systemd/sekisho.service allows it. Its system calls
are watched with strace over a run that does a little of everything (the configuration
check of ExecStartPre, start-up with registry, enrollment and a sealed audit trail, admin
pages, a login that fails and one that succeeds, a proxied request, the CRL, a reload, the
drain), as the unprivileged user the unit runs it as, and compared with the unit:

* every system call is in the allow list SystemCallFilter= builds (a call outside it would
  fail with EPERM in production: the Argon2id pool without SCHED_IDLE, a clock reported
  unsynchronised, RLIMIT_NOFILE not raised);
* every socket is of a family RestrictAddressFamilies= allows;
* no memory is mapped writable and executable (MemoryDenyWriteExecute=);
* of /proc it reads only its own entries (ProtectProc=invisible, ProcSubset=pid);
* it writes only into the state and log folders (ProtectSystem=strict with
  StateDirectory= and LogsDirectory=; also what a read-only container root needs).

What strace cannot see here is systemd's own setup (namespaces, mounts): that is
test_systemd_units' verify and security analysis."""
import os
import pwd
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import unittest

from deploy_paths import deploy_file, sanitized
from deployed_gateway import DeployedLayout
from gateway_process import SEKISHO_BIN, STARTUP_WAIT, admin_get, port_listening, wait_for
import unit_files

UNIT = deploy_file("systemd", "sekisho.service")
SYSCALL = re.compile(r"^(\d+)\s+(?:<\.\.\. )?([a-z0-9_]+)(\(| resumed>)")
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
PATH_CALLS = re.compile(r'^\d+\s+(openat|open|creat|rename|renameat2?|unlink|unlinkat|mkdir|mkdirat|rmdir|'
                        r'link|linkat|symlink|symlinkat|truncate|chmod|fchmodat|chown|fchownat|utimensat)\((.*)$')
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


class Trace:
    """An `strace -f -o FILE` log, from the execve of the gateway on."""

    def __init__(self, path, binary):
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
        start = next((i for i, l in enumerate(lines) if " execve(" in l and binary in l), None)
        if start is None:
            raise AssertionError("no execve of %s in %s" % (binary, path))
        self.lines = lines[start:]

    def syscalls(self):
        return {m.group(2) for m in map(SYSCALL.match, self.lines) if m}

    def socket_families(self):
        return set(re.findall(r"\bsocket(?:pair)?\((AF_[A-Z0-9]+)", "\n".join(self.lines)))

    def writable_executable_mappings(self):
        return [l for l in self.lines if re.search(r"\b(mmap|mprotect|pkey_mprotect)\(", l)
                and "PROT_WRITE" in l and "PROT_EXEC" in l]

    def written_paths(self):
        """Paths a call created, changed or removed (opening for writing counts)."""
        paths = []
        for line in self.lines:
            m = PATH_CALLS.match(line)
            if not m:
                continue
            call, args = m.group(1), m.group(2)
            names = STRING.findall(args)
            if call in ("openat", "open"):
                if not any(flag in args for flag in WRITE_FLAGS):
                    continue
                names = names[:1]
            paths.extend(names)
        return paths

    def proc_paths(self):
        return [p for l in self.lines if re.match(r"^\d+\s+(openat|open|newfstatat|statx|readlink|readlinkat)\(", l)
                for p in STRING.findall(l) if p.startswith("/proc")]

    def pids(self):
        return {m.group(1) for m in map(SYSCALL.match, self.lines) if m}


@unittest.skipUnless(shutil.which("strace"), "strace is not installed")
class SandboxFitTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if sanitized(SEKISHO_BIN):
            raise unittest.SkipTest("an ASan/UBSan build makes the sanitizers' own system calls; the unit runs "
                                    "a build without them")
        cls.tmp = tempfile.mkdtemp(prefix="sekisho-sandbox-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        os.chmod(cls.tmp, 0o755)
        cls.layout = DeployedLayout(os.path.join(cls.tmp, "srv"))
        cls.addClassCleanup(cls.layout.stop)
        # As root, run it as the unit does: an unprivileged user of its own (here nobody).
        cls.as_user = []
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            cls.layout.chown_all(nobody.pw_uid, nobody.pw_gid)
            cls.as_user = ["-u", "nobody"]
        cls.check_trace = os.path.join(cls.tmp, "check.trace")
        cls.run_trace = os.path.join(cls.tmp, "run.trace")
        cls.check_output = cls.traced_check()
        cls.log = cls.traced_run()

    @classmethod
    def strace(cls, trace):
        return ["strace", "-f", "-qq", "-e", "signal=none", "-o", trace] + cls.as_user + [SEKISHO_BIN, "--config", cls.layout.config_path]

    @classmethod
    def traced_check(cls):
        proc = subprocess.run(cls.strace(cls.check_trace) + ["--check"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=300)
        if proc.returncode != 0:
            raise AssertionError("sekisho --check under strace failed:\n" + proc.stdout)
        return proc.stdout

    @classmethod
    def traced_run(cls):
        layout = cls.layout
        log_path = os.path.join(cls.tmp, "sekisho.log")
        log = open(log_path, "wb")
        # A soft limit under the hard one, as a fresh login has: the gateway raises it.
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        proc = subprocess.Popen(cls.strace(cls.run_trace), stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard)))

        def text():
            with open(log_path, errors="replace") as f:
                return f.read()

        def healthy():
            if proc.poll() is not None:
                raise AssertionError("sekisho exited under strace:\n" + text())
            try:
                return admin_get(layout.admin_port, "/healthz")[0] == 200 and port_listening(layout.listen_port)
            except OSError:
                return False

        try:
            if not wait_for(healthy, STARTUP_WAIT, 0.2):
                raise AssertionError("sekisho not ready under strace:\n" + text())
            for page in ("/readyz", "/metrics", "/dashboard", "/_sekisho/jwks.json"):
                status, _ = admin_get(layout.admin_port, page)
                assert status == 200, "admin %s → %d\n%s" % (page, status, text())
            jar = os.path.join(cls.tmp, "jar")
            assert layout.login(jar, password="not-the-password").status == 401, text()
            assert layout.login(jar).status == 200, text()
            assert layout.terminal_curl("/ward", cookie_jar=jar).status == 200, text()
            assert layout.enrollment_get("/crl/device-ca.crl").status == 200, text()
            # Signals go to the gateway itself: strace, its parent, keeps them for itself.
            os.kill(cls.gateway_pid(proc), signal.SIGHUP)
            assert wait_for(lambda: "config.reloaded" in text(), 30), text()
        finally:
            os.kill(cls.gateway_pid(proc), signal.SIGTERM)
            proc.wait(60)
            log.close()
        return text()

    @staticmethod
    def gateway_pid(strace):
        """The traced gateway: strace's one child."""
        def child():
            try:
                with open("/proc/%d/task/%d/children" % (strace.pid, strace.pid)) as f:
                    return f.read().split()
            except OSError:
                return None
        children = wait_for(child, 10)
        if not children or len(children) != 1:
            raise AssertionError("strace (pid %d) has no single child: %r" % (strace.pid, children))
        return int(children[0])

    def traces(self):
        return {"sekisho --check": Trace(self.check_trace, SEKISHO_BIN),
                "sekisho": Trace(self.run_trace, SEKISHO_BIN)}

    def test_it_ran_and_stopped_cleanly(self):
        self.assertIn("login.succeeded", self.log)
        self.assertIn("shutdown", self.log)

    def test_the_run_made_the_calls_the_filter_was_widened_for(self):
        trace = self.traces()["sekisho"]
        self.assertLessEqual({"clock_adjtime", "setpriority", "sched_setscheduler"}, trace.syscalls())
        self.assertTrue(any(re.search(r"prlimit64\(0, RLIMIT_NOFILE, \{", l) for l in trace.lines),
                        "the gateway did not raise RLIMIT_NOFILE")

    def test_every_system_call_is_in_the_units_allow_list(self):
        allowed = unit_files.allowed_syscalls(UNIT)
        self.assertIsNotNone(allowed, "the unit has no SystemCallFilter=")
        for name, trace in self.traces().items():
            with self.subTest(process=name):
                used = trace.syscalls()
                self.assertEqual(sorted(used - allowed), [], "%s makes system calls the unit refuses" % name)

    def test_every_socket_is_of_an_allowed_family(self):
        families = unit_files.address_families(UNIT)
        for name, trace in self.traces().items():
            with self.subTest(process=name):
                self.assertEqual(sorted(trace.socket_families() - families), [])

    def test_no_memory_is_writable_and_executable(self):
        for name, trace in self.traces().items():
            with self.subTest(process=name):
                self.assertEqual(trace.writable_executable_mappings(), [])

    def test_of_proc_it_reads_only_its_own_entries(self):
        for name, trace in self.traces().items():
            with self.subTest(process=name):
                own = re.compile(r"^/proc/(self|thread-self|%s)(/|$)" % "|".join(sorted(trace.pids())))
                self.assertEqual([p for p in trace.proc_paths() if not own.match(p)], [])

    def test_it_writes_only_into_the_state_and_log_folders(self):
        writable = (self.layout.state + os.sep, self.layout.logs + os.sep)
        for name, trace in self.traces().items():
            with self.subTest(process=name):
                written = trace.written_paths()
                if name == "sekisho":
                    self.assertTrue(any(p.startswith(self.layout.logs) for p in written), "no audit write seen")
                self.assertEqual(sorted({p for p in written if not p.startswith(writable)}), [])


if __name__ == "__main__":
    unittest.main()
