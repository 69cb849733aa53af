"""The benchmark's environment: a demo PKI and registry, one nginx backend, the two proxies
under test (sekisho and nginx, pinned to the same core), their CPU time and memory from
/proc, and the load generator. Used by bench.py; measures, never judges."""
import http.client
import json
import os
import re
import resource
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from pki_tools import CaDb  # noqa: E402  (the integration tests' openssl CA helper)
from postgres_server import PostgresServer  # noqa: E402  (a throw-away PostgreSQL 15)
from redis_server import RedisServer  # noqa: E402  (a throw-away redis-server)

TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KIB = os.sysconf("SC_PAGE_SIZE") // 1024
SERVER_CPU, CLIENT_CPU = "0", "1"  # the proxy under test on one core, load and backend on the other


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("nothing listens on %d" % port)


def raise_fd_limit(n=65536):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(n, hard) if hard != resource.RLIM_INFINITY else n
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, target), hard))


def pinned(cpu, cmd):
    return ["taskset", "-c", cpu] + cmd


class Process:
    """A server process and its children (nginx's workers): CPU seconds and RSS from /proc."""

    def __init__(self, name, cmd, log_path):
        self.name = name
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)

    def pids(self):
        pids, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
                    todo += [int(c) for c in f.read().split()]
            except OSError:
                pass
        return pids

    def cpu_seconds(self):
        total = 0
        for pid in self.pids():
            try:
                with open("/proc/%d/stat" % pid) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            except OSError:
                pass
        return total / TICKS

    def rss_kib(self):
        total = 0
        for pid in self.pids():
            try:
                with open("/proc/%d/statm" % pid) as f:
                    total += int(f.read().split()[1]) * PAGE_KIB
            except OSError:
                pass
        return total

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()


NGINX_COMMON = """
worker_processes 1;
worker_rlimit_nofile 20000;
daemon off;
pid {work}/{name}.pid;
error_log {work}/{name}-error.log warn;
events {{ worker_connections 10240; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    keepalive_requests 1000000;
{servers}
}}
"""

BACKEND = """
    server {{
        listen 127.0.0.1:{port};
        location = /auth {{ return 204; }}
        location / {{ return 200 "hello from the backend\\n"; }}
    }}
"""

# The same TLS work as sekisho: TLS 1.3, the demo server certificate, a mandatory client
# certificate of the device CA with its CRLs, tickets for resumption, upstream keep-alive.
PROXY = """
    upstream backend {{ server 127.0.0.1:{backend}; keepalive 64; }}
    ssl_protocols TLSv1.3;
    ssl_certificate {pki}/server.crt;
    ssl_certificate_key {pki}/server.key;
    ssl_client_certificate {pki}/device-ca-bundle.pem;
    ssl_verify_client on;
    ssl_verify_depth 2;
    ssl_crl {work}/crls.pem;
    ssl_session_tickets on;
    ssl_session_cache off;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header X-Device $ssl_client_fingerprint;
    server {{
        listen 127.0.0.1:{plain} ssl;
        location / {{ proxy_pass http://backend; }}
    }}
    # Like for like: Sekisho writes a hash-chained audit record of every request, so this one
    # logs every request too (buffered, as an operator who keeps access logs would).
    server {{
        listen 127.0.0.1:{logged} ssl;
        access_log {work}/access.log combined buffer=64k flush=1s;
        location / {{ proxy_pass http://backend; }}
    }}
    server {{
        listen 127.0.0.1:{auth} ssl;
        location / {{ auth_request /_auth; proxy_pass http://backend; }}
        location = /_auth {{
            internal;
            proxy_pass http://backend/auth;
            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
        }}
    }}
"""


