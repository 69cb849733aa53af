"""A throw-away PostgreSQL server on 127.0.0.1 for the registry tests: a cluster of its own in
a fresh temp folder, logins with SCRAM passwords over TCP like in production, removed again
afterwards. The system cluster and its systemd service are never touched.

PostgreSQL refuses to run as root, and CI runs as root: then initdb and pg_ctl run as an
unprivileged system user (PG_USER, created once) through runuser, and the temp folder belongs
to that user. Clients (psql, pg_isready) run as whoever we are: they only talk TCP.

Durability is off (fsync, full_page_writes, synchronous_commit, initdb --no-sync): a crash
of the machine loses nothing a test needs, and the tests get faster.

pg_ctl detaches the postmaster from our process tree, so a test process killed outright
(CTest's timeout sends SIGKILL to the process tree, atexit does not run) would leave it
running. Each server therefore has a watchdog outside that tree which waits for its owner to
go, however it goes, and then removes whatever is left.
"""
import atexit
import glob
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse

import ports

PG_USER = "sekisho-pgtest"  # runs the server programs when we are root
STARTUP_WAIT = 60.0
STOP_WAIT = 60
SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres", "psql", "pg_isready")


def pg_bindir():
    """The folder of initdb, pg_ctl and postgres: SEKISHO_PG_BINDIR, else pg_config's (when it
    holds the server: libpq-dev's pg_config may belong to a client-only version), else the
    newest Debian /usr/lib/postgresql/N/bin. Not PATH: Debian's /usr/bin/psql is a wrapper
    that looks for system clusters, and initdb is not on PATH at all."""
    if os.environ.get("SEKISHO_PG_BINDIR"):
        return os.environ["SEKISHO_PG_BINDIR"]
    candidates = []
    try:
        candidates.append(subprocess.run(["pg_config", "--bindir"], capture_output=True,
                                         text=True, check=True).stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        pass

    def version(path):
        match = re.search(r"/postgresql/(\d+)/bin$", path)
        return int(match.group(1)) if match else 0
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    for folder in candidates:
        if all(os.access(os.path.join(folder, p), os.X_OK) for p in SERVER_PROGRAMS):
            return folder
    raise AssertionError("no PostgreSQL server binaries found (looked in %s); install the "
                         "postgresql package (scripts/install-deps.sh) or set "
                         "SEKISHO_PG_BINDIR" % (candidates or "/usr/lib/postgresql/*/bin"))


def _clean_env(**extra):
    # PGPORT, PGSSLMODE, PGSERVICE... from the caller's shell would redirect our programs.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(extra)
    return env


def _ensure_system_user():
    """Creates PG_USER once. Parallel tests may race: "already exists" (9) is success and a
    locked /etc/passwd (10) is worth another try."""
    error = ""
    for _ in range(50):
        try:
            return pwd.getpwnam(PG_USER)
        except KeyError:
            pass
        proc = subprocess.run(["useradd", "-r", "-M", "-s", "/usr/sbin/nologin", PG_USER],
                              capture_output=True, text=True)
        if proc.returncode not in (0, 9):
            error = proc.stderr
            time.sleep(0.2)
    raise AssertionError("cannot create the system user %s: %s" % (PG_USER, error))


def _free_port():
    return ports.free_port()


def _ident(name):
    return '"%s"' % name.replace('"', '""')


def _literal(text):
    return "'%s'" % text.replace("'", "''")  # standard_conforming_strings is on


def _process_gone(pid):
    # A zombie counts as gone: whoever reaps orphans here may take its time.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def kill_postmaster(data_dir, wait=10.0):
    """Last resort when pg_ctl could not stop the server: SIGQUIT (immediate shutdown), then
    SIGKILL. The pid comes from postmaster.pid and must still be a process working in data_dir,
    so a recycled pid is left alone."""
    try:
        with open(os.path.join(data_dir, "postmaster.pid")) as f:
            pid = int(f.readline())
        if os.readlink("/proc/%d/cwd" % pid) != os.path.realpath(data_dir):
            return
    except (OSError, ValueError):
        return
    for sig in (signal.SIGQUIT, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while not _process_gone(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _process_gone(pid):
            return


class PostgresServer:
    """One cluster; `with PostgresServer() as pg:` or start()/stop(). The superuser is
    `postgres` with a random password; port, data_dir and log_path are set by start()."""

    def __init__(self, startup_timeout=STARTUP_WAIT):
        self.bindir = pg_bindir()
        self.password = secrets.token_hex(16)  # URL-safe as it is
        self.startup_timeout = startup_timeout
        self.user = PG_USER if os.geteuid() == 0 else None
        self.port = self.tmp = self.data_dir = self.socket_dir = self.log_path = None
        self._watchdog_pipe = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- lifetime ------------------------------------------------------------------------

    def start(self):
        """initdb into a new temp folder and start the server on a free port; everything is
        removed again when this fails half-way."""
        atexit.register(self.stop)
        try:
            self._init_cluster()
            self._start_watchdog()
            for attempt in range(3):
                # The free port may be taken by someone else before the server binds it.
                self.port = _free_port()
                offset = self._log_size()
                try:
                    self.start_server()
                    break
                except AssertionError:
                    if attempt == 2 or "already in use" not in self._log_text()[offset:]:
                        raise
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """Stops the server (fast: open sessions are cut) and removes the temp folder.
        Idempotent; safe after a failed start."""
        atexit.unregister(self.stop)
        if self.tmp is None:
            return
        error = None
        try:
            self.stop_server()
        except Exception as e:  # also a pg_ctl that hangs past its timeout
            error = e
            kill_postmaster(self.data_dir)
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = None
        if self._watchdog_pipe is not None:
            os.close(self._watchdog_pipe)  # the watchdog finds nothing left and exits
            self._watchdog_pipe = None
        if error:
            raise error

    def start_server(self):
        """Starts the cluster (again) on self.port and waits until it accepts TCP logins."""
        options = ("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off "
                   "-c full_page_writes=off -c synchronous_commit=off"
                   % (self.port, shlex.quote(self.socket_dir)))
        proc = self._server_program(["pg_ctl", "start", "-D", self.data_dir, "-l", self.log_path,
                                     "-w", "-t", str(int(self.startup_timeout)), "-o", options])
        if proc.returncode != 0:
            raise AssertionError("pg_ctl start failed (exit %d): %s\n%s" % (
                proc.returncode, proc.stderr.strip(), self.log_tail()))
        deadline = time.monotonic() + self.startup_timeout
        while True:
            probe = subprocess.run(
                [self._bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port),
                 "-U", "postgres", "-d", "postgres", "-t", "5"], env=_clean_env())
            if probe.returncode == 0:
                return
            if time.monotonic() >= deadline:
                raise AssertionError("PostgreSQL started but does not accept connections on "
                                     "127.0.0.1:%d after %ss\n%s" % (
                                         self.port, self.startup_timeout, self.log_tail()))
            time.sleep(0.1)

    def stop_server(self):
        """Stops the cluster but keeps its data, port and password (start_server() resumes)."""
        if self.data_dir is None or not os.path.exists(os.path.join(self.data_dir,
                                                                    "postmaster.pid")):
            return
        proc = self._server_program(["pg_ctl", "stop", "-D", self.data_dir, "-m", "fast",
                                     "-w", "-t", str(STOP_WAIT)])
        if proc.returncode != 0:
            raise AssertionError("pg_ctl stop failed (exit %d): %s\n%s" % (
                proc.returncode, proc.stderr.strip(), self.log_tail()))

    def enable_tls(self, cert_file, key_file):
        """Serves TLS from now on (clients choose: sslmode=require/verify-full, or disable).
        PostgreSQL insists that the key belongs to its user with mode 0600."""
        for source, name, mode in ((cert_file, "server.crt", 0o644),
                                   (key_file, "server.key", 0o600)):
            target = os.path.join(self.data_dir, name)
            shutil.copyfile(source, target)
            os.chmod(target, mode)
            self._give_to_server_user(target)
        with open(os.path.join(self.data_dir, "postgresql.conf"), "a") as f:
            f.write("\n# PostgresServer.enable_tls()\nssl = on\n"
                    "ssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n")
        self.stop_server()
        self.start_server()

    # --- clients -------------------------------------------------------------------------

    def url(self, role, password, database):
        quote = lambda text: urllib.parse.quote(text, safe="")  # noqa: E731
        return "postgresql://%s:%s@127.0.0.1:%d/%s" % (quote(role), quote(password), self.port,
                                                        quote(database))

    def superuser_url(self, database="postgres"):
        return self.url("postgres", self.password, database)

    def psql(self, sql, database="postgres", role=None, password=None):
        """Runs SQL (several statements allowed, each on its own: CREATE DATABASE works) as the
        superuser over TCP, or as role with its password; returns stdout, unaligned and
        without headers ("1\\n" for SELECT 1). Stops at the first error and raises with
        psql's stderr."""
        url = self.url(role, password, database) if role else self.superuser_url(database)
        proc = subprocess.run(
            [self._bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
             "-d", url, "-f", "-"],
            input=sql, capture_output=True, text=True, timeout=120,
            env=_clean_env(PGCONNECT_TIMEOUT="10"))
        if proc.returncode != 0:
            raise AssertionError("psql failed (exit %d) on database %s as %s:\n%s\nSQL:\n%s" % (
                proc.returncode, database, role or "postgres", proc.stderr.strip(), sql))
        return proc.stdout

    def create_database(self, name, owner_role, owner_password):
        """A LOGIN role with only a password (no superuser, no CREATEDB, no CREATEROLE: what
        the gateway gets in production) and a database it owns; returns the role's URL."""
        self.psql("CREATE ROLE %s LOGIN PASSWORD %s NOSUPERUSER NOCREATEDB NOCREATEROLE;\n"
                  "CREATE DATABASE %s OWNER %s;\n" % (
                      _ident(owner_role), _literal(owner_password), _ident(name),
                      _ident(owner_role)))
        return self.url(owner_role, owner_password, name)

    # --- logs ----------------------------------------------------------------------------

    def _log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", errors="replace")
        except (OSError, TypeError):
            return ""

    def _log_size(self):
        return len(self._log_text())

    def log_tail(self, lines=40):
        tail = self._log_text().splitlines()[-lines:]
        return "---- postgres log tail (%s) ----\n%s\n---- end of log ----" % (
            self.log_path, "\n".join(tail))

    # --- plumbing ------------------------------------------------------------------------

    def _bin(self, name):
        return os.path.join(self.bindir, name)

    def _server_program(self, args):
        """Runs initdb/pg_ctl as the server's user; stdout/stderr captured (pg_ctl sends the
        postmaster's own output to the log file, so the pipes close when pg_ctl exits)."""
        command = [self._bin(args[0])] + args[1:]
        if self.user:
            command = ["runuser", "-u", self.user, "--"] + command
        # cwd: the server user may not enter ours (e.g. /root).
        return subprocess.run(command, capture_output=True, text=True, cwd=self.tmp,
                              env=_clean_env(), timeout=self.startup_timeout + STOP_WAIT)

    def _give_to_server_user(self, path):
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def _init_cluster(self):
        if self.user:
            _ensure_system_user()
        self.tmp = tempfile.mkdtemp(prefix="sekisho-pg-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.socket_dir = os.path.join(self.tmp, "socket")  # private: no clash with the system's
        self.log_path = os.path.join(self.tmp, "postgres.log")
        pwfile = os.path.join(self.tmp, "superuser-password")
        os.mkdir(self.socket_dir, 0o700)
        with open(pwfile, "w") as f:
            f.write(self.password + "\n")
        for path in (self.tmp, self.socket_dir, pwfile):
            self._give_to_server_user(path)
        proc = self._server_program([
            "initdb", "-D", self.data_dir, "-U", "postgres", "--pwfile", pwfile,
            "--auth-local=trust", "--auth-host=scram-sha-256", "--locale=C", "-E", "UTF8",
            "--no-sync"])
        os.remove(pwfile)
        if proc.returncode != 0:
            hint = ("\n(%s must be able to enter %s: every folder above it must be "
                    "traversable by others; TMPDIR=/tmp is)" % (self.user, self.tmp)
                    ) if self.user else ""
            raise AssertionError("initdb failed (exit %d):\n%s%s" % (
                proc.returncode, (proc.stdout + proc.stderr).strip(), hint))

    def _start_watchdog(self):
        read_end, self._watchdog_pipe = os.pipe()  # both non-inheritable: no child holds ours
        try:
            subprocess.run([sys.executable, os.path.abspath(__file__), "--watchdog", self.tmp],
                           stdin=read_end, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True, cwd="/", check=True, timeout=30)
        finally:
            os.close(read_end)


def _watchdog(tmp):
    """Forks away (the parent returns at once, so the grandchild hangs off init, outside the
    test's process tree and session), then blocks on stdin: EOF means every holder of the
    pipe's write end is gone, i.e. the owner stopped the server or died. Then it removes what
    a dead owner left behind (after a normal stop, tmp is already gone)."""
    if os.fork():
        os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    while os.read(0, 512):
        pass
    if os.path.isdir(tmp):
        kill_postmaster(os.path.join(tmp, "data"))
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__" and sys.argv[1:2] == ["--watchdog"]:
    _watchdog(sys.argv[2])
