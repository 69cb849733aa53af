"""A throw-away redis-server on loopback for the tests: no persistence, a data folder of its
own, optionally an ACL user with a password and TLS. The server dies with the process that
started it (PR_SET_PDEATHSIG), so a test killed by a CTest timeout leaves nothing running.
"""
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import ports

PR_SET_PDEATHSIG = 1


def _die_with_parent():
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _free_port():
    return ports.free_port()


class RedisServer:
    def __init__(self, user=None, password=None, tls=None):
        """tls: None, or a dict with cert, key and ca file paths (the server's side)."""
        self.user = user
        self.password = password
        self.tls = tls
        self.port = _free_port()
        self.tmp = tempfile.mkdtemp(prefix="sekisho-redis-")
        self.proc = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _config(self):
        lines = ["bind 127.0.0.1", "save \"\"", "appendonly no", "dir %s" % self.tmp,
                 "logfile %s" % os.path.join(self.tmp, "redis.log"), "protected-mode yes"]
        if self.tls:
            lines += ["port 0", "tls-port %d" % self.port, "tls-cert-file %s" % self.tls["cert"],
                      "tls-key-file %s" % self.tls["key"], "tls-ca-cert-file %s" % self.tls["ca"],
                      "tls-auth-clients no"]
        else:
            lines += ["port %d" % self.port]
        if self.user:
            lines += ["user default off", "user %s on >%s ~* &* +@all" % (self.user, self.password)]
        elif self.password:
            lines += ["requirepass %s" % self.password]
        path = os.path.join(self.tmp, "redis.conf")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def start(self):
        assert shutil.which("redis-server"), "redis-server is not installed (scripts/install-deps.sh)"
        self.proc = subprocess.Popen(["redis-server", self._config()], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError("redis-server exited: %s" % self.log_tail())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not listen on %d: %s" % (self.port, self.log_tail()))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def pause(self):
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        self.proc.send_signal(signal.SIGCONT)

    def cli(self, *args):
        cmd = ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "--no-auth-warning"]
        if self.tls:
            cmd += ["--tls", "--cacert", self.tls["ca"]]
        if self.user:
            cmd += ["--user", self.user, "--pass", self.password]
        elif self.password:
            cmd += ["-a", self.password]
        return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=10).stdout

    def log_tail(self, lines=20):
        try:
            with open(os.path.join(self.tmp, "redis.log")) as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return "(no log)"
