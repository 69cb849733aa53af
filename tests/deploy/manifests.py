"""The Kubernetes manifests of deploy/kubernetes/ as objects, and the questions the tests
ask of them: which object a name refers to, whether a selector picks a set of labels,
where in a pod a file path lands."""
import os
import posixpath

import yaml

from deploy_paths import deploy_file

ROOT = deploy_file("kubernetes")


def load(root=ROOT):
    """{(kind, name): object} for every document of every .yaml under root, and the file
    each came from ({(kind, name): relative path})."""
    objects, origin = {}, {}
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")) or name == "kustomization.yaml":
                continue
            path = os.path.join(folder, name)
            with open(path) as f:
                for doc in yaml.safe_load_all(f):
                    if not doc:
                        continue
                    key = (doc["kind"], doc["metadata"]["name"])
                    if key in objects:
                        raise AssertionError("%s/%s defined twice" % key)
                    objects[key] = doc
                    origin[key] = os.path.relpath(path, root)
    return objects, origin


def selects(selector, labels):
    """A label selector ({matchLabels, matchExpressions} or a plain map) picks labels."""
    if selector is None:
        return False
    match = selector.get("matchLabels", selector if "matchExpressions" not in selector else {})
    if not all(labels.get(k) == v for k, v in match.items()):
        return False
    for expr in selector.get("matchExpressions", []):
        key, op, values = expr["key"], expr["operator"], expr.get("values", [])
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and labels.get(key) in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def pod_spec(workload):
    return workload["spec"]["template"]["spec"]


def containers(workload, init=True):
    spec = pod_spec(workload)
    return spec.get("containers", []) + (spec.get("initContainers", []) if init else [])


def mount_of(container, volumes, path):
    """(mount, volume) under which path lies in the container, the deepest mount first."""
    best = None
    for mount in container.get("volumeMounts", []):
        target = mount["mountPath"]
        sub = mount.get("subPath")
        if path == target or (not sub and path.startswith(target.rstrip("/") + "/")):
            if best is None or len(target) > len(best[0]["mountPath"]):
                best = (mount, volumes[mount["name"]])
    return best


def file_in_volume(mount, path):
    """The key (file name) path refers to inside the mounted ConfigMap or Secret."""
    if mount.get("subPath"):
        return mount["subPath"]
    return posixpath.relpath(path, mount["mountPath"])


def volume_claims(workload):
    return {t["metadata"]["name"]: t for t in workload["spec"].get("volumeClaimTemplates", [])}


def port_number(container, port):
    """A named or numbered container port → its number (or None)."""
    for p in container.get("ports", []):
        if port in (p.get("name"), p["containerPort"]):
            return p["containerPort"]
    return None
