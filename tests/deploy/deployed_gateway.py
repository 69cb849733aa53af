"""A demo gateway laid out as deploy/ installs one: configuration and keys in one folder
(read-only to the gateway), the registry and the enrollment CRL in a state folder
(/var/lib/sekisho), the sealed audit trail in a log folder (/var/log/sekisho), a login
route to an echo backend, the enrollment and admin listeners. The tests that check the
deployment files against the real binary start this one."""
import json
import os
import shutil

from harness import Demo, EchoServer, curl, enrollment_section, free_port, route, write_yaml


class DeployedLayout:
    """backend: the upstream (an echo server by default), started here and stopped by
    stop(); login: whether the route needs a login; sections: top-level config sections
    merged over the defaults (e.g. admin= with tls)."""

    def __init__(self, workdir, backend=None, login=True, **sections):
        self.workdir = workdir
        self.backend = (backend or EchoServer(name="echo")).start()
        self.listen_port, self.admin_port, self.enroll_port = free_port(), free_port(), free_port()
        upstream = "http://127.0.0.1:%d" % self.backend.port
        self.demo = Demo(os.path.join(workdir, "etc"), self.listen_port, upstream)
        self.state = os.path.join(workdir, "state")
        self.logs = os.path.join(workdir, "logs")
        os.makedirs(self.state)
        os.makedirs(self.logs)
        demo = self.demo
        self.registry = os.path.join(self.state, "registry.db")
        shutil.copy(os.path.join(demo.dir, "registry.db"), self.registry)  # holds the demo user
        self.device_crl = os.path.join(self.state, "device-ca.crl")
        shutil.copy(demo.path("device-ca.crl"), self.device_crl)
        self.audit_log = os.path.join(self.logs, "audit.log")
        self.seal_public_key = demo.path("audit-seal.pub")
        enrollment = enrollment_section(demo, self.enroll_port)
        enrollment["ca"]["crl"] = self.device_crl
        defaults = {
            "tls": {"crl": [self.device_crl, demo.path("root-ca.crl")]},
            "registry": {"sqlite": self.registry},
            "enrollment": enrollment,
            "audit": {"file": self.audit_log, "seal_key": demo.path("audit-seal.key"), "seal_interval": "1s"},
        }
        for key, value in sections.items():
            defaults[key] = dict(defaults.get(key, {}), **value) if isinstance(value, dict) else value
        routes = [route("ward", upstream, login=login)]
        config = demo.config(self.listen_port, self.admin_port, routes, **defaults)
        self.config_path = write_yaml(os.path.join(demo.dir, "deployed.yaml"), config)

    def stop(self):
        self.backend.stop()

    def move_ports(self):
        """New ports for every listener (the config rewritten): for a run that found its old
        port taken, between two runs, by another test's client socket."""
        with open(self.config_path) as f:
            text = f.read()
        for name in ("listen_port", "admin_port", "enroll_port"):
            old, new = getattr(self, name), free_port()
            text = text.replace("127.0.0.1:%d" % old, "127.0.0.1:%d" % new)
            text = text.replace("localhost:%d" % old, "localhost:%d" % new)
            setattr(self, name, new)
        with open(self.config_path, "w") as f:
            f.write(text)

    def chown_all(self, uid, gid):
        """Hands every file to uid:gid, so the gateway can run as that unprivileged user."""
        for root, dirs, files in os.walk(self.workdir):
            os.chown(root, uid, gid)
            for name in files:
                os.chown(os.path.join(root, name), uid, gid)

    # --- a little of everything a day brings -----------------------------------------------
    def terminal_curl(self, path, **kwargs):
        return curl("https://localhost:%d%s" % (self.listen_port, path), cert=self.demo.device_cert,
                    key=self.demo.device_key, cacert=self.demo.ca_bundle, resolve_port=self.listen_port,
                    **kwargs)

    def login(self, jar, password=None):
        user = self.demo.info["user"]
        body = json.dumps({"username": user["id"], "password": password or user["password"]})
        return self.terminal_curl("/_sekisho/api/login", method="POST", data=body, cookie_jar=jar,
                                  headers=["Content-Type: application/json", "Accept: application/json"])

    def enrollment_get(self, path):
        return curl("https://localhost:%d%s" % (self.enroll_port, path), cacert=self.demo.ca_bundle,
                    resolve_port=self.enroll_port)
