"""The gateway under test as a process: `sekisho --config FILE` in the foreground with
stderr in a log file, readiness via the admin /healthz, log matching, /metrics parsing."""
import http.client
import os
import re
import signal
import socket
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SEKISHO_BIN = os.environ.get("SEKISHO_BIN") or os.path.join(REPO, "build/gateway/sekisho")
SEKISHOCTL_BIN = os.environ.get("SEKISHOCTL_BIN") or os.path.join(REPO, "build/ctl/sekishoctl")
DEFAULT_WAIT = 20.0
STARTUP_WAIT = 60.0  # sanitizer builds start slowly
REFUSAL_REASONS = ("no_certificate", "unknown_ca", "expired", "revoked", "wrong_key_usage",
                   "protocol", "cipher", "no_extended_master_secret", "other")


def wait_for(predicate, timeout=DEFAULT_WAIT, interval=0.1):
    """Polls predicate() until it returns a truthy value (returned) or timeout (→ None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval)


def require_binaries():
    for path in (SEKISHO_BIN, SEKISHOCTL_BIN):
        if not os.access(path, os.X_OK):
            raise AssertionError("binary not found or not executable: %s (set SEKISHO_BIN / "
                                 "SEKISHOCTL_BIN or build the project first)" % path)


class Gateway:
    """`sekisho --config FILE` in the foreground, stderr captured in a log file."""

    def __init__(self, config_path, listen_port, admin_port, workdir, env=None):
        self.config_path = config_path
        self.port = listen_port
        self.admin_port = admin_port
        self.log_path = os.path.join(workdir, "sekisho-%d.log" % listen_port)
        self.env = dict(os.environ, **(env or {}))
        self.proc = None

    def start(self, wait=True):
        require_binaries()
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([SEKISHO_BIN, "--config", self.config_path],
                                     stdout=self._log, stderr=self._log, env=self.env,
                                     stdin=subprocess.DEVNULL)
        if wait:
            self.wait_ready()
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def healthy(self):
        try:
            status, body = admin_get(self.admin_port, "/healthz", timeout=5)
            return status == 200 and body.strip() == b"ok"
        except OSError:
            return False

    def wait_ready(self, timeout=STARTUP_WAIT):
        def ready():
            if not self.running():
                raise AssertionError("sekisho exited with %s during startup.\n%s" % (
                    self.proc.returncode, self.log_tail()))
            return self.healthy() and port_listening(self.port)
        if not wait_for(ready, timeout, 0.2):
            raise AssertionError("sekisho not ready after %ss (GET /healthz on admin port %d)"
                                 "\n%s" % (timeout, self.admin_port, self.log_tail()))

    def signal(self, sig):
        self.proc.send_signal(sig)

    def wait_exit(self, timeout=60):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        if self.proc is None or self._log.closed:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            if self.wait_exit(30) is None:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()
        self.proc_returncode = self.proc.returncode
        # Under the ASan/UBSan build a memory error or leak anywhere in the run fails the
        # test class, even when every response looked right.
        text = self.log_text()
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            if marker in text:
                raise AssertionError("sanitizer report in the gateway log:\n" + self.log_tail(200))
        if self.proc_returncode != 0:
            raise AssertionError("the gateway exited with %s after SIGTERM\n%s"
                                 % (self.proc_returncode, self.log_tail()))

    # logs
    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_offset(self):
        return len(self.log_text())

    def log_tail(self, lines=60):
        tail = self.log_text().splitlines()[-lines:]
        return "---- sekisho log tail (%s) ----\n%s\n---- end of log ----" % (
            self.log_path, "\n".join(tail))

    def wait_for_log(self, pattern, since=0, timeout=DEFAULT_WAIT):
        """First regex match in the log after offset `since`, or AssertionError."""
        regex = re.compile(pattern)
        found = wait_for(lambda: regex.search(self.log_text()[since:]), timeout, 0.1)
        if not found:
            raise AssertionError("no log line matching %r within %ss\n%s" % (
                pattern, timeout, self.log_tail()))
        return found.group(0)

    # metrics
    def metrics(self):
        status, body = admin_get(self.admin_port, "/metrics")
        if status != 200:
            raise AssertionError("GET /metrics → %d\n%s" % (status, self.log_tail()))
        return parse_metrics(body.decode())

    def metric(self, name, **labels):
        return metric_value(self.metrics(), name, **labels)

    def wait_metric_at_least(self, minimum, name, **labels):
        """Waits until the counter reaches minimum; returns its value or fails clearly."""
        value = wait_for(lambda: (self.metric(name, **labels) or 0) >= minimum and
                         self.metric(name, **labels), DEFAULT_WAIT, 0.2)
        if not value:
            raise AssertionError("%s%s stayed at %r, expected ≥ %r\n%s" % (
                name, labels, self.metric(name, **labels), minimum, self.log_tail()))
        return value

    def url(self, path="/", host="localhost"):
        return "https://%s:%d%s" % (host, self.port, path)


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def port_listening(port):
    """True when some socket LISTENs on the TCP port, checked in /proc without connecting
    (a probe connection would show up as a refused handshake in the gateway's counters)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":
                return True
    return False


def admin_get(port, path, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


_METRIC_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """Prometheus text → list of (name, {label: value}, float)."""
    samples = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _METRIC_LINE.match(line)
        if match:
            labels = dict(_LABEL.findall(match.group(3) or ""))
            samples.append((match.group(1), labels, float(match.group(4))))
    return samples


def metric_value(samples, name, **labels):
    """Value of the sample with exactly these labels (extra labels allowed), or None."""
    for sample_name, sample_labels, value in samples:
        if sample_name == name and all(sample_labels.get(k) == v for k, v in labels.items()):
            return value
    return None


