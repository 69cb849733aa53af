"""Gateways sharing one registry on a real, throw-away PostgreSQL, set up the way we tell
operators to: the database's owner runs `sekishoctl store migrate --grant ROLE`, and the
gateways connect as that less-privileged ROLE (no UPDATE or DELETE on the ledger).

A test class gets, in setUpClass: a PostgreSQL server of its own (PostgresServer), the demo
PKI, an echo backend, the gateway role, one migrated registry database and the gateways of
GATEWAYS (each with its own ports, enrollment listener and CRL file, all on that database).
More databases for a test: create_registry_database(). Everything is stopped and removed by
class cleanups, also when setUpClass fails half-way (gateways before the server).
"""
import json
import os
import secrets
import shutil
import subprocess
import tempfile
import time

from enrollment_env import EnrollmentTestCase
from harness import (SEKISHOCTL_BIN, EchoServer, Gateway, curl, enrollment_section, free_port,
                     route, write_yaml)
from postgres_server import PostgresServer

SETTLE = 20  # generous upper bound for "at once" (registry changes reach a gateway in < 1 s)
REVOCATION_BOUND = 1.5  # seconds: the promise is "within 1 s", with room for a busy machine
PASSWORD = "Kq7#tram-Vy2"  # a user's password that the policy accepts
FACILITY = "demo-clinic"


def secret_file(directory, name, text):
    """A file holding only text, readable by its owner only (as a password_file must be)."""
    path = os.path.join(directory, name)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text + "\n")
    return path


class RegistryDatabase:
    """One database on the server, owned by a role of its own (what the operator migrates
    with); registry() gives the `registry:` block for the owner or the gateway role."""

    def __init__(self, pg, name, workdir):
        self.pg, self.name = pg, name
        self.owner = name + "_owner"
        self.owner_password = secrets.token_hex(16)
        pg.create_database(name, self.owner, self.owner_password)
        self.owner_password_file = secret_file(workdir, self.owner + ".password",
                                               self.owner_password)

    def url(self, role):
        """The URL as the config names it: the role, never its password."""
        return "postgresql://%s@127.0.0.1:%d/%s" % (role, self.pg.port, self.name)

    def registry(self, role, password_file, **extra):
        block = {"postgresql": {"url": self.url(role), "password_file": password_file,
                                "sslmode": "disable"}}
        block.update(extra)
        return block

    def psql(self, sql, role=None, password=None):
        return self.pg.psql(sql, database=self.name, role=role, password=password)


