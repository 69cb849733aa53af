"""Shared plumbing for the integration tests: binaries, demo environments, config files,
the gateway process, metrics, and real TLS clients (curl, openssl s_client, Python ssl).

Binaries come from SEKISHO_BIN / SEKISHOCTL_BIN (set by CTest), defaulting to the build tree.
Everything listens on 127.0.0.1 with ports picked at runtime. No test asserts a duration:
waits poll generously (DEFAULT_WAIT) and fail with the gateway's log tail.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import unittest

import ports

from backends import (GarbageBackend, GatedBackend, RecordingBackend,  # noqa: F401
                      SilentBackend, WsEchoBackend, encode_ws_frame, read_ws_frame,
                      websocket_accept)
from echo_backend import EchoServer  # noqa: F401
from gateway_process import (DEFAULT_WAIT, REFUSAL_REASONS, SEKISHO_BIN,  # noqa: F401
                             SEKISHOCTL_BIN, STARTUP_WAIT, Gateway, admin_get, metric_value,
                             parse_metrics, port_listening, port_open, require_binaries,
                             wait_for)
from pki_tools import CaDb, fingerprint_sha256, make_root_ca, run_openssl  # noqa: F401
from tls_clients import (curl, http_request, open_tls, read_response,  # noqa: F401
                         read_until_closed, s_client, tls_context)


def free_port():
    return ports.free_port()


def make_tempdir(test_or_class, prefix="sekisho-it-"):
    """Fresh temp dir removed by the test's (or class's) cleanup, also on failure."""
    path = tempfile.mkdtemp(prefix=prefix)
    if isinstance(test_or_class, type):
        test_or_class.addClassCleanup(shutil.rmtree, path, True)
    else:
        test_or_class.addCleanup(shutil.rmtree, path, True)
    return path


def run(cmd, timeout=120, env=None, check=True):
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                          env=env)
    if check and proc.returncode != 0:
        raise AssertionError("command failed (exit %d): %s\nstdout:\n%s\nstderr:\n%s" % (
            proc.returncode, " ".join(cmd), proc.stdout.decode(errors="replace"),
            proc.stderr.decode(errors="replace")))
    return proc


# --- YAML ---------------------------------------------------------------------------------

def _scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar
    raise TypeError("cannot emit %r" % (value,))


def _emit(value, indent, lines):
    pad = " " * indent
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append("%s%s:" % (pad, key))
                _emit(item, indent + 2, lines)
            elif isinstance(item, (dict, list)):
                lines.append("%s%s: %s" % (pad, key, "{}" if isinstance(item, dict) else "[]"))
            else:
                lines.append("%s%s: %s" % (pad, key, _scalar(item)))
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                sub = []
                _emit(item, indent + 2, sub)
                sub[0] = pad + "- " + sub[0][indent + 2:]
                lines.extend(sub)
            elif isinstance(item, (dict, list)):
                raise TypeError("nested empty or list items are not supported")
            else:
                lines.append("%s- %s" % (pad, _scalar(item)))
    else:
        raise TypeError("top level must be a dict or list")


def to_yaml(value):
    """Tiny YAML emitter for dict/list/str/int/bool (block style, quoted strings)."""
    lines = []
    _emit(value, 0, lines)
    return "\n".join(lines) + "\n"


def write_yaml(path, value):
    with open(path, "w") as f:
        f.write(to_yaml(value))
    return path


def line_of(text, pattern):
    """1-based number of the first line matching the regex (for --check expectations)."""
    for number, line in enumerate(text.splitlines(), 1):
        if re.search(pattern, line):
            return number
    raise AssertionError("no line matches %r in:\n%s" % (pattern, text))


# --- Demo environment -------------------------------------------------------------------------

class Demo:
    """A `sekishoctl demo init` directory and what demo.json says about it."""

    def __init__(self, directory, listen_port, upstream_url):
        require_binaries()
        self.dir = directory
        self.listen_port = listen_port
        run([SEKISHOCTL_BIN, "demo", "init", directory, "--listen",
             "127.0.0.1:%d" % listen_port, "--upstream", upstream_url])
        with open(os.path.join(directory, "demo.json")) as f:
            self.info = json.load(f)
        self.pki = os.path.join(directory, "pki")
        self.config_path = self._abs(self.info["config"])
        self.ca_bundle = self._abs(self.info["ca_bundle"])
        self.device_cert = self._abs(self.info["device"]["cert"])
        self.device_key = self._abs(self.info["device"]["key"])
        self.facility = self.info["facility"]
        self.fingerprint = fingerprint_sha256(self.device_cert)

    def _abs(self, path):
        return path if os.path.isabs(path) else os.path.join(self.dir, path)

    def path(self, name):
        return os.path.join(self.pki, name)

    def device_ca(self, workdir):
        """CaDb over the demo's device-issuing CA (to issue test certs, revoke, make CRLs)."""
        return CaDb(workdir, self.path("device-ca.crt"), self.path("device-ca.key"))

    def config(self, listen_port, admin_port, routes, **sections):
        """A complete gateway config dict over this demo's PKI; sections override/extend
        top-level keys (a dict value is merged into the default section)."""
        config = {
            "workers": 2,
            # Every refusal logged: tests wait for each one (test_refusal_flood covers the
            # once-a-minute default).
            "log": {"level": "info", "format": "text", "refusal_interval": "0s"},
            "listen": "127.0.0.1:%d" % listen_port,
            "tls": {
                "profile": "tls13",
                "certificate": self.path("server.crt"),
                "key": self.path("server.key"),
                "client_ca": self.path("device-ca-bundle.pem"),
                "crl": [self.path("device-ca.crl"), self.path("root-ca.crl")],
                "session_tickets": True,
            },
            "assertion": {"signing_key": self.path("assertion.key"), "issuer": "sekisho",
                          "ttl": "60s"},
            "admin": {"listen": "127.0.0.1:%d" % admin_port},
            "routes": routes,
        }
        for key, value in sections.items():
            if isinstance(value, dict) and isinstance(config.get(key), dict):
                config[key] = dict(config[key], **value)
            else:
                config[key] = value
        return config