class Environment:
    """Everything one benchmark run needs; stop() tears it down."""

    def __init__(self, build, work, registry="sqlite", sessions="memory"):
        self.build, self.work = build, work
        self.registry, self.pg = registry, None
        self.sessions, self.redis = sessions, None
        self.sekishoctl = os.path.join(build, "ctl", "sekishoctl")
        self.loadgen_bin = os.path.join(build, "tests", "sekisho-loadgen")
        self.ports = {k: free_port() for k in ("backend", "sekisho", "admin", "nginx", "nginx_logged", "nginx_auth")}
        self.processes = []
        raise_fd_limit()
        for d in ("body", "proxy", "fcgi", "uwsgi", "scgi"):
            os.makedirs(os.path.join(work, d), exist_ok=True)
        self.demo = os.path.join(work, "demo")
        subprocess.run([self.sekishoctl, "demo", "init", self.demo, "--listen", "127.0.0.1:%d" % self.ports["sekisho"],
                        "--upstream", "http://127.0.0.1:%d" % self.ports["backend"]], check=True, capture_output=True)
        with open(os.path.join(self.demo, "demo.json")) as f:
            self.info = json.load(f)
        self.pki = os.path.join(self.demo, "pki")
        self.config = self.info["config"] if os.path.isabs(self.info["config"]) else os.path.join(self.demo, self.info["config"])
        with open(os.path.join(work, "crls.pem"), "w") as out:
            for name in ("device-ca.crl", "root-ca.crl"):
                with open(os.path.join(self.pki, name)) as f:
                    out.write(f.read())
        self._write_sekisho_config()
        if registry == "postgresql":
            self._move_registry_to_postgresql()
        if sessions == "redis":
            self._move_sessions_to_redis()
        self.ca_db = CaDb(os.path.join(work, "device-ca-db"), os.path.join(self.pki, "device-ca.crt"),
                          os.path.join(self.pki, "device-ca.key"))

    def _write_sekisho_config(self):
        with open(self.config) as f:
            text = f.read()
        # One I/O thread like nginx's one worker; the product's defaults otherwise (audit on).
        text = text.replace("workers: 0", "workers: 1").replace("  level: info", "  level: warn")
        text = text.replace("    on_limit: refuse           # or evict_oldest", "    on_limit: evict_oldest")
        text = re.sub(r"(?m)^(admin:\n  listen: ).*$", r"\g<1>127.0.0.1:%d" % self.ports["admin"], text)
        with open(self.config, "w") as f:
            f.write(text)

    def _move_registry_to_postgresql(self):
        """The demo's registry copied into a throw-away PostgreSQL the way an operator would:
        the owner migrates (granting the gateways' role) and copies; the gateways connect as
        the granted role."""
        self.pg = PostgresServer().start()
        owner_url = urllib.parse.urlsplit(self.pg.create_database("sekisho_bench", "sekisho_owner", "owner-Pw-1"))
        self.pg.psql("CREATE ROLE sekisho_gw LOGIN PASSWORD 'gateway-Pw-2'")
        with open(self.config) as f:
            text = f.read()

        def registry_as(role, password):
            secret = os.path.join(self.demo, role + ".password")
            with open(secret, "w") as out:
                out.write(password + "\n")
            os.chmod(secret, 0o600)
            block = ("registry:\n  postgresql:\n    url: postgresql://%s@127.0.0.1:%d/sekisho_bench\n"
                     "    password_file: %s\n    sslmode: disable\n" % (role, owner_url.port, secret))
            return re.sub(r"(?m)^registry:.*\n  sqlite: .*\n", block, text)

        owner_config = os.path.join(self.demo, "owner.yaml")
        with open(owner_config, "w") as f:
            f.write(registry_as("sekisho_owner", "owner-Pw-1"))
        for args in (("store", "migrate", "--grant", "sekisho_gw"),
                     ("store", "copy", "--from", os.path.join(self.demo, "registry.db"))):
            subprocess.run([self.sekishoctl] + list(args) + ["--config", owner_config], check=True,
                           capture_output=True, timeout=120)
        with open(self.config, "w") as f:
            f.write(registry_as("sekisho_gw", "gateway-Pw-2"))

    def _move_sessions_to_redis(self):
        """Sessions and spraying windows in a throw-away redis-server on the client's core (its
        CPU is reported apart: redis_cpu_s), with a cluster secret as instances share it."""
        self.redis = RedisServer()
        self.redis.start()
        secret = os.path.join(self.demo, "cluster.key")
        with open(secret, "wb") as out:
            out.write(os.urandom(32))
        os.chmod(secret, 0o600)
        with open(self.config) as f:
            text = f.read()
        text = re.sub(r"(?m)^(    on_limit: .*\n)", r"\g<1>    store: redis\n    redis:\n      url: redis://127.0.0.1:%d/0\n"
                      % self.redis.port, text, count=1)
        text += "\ncluster:\n  secret_file: %s\n" % secret
        with open(self.config, "w") as f:
            f.write(text)
        subprocess.run(["taskset", "-p", "-c", CLIENT_CPU, str(self.redis.proc.pid)], capture_output=True)

    def redis_cpu_seconds(self):
        if not self.redis:
            return 0.0
        with open("/proc/%d/stat" % self.redis.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def logout(self, cookie, port=None):
        conn = http.client.HTTPSConnection("localhost", port or self.ports["sekisho"], context=self.tls_context(),
                                           timeout=30)
        conn.request("POST", "/_sekisho/logout", "{}", {"Content-Type": "application/json", "Cookie": cookie})
        res = conn.getresponse()
        res.read()
        conn.close()
        return res.status

    def session_status(self, cookie, port):
        """The status of a request with cookie on port; 0 when the gateway closed the
        connection instead (an ended session takes its connections with it)."""
        conn = http.client.HTTPSConnection("localhost", port, context=self.tls_context(), timeout=30)
        try:
            conn.request("GET", "/", headers={"Cookie": cookie, "Accept": "application/json"})
            res = conn.getresponse()
            res.read()
            return res.status
        except (http.client.RemoteDisconnected, ConnectionError):
            return 0
        finally:
            conn.close()

    def start_second_gateway(self):
        """Gateway B: the same configuration on other ports with an audit trail of its own,
        sharing the PostgreSQL registry. Its port."""
        with open(self.config) as f:
            text = f.read()
        for key in ("sekisho_b", "admin_b", "enrollment_b"):
            self.ports[key] = free_port()
        text = re.sub(r"(?m)^listen: .*$", "listen: 127.0.0.1:%d" % self.ports["sekisho_b"], text)
        text = re.sub(r"(?m)^(admin:\n  listen: ).*$", r"\g<1>127.0.0.1:%d" % self.ports["admin_b"], text)
        text = re.sub(r"(?m)^(enrollment:.*\n  listen: ).*$", r"\g<1>127.0.0.1:%d" % self.ports["enrollment_b"], text)
        text = re.sub(r"(?m)^(  public_url: https://localhost:)\d+", r"\g<1>%d" % self.ports["enrollment_b"], text)
        text = re.sub(r"(?m)^(  file: )audit/", r"\g<1>audit-b/", text)
        os.makedirs(os.path.join(self.demo, "audit-b"), exist_ok=True)
        config_b = os.path.join(self.demo, "sekisho-b.yaml")
        with open(config_b, "w") as f:
            f.write(text)
        self.sekisho_b = self._start("sekisho-b", pinned(SERVER_CPU, [os.path.join(self.build, "gateway", "sekisho"),
                                                                       "--config", config_b]))
        wait_port(self.ports["sekisho_b"])
        return self.ports["sekisho_b"]

    def time_start_up(self, timeout=120, settle=0):
        """Seconds from starting the gateway alone to its first /healthz 200, and its resident
        memory in KiB `settle` seconds later (what it holds, not what start-up passed through:
        the first Argon2id run, the CRL being signed); then stops it."""
        proc = Process("sekisho-start", pinned(SERVER_CPU, [os.path.join(self.build, "gateway", "sekisho"),
                                                             "--config", self.config]),
                       os.path.join(self.work, "sekisho-start.log"))
        started = time.monotonic()
        try:
            while True:
                try:
                    with urllib.request.urlopen("http://127.0.0.1:%d/healthz" % self.ports["admin"], timeout=5) as res:
                        if res.status == 200:
                            seconds = time.monotonic() - started
                            time.sleep(settle)
                            return seconds, proc.rss_kib()
                except OSError:
                    pass
                if time.monotonic() - started > timeout:
                    raise RuntimeError("the gateway was not healthy within %d s" % timeout)
                time.sleep(0.01)
        finally:
            proc.stop()

    def start(self):
        backend_conf = os.path.join(self.work, "backend.conf")
        with open(backend_conf, "w") as f:
            f.write(NGINX_COMMON.format(work=self.work, name="backend",
                                        servers=BACKEND.format(port=self.ports["backend"])))
        proxy_conf = os.path.join(self.work, "proxy.conf")
        with open(proxy_conf, "w") as f:
            f.write(NGINX_COMMON.format(work=self.work, name="proxy", servers=PROXY.format(
                backend=self.ports["backend"], pki=self.pki, work=self.work, plain=self.ports["nginx"],
                logged=self.ports["nginx_logged"], auth=self.ports["nginx_auth"])))
        self.backend = self._start("backend", pinned(CLIENT_CPU, ["/usr/sbin/nginx", "-c", backend_conf, "-p", self.work]))
        self.nginx = self._start("nginx", pinned(SERVER_CPU, ["/usr/sbin/nginx", "-c", proxy_conf, "-p", self.work]))
        self.sekisho = self._start("sekisho", pinned(SERVER_CPU, [os.path.join(self.build, "gateway", "sekisho"),
                                                                   "--config", self.config]))
        for port in self.ports.values():
            wait_port(port)

    def _start(self, name, cmd):
        p = Process(name, cmd, os.path.join(self.work, name + ".log"))
        self.processes.append(p)
        return p

    def stop(self):
        for p in reversed(self.processes):
            p.stop()
        if self.pg:
            self.pg.stop()
        if self.redis:
            self.redis.__exit__(None, None, None)

    # --- clients ---------------------------------------------------------------------------

    def tls_context(self, cert=None, key=None):
        ctx = ssl.create_default_context(cafile=os.path.join(self.pki, "root-ca.crt"))
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        ctx.load_cert_chain(cert or self.info["device"]["cert"], key or self.info["device"]["key"])
        return ctx

    def login(self, user, password):
        """A session cookie for user on the demo terminal: the Cookie header value."""
        conn = http.client.HTTPSConnection("localhost", self.ports["sekisho"], context=self.tls_context(), timeout=30)
        conn.request("POST", "/_sekisho/api/login", json.dumps({"username": user, "password": password}),
                     {"Content-Type": "application/json", "Accept": "application/json"})
        res = conn.getresponse()
        res.read()
        cookie = res.getheader("Set-Cookie", "")
        conn.close()
        if res.status != 200 or "__Host-sekisho=" not in cookie:
            raise RuntimeError("login as %s failed: %d %s" % (user, res.status, cookie))
        return cookie.split(";", 1)[0]

    def ctl(self, *args, stdin=None):
        return subprocess.run([self.sekishoctl] + list(args) + ["--config", self.config], input=stdin,
                              capture_output=True, text=True, check=True, timeout=60).stdout

    def add_user(self, user, password):
        self.ctl("user", "add", user, "--facility", self.info["facility"], "--role", "nurse", "--password-stdin",
                 stdin=password + "\n")

    def new_terminal(self, name):
        cert, key = self.ca_db.issue(name, "/O=%s/CN=%s" % (self.info["facility"], name),
                                     san="URI:urn:sekisho:device:%s:%s" % (self.info["facility"], name))
        out = self.ctl("device", "register", "--facility", self.info["facility"], "--name", name, "--cert", cert,
                       "--json")
        return cert, key, json.loads(out)["id"]

    def loadgen(self, port, seconds, connections, mode="keepalive", rate=0, headers=(), extra=(), timeout=None):
        cmd = [self.loadgen_bin, "--port", str(port), "--sni", "localhost", "--cert", self.info["device"]["cert"],
               "--key", self.info["device"]["key"], "--ca", os.path.join(self.pki, "root-ca.crt"),
               "--seconds", str(seconds), "--connections", str(connections), "--mode", mode, "--rate", str(rate)]
        for h in headers:
            cmd += ["--header", h]
        cmd += list(extra)
        out = subprocess.run(pinned(CLIENT_CPU, cmd), capture_output=True, text=True,
                             timeout=timeout or seconds + 120)
        if out.returncode != 0:
            raise RuntimeError("loadgen failed: %s %s" % (out.stdout, out.stderr))
        return json.loads(out.stdout.strip().splitlines()[-1])

    def loadgen_process(self, port, connections, mode, headers=(), extra=(), seconds=3600):
        """A load generator left running (idle connections, a login storm)."""
        cmd = [self.loadgen_bin, "--port", str(port), "--sni", "localhost", "--cert", self.info["device"]["cert"],
               "--key", self.info["device"]["key"], "--ca", os.path.join(self.pki, "root-ca.crt"),
               "--seconds", str(seconds), "--connections", str(connections), "--mode", mode]
        for h in headers:
            cmd += ["--header", h]
        cmd += list(extra)
        return subprocess.Popen(pinned(CLIENT_CPU, cmd), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
