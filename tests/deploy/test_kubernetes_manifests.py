"""deploy/kubernetes/, read with a YAML parser (no cluster runs here) and checked for what
matters when it runs: two gateways at least, restricted pods (non-root with the image's
UID, read-only root, no privilege escalation, no capability, RuntimeDefault seccomp),
resources, probes on the admin listener's /readyz and /healthz at the port the ConfigMap's
sekisho.yaml gives it, container and Service ports that are the configured listeners,
selectors (workload, Services, disruption budget, network policies) that pick the pods'
actual labels, backends that accept only those pods, every Secret and ConfigMap a volume
names present with the keys used, every file sekisho.yaml names mounted where the gateway
can read it (and what it writes on writable, for the audit trail persistent, volumes),
and finally that configuration accepted by the real `sekisho --check` over a copy of the
pod's file tree built from the manifests, with Secret files at their mounted mode."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import yaml

from deploy_paths import deploy_file  # first: puts tests/integration on the import path
from gateway_process import SEKISHO_BIN, require_binaries
from harness import Demo, free_port
import containerfile
import manifests

# Each ConfigMap/Secret key the pod mounts → a demo file standing in for it (or a text).
STAND_INS = {
    ("sekisho-pki", "device-ca-bundle.pem"): "pki/device-ca-bundle.pem",
    ("sekisho-pki", "device-ca.crt"): "pki/device-ca.crt",
    ("sekisho-pki", "device-ca.crl"): "pki/device-ca.crl",
    ("sekisho-pki", "root-ca.crt"): "pki/root-ca.crt",
    ("sekisho-pki", "root-ca.crl"): "pki/root-ca.crl",
    ("sekisho-pki", "operators-ca.pem"): "pki/root-ca.crt",
    ("sekisho-pki", "admin-ca.pem"): "pki/root-ca.crt",
    ("sekisho-pki", "db-ca.pem"): "pki/root-ca.crt",
    ("sekisho-pki", "redis-ca.pem"): "pki/root-ca.crt",
    ("sekisho-pki", "upstream-ca.pem"): "pki/root-ca.crt",
    ("sekisho-server-tls", "tls.crt"): "pki/server.crt",
    ("sekisho-server-tls", "tls.key"): "pki/server.key",
    ("sekisho-admin-tls", "tls.crt"): "pki/server.crt",
    ("sekisho-admin-tls", "tls.key"): "pki/server.key",
    ("sekisho-probe-client", "tls.crt"): "pki/device.crt",
    ("sekisho-probe-client", "tls.key"): "pki/device.key",
    ("sekisho-signing-keys", "assertion.key"): "pki/assertion.key",
    ("sekisho-signing-keys", "audit-seal.key"): "pki/audit-seal.key",
    ("sekisho-issuing-ca", "device-ca.key"): "pki/device-ca.key",
    ("sekisho-registry-db", "password"): None,  # any text
    ("sekisho-redis", "password"): None,
    ("sekisho-cluster", "cluster.key"): None,    # any text of 32 bytes or more
}
POD_ROOTS = ("/etc/sekisho", "/var/lib/sekisho", "/var/log/sekisho", "/secrets")


def port_of(address):
    return int(address.rsplit(":", 1)[1])


def absolute_paths(value, key=""):
    """(dotted key, path) for every string of the configuration that is a file path (a
    route's path_prefix is a URL path)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from absolute_paths(v, "%s.%s" % (key, k) if key else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from absolute_paths(v, "%s[%d]" % (key, i))
    elif isinstance(value, str) and value.startswith("/") and not key.endswith(".path_prefix"):
        yield key, value


def data_keys(obj):
    return set(obj.get("data", {})) | set(obj.get("stringData", {}))


def probe_url(probe):
    command = probe["exec"]["command"]
    return command, next(w for w in command if w.startswith("https://"))


class KubernetesManifestsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.objects, cls.origin = manifests.load()
        workloads = [o for (kind, _), o in cls.objects.items() if kind in ("Deployment", "StatefulSet")]
        assert len(workloads) == 1, "one gateway workload"
        cls.workload = workloads[0]
        cls.pod = manifests.pod_spec(cls.workload)
        cls.labels = cls.workload["spec"]["template"]["metadata"]["labels"]
        cls.gateway = next(c for c in cls.pod["containers"] if c["name"] == "sekisho")
        cls.volumes = {v["name"]: v for v in cls.pod["volumes"]}
        for name, claim in manifests.volume_claims(cls.workload).items():
            cls.volumes[name] = {"name": name, "persistentVolumeClaim": claim}
        cls.config_map = cls.objects[("ConfigMap", "sekisho-config")]
        cls.config = yaml.safe_load(cls.config_map["data"]["sekisho.yaml"])
        cls.namespace = next(o for (kind, _), o in cls.objects.items() if kind == "Namespace")

    def object(self, kind, name):
        self.assertIn((kind, name), self.objects, "%s %s is referenced but not defined" % (kind, name))
        return self.objects[(kind, name)]

    # --- the set of files ------------------------------------------------------------------
    def test_the_kustomization_lists_every_manifest_beside_it(self):
        root = manifests.ROOT
        with open(os.path.join(root, "kustomization.yaml")) as f:
            kustomization = yaml.safe_load(f)
        beside = sorted(n for n in os.listdir(root) if n.endswith(".yaml") and n != "kustomization.yaml")
        self.assertEqual(sorted(kustomization["resources"]), beside)
        self.assertEqual(kustomization["namespace"], self.namespace["metadata"]["name"])
        if shutil.which("kubectl"):
            proc = subprocess.run(["kubectl", "kustomize", root], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, timeout=120)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            built = [d for d in yaml.safe_load_all(proc.stdout) if d]
            self.assertEqual(len(built), sum(1 for k in self.origin.values() if "/" not in k))

    # --- the workload ----------------------------------------------------------------------
    def test_at_least_two_gateways_spread_over_nodes(self):
        self.assertGreaterEqual(self.workload["spec"]["replicas"], 2)
        self.assertTrue(manifests.selects(self.workload["spec"]["selector"], self.labels))
        spread = self.pod["topologySpreadConstraints"]
        self.assertTrue(any(c["topologyKey"] == "kubernetes.io/hostname" and
                            manifests.selects(c["labelSelector"], self.labels) for c in spread))

    def test_the_pods_run_restricted(self):
        self.assertEqual(self.namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"], "restricted")
        image_user = containerfile.stages(deploy_file("container", "Containerfile"))[-1].args("USER")[0]
        security = self.pod["securityContext"]
        self.assertIs(security["runAsNonRoot"], True)
        self.assertEqual("%s:%s" % (security["runAsUser"], security["runAsGroup"]), image_user)
        self.assertEqual(security["seccompProfile"]["type"], "RuntimeDefault")
        self.assertIs(self.pod["automountServiceAccountToken"], False)
        for key in ("hostNetwork", "hostPID", "hostIPC"):
            self.assertFalse(self.pod.get(key, False))
        self.assertFalse(any("hostPath" in v for v in self.volumes.values()))
        low_ports = [p for c in manifests.containers(self.workload) for p in c.get("ports", [])
                     if p["containerPort"] < 1024]
        for container in manifests.containers(self.workload):
            with self.subTest(container=container["name"]):
                context = container["securityContext"]
                self.assertIs(context["allowPrivilegeEscalation"], False)
                self.assertIs(context["readOnlyRootFilesystem"], True)
                self.assertFalse(context.get("privileged", False))
                self.assertEqual(context["capabilities"]["drop"], ["ALL"])
                added = context["capabilities"].get("add", [])
                self.assertEqual(added, ["NET_BIND_SERVICE"] if low_ports else [])

    def test_every_container_reserves_and_bounds_its_resources(self):
        for container in manifests.containers(self.workload):
            with self.subTest(container=container["name"]):
                resources = container["resources"]
                self.assertLessEqual({"cpu", "memory"}, set(resources["requests"]))
                self.assertIn("memory", resources["limits"])

    def test_the_container_ports_are_the_configured_listeners(self):
        ports = {p["name"]: p["containerPort"] for p in self.gateway["ports"]}
        self.assertEqual(ports, {"https": port_of(self.config["listen"]),
                                 "enroll": port_of(self.config["enrollment"]["listen"]),
                                 "admin": port_of(self.config["admin"]["listen"])})
        # Listening on every address of the pod, so the Services reach them.
        for address in (self.config["listen"], self.config["enrollment"]["listen"], self.config["admin"]["listen"]):
            self.assertTrue(address.startswith("0.0.0.0:"), address)

    def test_the_probes_ask_the_admin_listener(self):
        admin_port = port_of(self.config["admin"]["listen"])
        expected = {"readinessProbe": "/readyz", "livenessProbe": "/healthz", "startupProbe": "/healthz"}
        image = containerfile.stages(deploy_file("container", "Containerfile"))[-1]
        for probe, path in expected.items():
            with self.subTest(probe=probe):
                command, url = probe_url(self.gateway[probe])
                self.assertEqual(url, "https://localhost:%d%s" % (admin_port, path))
                self.assertIn("localhost:%d:127.0.0.1" % admin_port, command)
                self.assertIn(command[0], image.installed_packages())
                # It presents an operator certificate and checks the listener's: files that
                # are mounted from a Secret or ConfigMap holding them.
                for option in ("--cacert", "--cert", "--key"):
                    path_arg = command[command.index(option) + 1]
                    self.assert_mounted_file(self.gateway, path_arg)
        self.assertIn("admin", self.config)
        self.assertIn("tls", self.config["admin"], "off loopback the admin listener needs TLS")

    def assert_mounted_file(self, container, path):
        found = manifests.mount_of(container, self.volumes, path)
        self.assertIsNotNone(found, "%s is on no volume of %s" % (path, container["name"]))
        mount, volume = found
        source = volume.get("configMap") or volume.get("secret")
        if source:
            kind = "ConfigMap" if "configMap" in volume else "Secret"
            obj = self.object(kind, source.get("name") or source.get("secretName"))
            key = manifests.file_in_volume(mount, path)
            self.assertIn(key, data_keys(obj), "%s: %s %s has no key %s" % (path, kind, obj["metadata"]["name"], key))
        return mount, volume

    # --- files ------------------------------------------------------------------------------
    def test_every_secret_and_config_map_a_volume_names_exists(self):
        for volume in self.volumes.values():
            if "secret" in volume:
                obj = self.object("Secret", volume["secret"]["secretName"])
                self.assertEqual(volume["secret"].get("defaultMode"), 0o440, volume["name"])
            elif "configMap" in volume:
                obj = self.object("ConfigMap", volume["configMap"]["name"])
            else:
                continue
            source = volume.get("secret") or volume.get("configMap")
            for item in source.get("items", []):
                self.assertIn(item["key"], data_keys(obj))

    def init_outputs(self):
        """Paths the init containers' scripts write (cp/install SRC DST)."""
        written = set()
        for container in self.pod.get("initContainers", []):
            script = " ".join(container["command"][2:]) if container["command"][0] == "sh" else \
                " ".join(container["command"])
            for line in re.split(r"[\n;&]", script):
                words = line.split()
                if words and words[0] in ("cp", "install"):
                    written.add(words[-1])
        return written

    def test_every_file_the_configuration_names_is_mounted(self):
        produced = self.init_outputs()
        writes = {"audit.file", "enrollment.ca.crl"}
        for key, path in absolute_paths(self.config):
            with self.subTest(key=key):
                mount, volume = self.assert_mounted_file(self.gateway, path) if key not in writes else \
                    manifests.mount_of(self.gateway, self.volumes, os.path.dirname(path) + "/x")
                if "emptyDir" in volume and key not in writes:
                    self.assertIn(path, produced, "%s is on an empty volume nobody fills" % path)
        # What the gateway writes is on a writable volume; the audit trail on a persistent one.
        audit_mount, audit_volume = manifests.mount_of(self.gateway, self.volumes, self.config["audit"]["file"])
        self.assertIn("persistentVolumeClaim", audit_volume)
        self.assertFalse(audit_mount.get("readOnly", False))
        crl_mount, crl_volume = manifests.mount_of(self.gateway, self.volumes, self.config["enrollment"]["ca"]["crl"])
        self.assertFalse(crl_mount.get("readOnly", False))
        self.assertIn(self.config["enrollment"]["ca"]["crl"], self.config["tls"]["crl"])
        # Several gateways share one registry (PostgreSQL, never a SQLite file per pod) and,
        # for logins valid on every pod, one session store with one cluster secret.
        self.assertIn("postgresql", self.config["registry"])
        self.assertEqual(self.config["auth"]["sessions"]["store"], "redis")
        self.assertIn("secret_file", self.config["cluster"])

    def test_the_configuration_passes_sekisho_check_in_the_pods_file_tree(self):
        require_binaries()
        tmp = tempfile.mkdtemp(prefix="sekisho-k8s-")
        self.addCleanup(shutil.rmtree, tmp, True)
        demo = Demo(os.path.join(tmp, "demo"), free_port(), "http://127.0.0.1:9")
        root = os.path.join(tmp, "pod")

        def here(text):
            return re.sub(r"(?<![\w/])(%s)(?=/|\b)" % "|".join(map(re.escape, POD_ROOTS)),
                          lambda m: root + m.group(1), text)

        for container in manifests.containers(self.workload):
            for mount in container.get("volumeMounts", []):
                self.materialise(mount, self.volumes[mount["name"]], root, demo, here)
        for container in self.pod.get("initContainers", []):
            script = here(container["command"][-1])
            proc = subprocess.run(["sh", "-ec", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            self.assertEqual(proc.returncode, 0, "init container %s: %s" % (container["name"], proc.stdout))
        config_path = root + "/etc/sekisho/sekisho.yaml"
        proc = subprocess.run([SEKISHO_BIN, "--config", config_path, "--check"], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stdout)

    def materialise(self, mount, volume, root, demo, here):
        target = root + mount["mountPath"]
        source = volume.get("configMap") or volume.get("secret")
        if not source:
            os.makedirs(target, exist_ok=True)
            return
        kind = "ConfigMap" if "configMap" in volume else "Secret"
        name = source.get("name") or source.get("secretName")
        obj = self.objects[(kind, name)]
        keys = [mount["subPath"]] if mount.get("subPath") else sorted(data_keys(obj))
        for key in keys:
            path = target if mount.get("subPath") else os.path.join(target, key)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if (name, key) in STAND_INS:
                stand_in = STAND_INS[(name, key)]
                if stand_in is None:
                    with open(path, "w") as f:
                        f.write("a test secret of more than thirty-two bytes\n")
                else:
                    shutil.copy(os.path.join(demo.dir, stand_in), path)
            elif name == "sekisho-config":
                with open(path, "w") as f:
                    f.write(here(obj["data"][key]))
            else:
                self.fail("no stand-in for %s %s key %s: add one to STAND_INS" % (kind, name, key))
            if "secret" in volume:
                os.chmod(path, volume["secret"].get("defaultMode", 0o644))

    # --- Services, budget, shutdown ---------------------------------------------------------
    def test_the_services_lead_to_the_gateways_ports(self):
        services = {name: o for (kind, name), o in self.objects.items() if kind == "Service"}
        self.assertEqual(sorted(services), ["sekisho", "sekisho-admin"])
        for name, service in services.items():
            with self.subTest(service=name):
                self.assertTrue(manifests.selects(service["spec"]["selector"], self.labels))
                for port in service["spec"]["ports"]:
                    self.assertIsNotNone(manifests.port_number(self.gateway, port["targetPort"]), port)
        main = services["sekisho"]["spec"]
        self.assertEqual({p["port"]: manifests.port_number(self.gateway, p["targetPort"]) for p in main["ports"]},
                         {443: port_of(self.config["listen"]), 8444: port_of(self.config["enrollment"]["listen"])})
        self.assertEqual(main["externalTrafficPolicy"], "Local", "the gateway must see terminal addresses")
        if self.config["auth"]["sessions"].get("store", "memory") == "memory":
            # Sessions in one pod's memory: a terminal stays on it for the longest session.
            self.assertEqual(main.get("sessionAffinity"), "ClientIP")
            self.assertGreaterEqual(main["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"], 10 * 3600)
        admin = services["sekisho-admin"]["spec"]
        self.assertEqual(admin["clusterIP"], "None")
        self.assertEqual(self.workload["spec"].get("serviceName"), "sekisho-admin")
        self.assertEqual([manifests.port_number(self.gateway, p["targetPort"]) for p in admin["ports"]],
                         [port_of(self.config["admin"]["listen"])])

    def test_the_disruption_budget_covers_the_gateways_one_at_a_time(self):
        budgets = [o for (kind, _), o in self.objects.items() if kind == "PodDisruptionBudget"]
        self.assertEqual(len(budgets), 1)
        spec = budgets[0]["spec"]
        self.assertTrue(manifests.selects(spec["selector"], self.labels))
        self.assertEqual(spec["selector"]["matchLabels"], self.workload["spec"]["selector"]["matchLabels"])
        self.assertLess(spec["minAvailable"], self.workload["spec"]["replicas"], "a drain must be able to proceed")
        self.assertGreaterEqual(spec["minAvailable"], 1)

    def test_a_stopping_gateway_has_time_to_drain(self):
        drain = int(self.config.get("timeouts", {}).get("drain", "20s").rstrip("s"))
        pause = int(self.gateway["lifecycle"]["preStop"]["exec"]["command"][-1])
        self.assertGreater(self.pod["terminationGracePeriodSeconds"], drain + pause)

    # --- network policies -------------------------------------------------------------------
    def test_the_gateways_own_policy_opens_the_terminal_ports_and_keeps_admin_for_prometheus(self):
        policy = self.object("NetworkPolicy", "sekisho-gateway-ingress")["spec"]
        self.assertTrue(manifests.selects(policy["podSelector"], self.labels))
        self.assertIn("Ingress", policy["policyTypes"])
        open_ports, restricted = set(), set()
        for rule in policy["ingress"]:
            ports = {manifests.port_number(self.gateway, p["port"]) for p in rule["ports"]}
            self.assertNotIn(None, ports, rule)
            (restricted if rule.get("from") else open_ports).update(ports)
        self.assertEqual(open_ports, {port_of(self.config["listen"]), port_of(self.config["enrollment"]["listen"])})
        self.assertEqual(restricted, {port_of(self.config["admin"]["listen"])})

    def test_backends_accept_only_the_gateway_pods(self):
        policy = self.object("NetworkPolicy", "accept-only-sekisho")
        self.assertTrue(self.origin[("NetworkPolicy", "accept-only-sekisho")].startswith("backends/"),
                        "it belongs to the backends' namespace, outside the kustomization")
        spec = policy["spec"]
        self.assertTrue(spec["podSelector"].get("matchLabels"), "only the backend pods, not the whole namespace")
        self.assertEqual(spec["policyTypes"], ["Ingress"])
        namespace_labels = dict(self.namespace["metadata"].get("labels", {}),
                                **{"kubernetes.io/metadata.name": self.namespace["metadata"]["name"]})
        peers = [peer for rule in spec["ingress"] for peer in rule["from"]]
        self.assertTrue(peers)
        for peer in peers:
            self.assertTrue(manifests.selects(peer["podSelector"], self.labels), peer)
            self.assertTrue(manifests.selects(peer["namespaceSelector"], namespace_labels), peer)


if __name__ == "__main__":
    unittest.main()