def enrollment_section(demo, port, **extra):
    """The enrollment: section of a config over the demo's device CA, listening on port."""
    section = {
        "listen": "127.0.0.1:%d" % port,
        "public_url": "https://localhost:%d" % port,
        "ca": {"certificate": demo.path("device-ca.crt"), "key": demo.path("device-ca.key"),
               "chain": demo.path("root-ca.crt"), "crl": demo.path("device-ca.crl")},
    }
    section.update(extra)
    return section


def header_values(record, name):
    """Values of a header in an echo backend record (case-insensitive), in order."""
    return [v for k, v in record["headers"] if k.lower() == name.lower()]


def route(name, upstream, path_prefix="/", hosts=("localhost", "127.0.0.1"), **extra):
    item = {"name": name, "hosts": list(hosts), "path_prefix": path_prefix,
            "upstream": upstream}
    item.update(extra)
    return item


def rewrite_listen_ports(yaml_path, listen_port, admin_port, enroll_port=None):
    """Points the demo's own YAML at the given ports by plain line replacement (the
    enrollment listener gets enroll_port, or a free one)."""
    with open(yaml_path) as f:
        text = f.read()
    enroll_port = enroll_port or free_port()
    section = re.search(r"(?m)^enrollment:.*\n((?:[ \t]+.*\n|[ \t]*\n)*)", text)
    if section:
        block = re.sub(r"(?m)^(  listen: )(\S+):\d+$",
                       lambda m: "%s%s:%d" % (m.group(1), m.group(2), enroll_port), section.group(0))
        text = text[:section.start()] + block + text[section.end():]
    text = re.sub(r"(?m)^(  public_url: https://localhost:)\d+$", lambda m: "%s%d" % (m.group(1), enroll_port), text)
    new, count = re.subn(r"(?m)^listen:.*$", "listen: 127.0.0.1:%d" % listen_port, text)
    if count != 1:
        raise AssertionError("no top-level 'listen:' line in %s:\n%s" % (yaml_path, text))
    match = re.search(r"(?m)^admin:[ \t]*(#.*)?\n((?:[ \t]+.*\n|[ \t]*\n)*?)([ \t]+)listen:.*$",
                      new)
    if not match:
        raise AssertionError("no 'admin:' block with 'listen:' in %s:\n%s" % (yaml_path, text))
    end = match.end()
    line_start = new.rfind("\n", 0, end) + 1
    new = new[:line_start] + "%slisten: 127.0.0.1:%d" % (match.group(3), admin_port) + new[end:]
    with open(yaml_path, "w") as f:
        f.write(new)