class PostgresGatewaysTestCase(EnrollmentTestCase):
    """See the module docstring. gateways["a"] is also cls.gateway (the base class's helpers
    and log_tail) and cls.config_path is A's config (sekishoctl and tickets go through A)."""

    GATEWAYS = ("a", "b")
    REGISTRY_EXTRA = {}  # more keys of the gateways' registry: block, e.g. max_staleness
    # Lockout is what the tests count: no delay per failure, no per-terminal spraying limit.
    AUTH = {"failure_delay": "0s", "spraying": {"per_terminal": 1000, "per_source": 1000}}
    enrollment_extra = {"device_validity": "30d"}

    @classmethod
    def setUpClass(cls):
        cls.pg = PostgresServer()
        cls.addClassCleanup(cls.pg.stop)
        cls.pg.start()
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        cls.upstream = "http://127.0.0.1:%d" % cls.echo.port
        demo = cls.make_demo(cls.upstream)
        cls.secrets = os.path.join(cls.tmp, "secrets")
        os.mkdir(cls.secrets, 0o700)
        cls.work = os.path.join(cls.tmp, "terminal")
        os.makedirs(cls.work)
        cls.device_ca = demo.device_ca(os.path.join(cls.tmp, "device-ca-db"))
        cls.create_gateway_role()
        cls.gateways = {}
        if not cls.GATEWAYS:
            return  # the tests make their own databases and gateways
        cls.db = cls.create_registry_database("registry")
        for i, name in enumerate(cls.GATEWAYS):
            ports = (cls.listen_port, cls.admin_port) if i == 0 else (free_port(), free_port())
            cls.gateways[name] = cls.start_pg_gateway(name, cls.db, *ports)
        cls.gateway = cls.gateways[cls.GATEWAYS[0]]
        cls.enroll_port = cls.gateway.enroll_port
        cls.config_path = cls.gateway.config_path

    # --- PostgreSQL --------------------------------------------------------------------------

    @classmethod
    def create_gateway_role(cls):
        """The role every gateway connects as: it may log in and nothing more until a
        migration grants it the registry's tables."""
        cls.gateway_role = "sekisho_gateway"
        cls.gateway_password = secrets.token_hex(16)
        cls.pg.psql("CREATE ROLE %s LOGIN PASSWORD '%s' NOSUPERUSER NOCREATEDB NOCREATEROLE;"
                    % (cls.gateway_role, cls.gateway_password))
        cls.gateway_password_file = secret_file(cls.secrets, "gateway.password",
                                                cls.gateway_password)

    @classmethod
    def create_registry_database(cls, name, migrate=True):
        """A new database; migrate=True: its owner migrates it with --grant (the gateway role)."""
        db = RegistryDatabase(cls.pg, name, cls.secrets)
        db.owner_config = cls.write_config(os.path.join(cls.tmp, name + "-owner.yaml"),
                                           db.registry(db.owner, db.owner_password_file),
                                           free_port(), free_port())
        if migrate:
            out = cls.ctl("store", "migrate", "--grant", cls.gateway_role, "--json",
                          config=db.owner_config)
            db.migration = json.loads(out.stdout)
        return db

    # --- gateways ----------------------------------------------------------------------------

    @classmethod
    def routes(cls):
        return [route("open", cls.upstream, path_prefix="/open/", login=False),
                route("ward", cls.upstream)]

    @classmethod
    def registry_extra(cls, name):
        """More keys of gateway NAME's registry: block (e.g. max_staleness)."""
        return cls.REGISTRY_EXTRA

    @classmethod
    def write_config(cls, path, registry, listen_port, admin_port, **sections):
        config = cls.demo.config(listen_port, admin_port, cls.routes(), registry=registry,
                                 auth=cls.AUTH, **sections)
        return write_yaml(path, config)

    @classmethod
    def pg_gateway(cls, name, db, listen_port=None, admin_port=None):
        """Gateway NAME (not started) on db as the gateway role, with an enrollment listener;
        its own folder (log, config, CRL file: each instance publishes the CRL it serves)."""
        listen_port, admin_port = listen_port or free_port(), admin_port or free_port()
        folder = os.path.join(cls.tmp, "gateway-" + name)
        os.makedirs(folder)
        crl = shutil.copy(cls.demo.path("device-ca.crl"), os.path.join(folder, "device-ca.crl"))
        enroll_port = free_port()
        enrollment = enrollment_section(cls.demo, enroll_port, **cls.enrollment_extra)
        enrollment["ca"] = dict(enrollment["ca"], crl=crl)
        registry = db.registry(cls.gateway_role, cls.gateway_password_file,
                               **cls.registry_extra(name))
        path = cls.write_config(os.path.join(folder, "sekisho.yaml"), registry, listen_port,
                                admin_port, enrollment=enrollment,
                                tls={"crl": [crl, cls.demo.path("root-ca.crl")]})
        gateway = Gateway(path, listen_port, admin_port, folder)
        gateway.name, gateway.enroll_port = name, enroll_port
        return gateway

    @classmethod
    def start_pg_gateway(cls, name, db, listen_port=None, admin_port=None):
        """pg_gateway(), started and ready; stopped by a class cleanup."""
        gateway = cls.pg_gateway(name, db, listen_port, admin_port)
        cls.addClassCleanup(gateway.stop)
        cls.gateways[name] = gateway
        gateway.start()
        return gateway

    def log_tail(self):
        return "\n".join("[gateway %s]\n%s" % (name, g.log_tail())
                         for name, g in self.gateways.items())

    # --- sekishoctl --------------------------------------------------------------------------

    @classmethod
    def ctl(cls, group, *args, config=None, stdin=None, expect=0):
        """`sekishoctl GROUP ARGS --config FILE` (A's config by default), exit status checked."""
        cmd = [SEKISHOCTL_BIN, group] + list(args) + ["--config", config or cls.config_path]
        proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=60)
        if proc.returncode != expect:
            raise AssertionError("%s → exit %d (expected %d)\nstdout: %s\nstderr: %s" % (
                " ".join(cmd), proc.returncode, expect, proc.stdout, proc.stderr))
        return proc

    @classmethod
    def register_terminal(cls, name, facility=FACILITY, config=None):
        """A certificate of the device CA (openssl ca), registered with sekishoctl:
        (cert, key, device id)."""
        cert, key = cls.device_ca.issue(name, "/O=%s/CN=%s" % (facility, name),
                                        san="URI:urn:sekisho:device:%s:%s" % (facility, name))
        out = cls.ctl("device", "register", "--facility", facility, "--name", name, "--cert", cert,
                      "--json", config=config)
        return cert, key, json.loads(out.stdout)["id"]

    @classmethod
    def add_user(cls, user, password=PASSWORD, facility=FACILITY, role="nurse", config=None):
        cls.ctl("user", "add", user, "--facility", facility, "--role", role, "--password-stdin",
                stdin=password + "\n", config=config)
        return password

    def terminal_admitted(self, name):
        """A terminal registered through A's config, once every gateway admits it:
        (cert, key, device id)."""
        cert, key, device = self.register_terminal(name)
        for gateway in self.gateways.values():
            self.wait_until(lambda: self.status_on(gateway, (cert, key)) == 200,
                            "%s admits the terminal %s" % (gateway.name, name))
        return cert, key, device

    # --- clients -----------------------------------------------------------------------------

    def request(self, gateway, path, terminal, **kwargs):
        """curl over a new TLS connection with the terminal's (cert, key[, ...])."""
        return curl(gateway.url(path), cert=terminal[0], key=terminal[1],
                    cacert=self.demo.ca_bundle, resolve_port=gateway.port, **kwargs)

    def status_on(self, gateway, terminal, path="/open/"):
        """HTTP status of one request on a new connection, or None when refused."""
        return self.request(gateway, path, terminal).status or None

    def login(self, gateway, user, password, terminal):
        """POST /_sekisho/api/login → (CurlResult, cookie jar)."""
        jar = tempfile.mkstemp(prefix="jar-", dir=self.tmp)[1]
        result = self.request(gateway, "/_sekisho/api/login", terminal, method="POST",
                              headers=["Content-Type: application/json",
                                       "Accept: application/json"],
                              data=json.dumps({"username": user, "password": password}),
                              cookie_jar=jar)
        return result, jar

    def assert_revocation_closes(self, live, device, when):
        """Revokes device through sekishoctl and checks that live (B's keep-alive connection
        of that device) is closed within REVOCATION_BOUND of sekishoctl's start."""
        started = time.monotonic()
        self.ctl("device", "revoke", device, "--reason", "keyCompromise")
        _, closed = live.read_until_closed(timeout=SETTLE)
        took = time.monotonic() - started
        live.close()
        self.assertTrue(closed, "B kept the revoked device's connection\n" + self.log_tail())
        print("%s, B closed a revoked device's connection %.2fs after sekishoctl started" % (when, took))
        self.assertLess(took, REVOCATION_BOUND, self.log_tail())

    def wait_until(self, predicate, what, timeout=SETTLE):
        """Polls predicate; returns the seconds it took, or fails with both gateways' logs."""
        started = time.monotonic()
        while True:
            if predicate():
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                self.fail("not within %ds: %s\n%s" % (timeout, what, self.log_tail()))
            time.sleep(0.1)