# --- Test base class -------------------------------------------------------------------------

class GatewayTestCase(unittest.TestCase):
    """Helpers for classes that run one demo + gateway; everything is torn down through
    class cleanups, so it also happens when setUpClass fails half-way."""

    @classmethod
    def start_backend(cls, backend):
        backend.start()
        cls.addClassCleanup(backend.stop)
        return backend

    @classmethod
    def make_demo(cls, upstream_url="http://127.0.0.1:9"):
        cls.tmp = make_tempdir(cls)
        cls.listen_port, cls.admin_port = free_port(), free_port()
        cls.demo = Demo(os.path.join(cls.tmp, "demo"), cls.listen_port, upstream_url)
        return cls.demo

    @classmethod
    def start_gateway(cls, config, env=None, name="sekisho.yaml"):
        """config: a dict (written as YAML into the demo dir) or the path of a YAML file."""
        if isinstance(config, dict):
            path = write_yaml(os.path.join(cls.demo.dir, name), config)
        else:
            path = config
        gateway = Gateway(path, cls.listen_port, cls.admin_port, cls.tmp, env)
        cls.addClassCleanup(gateway.stop)
        gateway.start()
        cls.gateway = gateway
        return gateway

    def device_curl(self, path="/", **kwargs):
        """curl with the demo terminal certificate over TLS to https://localhost:PORT
        (and the class's login cookie jar, when it has logged in)."""
        kwargs.setdefault("cookie_jar", getattr(self, "session_jar", None))
        kwargs.setdefault("cert", self.demo.device_cert)
        kwargs.setdefault("key", self.demo.device_key)
        kwargs.setdefault("cacert", self.demo.ca_bundle)
        return curl(self.gateway.url(path), resolve_port=self.gateway.port, **kwargs)

    @classmethod
    def api_login(cls, user=None, password=None, cert=None, key=None, jar=None):
        """POST /_sekisho/api/login from a terminal (the demo one by default) as a user (the
        demo user by default) → (CurlResult, cookie jar path holding the session cookie)."""
        user = user if user is not None else cls.demo.info["user"]["id"]
        password = password if password is not None else cls.demo.info["user"]["password"]
        jar = jar or tempfile.mkstemp(prefix="jar-", dir=cls.tmp)[1]
        result = curl(cls.gateway.url("/_sekisho/api/login"), cert=cert or cls.demo.device_cert,
                      key=key or cls.demo.device_key, cacert=cls.demo.ca_bundle,
                      resolve_port=cls.gateway.port, method="POST",
                      headers=["Content-Type: application/json", "Accept: application/json"],
                      data=json.dumps({"username": user, "password": password}), cookie_jar=jar)
        return result, jar

    @staticmethod
    def session_cookie(jar):
        """The __Host-sekisho value in a curl cookie jar, or None."""
        with open(jar) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 7 and parts[5] == "__Host-sekisho":
                    return parts[6]
        return None

    def device_context(self, **kwargs):
        kwargs.setdefault("cert", self.demo.device_cert)
        kwargs.setdefault("key", self.demo.device_key)
        return tls_context(self.demo.ca_bundle, **kwargs)

    def device_request(self, raw, server_hostname="localhost", **kwargs):
        """One raw request over a new TLS connection → (Response or None, TlsConn or None);
        kwargs go to tls_context (e.g. check_hostname=False, version="1.3")."""
        return http_request(self.gateway.port, self.device_context(**kwargs), raw,
                            server_hostname=server_hostname)

    def log_tail(self):
        return self.gateway.log_tail()
