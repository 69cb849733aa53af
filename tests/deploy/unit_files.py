"""Reading systemd unit files the way systemd does, for what the tests check: repeated
keys, the system call filter built line by line, and the address families."""
import functools
import re
import shutil
import subprocess


def directives(path):
    """[(section, key, value)] in file order; comments and blank lines skipped."""
    out, section = [], None
    with open(path) as f:
        for raw in f:
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
                continue
            key, _, value = line.partition("=")
            out.append((section, key.strip(), value.strip()))
    return out


def values(path, key, section="Service"):
    return [v for s, k, v in directives(path) if s == section and k == key]


@functools.lru_cache(maxsize=None)
def syscall_group(name):
    """The system calls of a @group, nested groups expanded (systemd-analyze's own table)."""
    proc = subprocess.run([shutil.which("systemd-analyze") or "systemd-analyze", "syscall-filter", name],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=True)
    calls = set()
    for line in proc.stdout.splitlines()[1:]:  # the first line is the group's own name
        item = line.strip()
        if not item or item.startswith("#"):
            continue
        calls |= syscall_group(item) if item.startswith("@") else {item}
    return frozenset(calls)


def _names(value):
    names = set()
    for item in value.split():
        item = item.split(":", 1)[0]  # name:errno
        names |= syscall_group(item) if item.startswith("@") else {item}
    return names


def allowed_syscalls(path):
    """The allow list SystemCallFilter= lines build, in order (systemd.exec: the first line
    decides allow or deny; each later line adds to or removes from that list). None when
    the unit filters nothing; a pure deny list is not supported here (the units use none)."""
    lines = values(path, "SystemCallFilter")
    if not lines:
        return None
    if lines[0].startswith("~"):
        raise ValueError("%s: a deny-list SystemCallFilter= is not modelled" % path)
    allowed = set()
    for value in lines:
        if value.startswith("~"):
            allowed -= _names(value[1:])
        else:
            allowed |= _names(value)
    return allowed


def address_families(path):
    """The families RestrictAddressFamilies= allows (an allow list), or None."""
    lines = values(path, "RestrictAddressFamilies")
    if not lines:
        return None
    families = set()
    for value in lines:
        if value.startswith("~"):
            raise ValueError("%s: a deny-list RestrictAddressFamilies= is not modelled" % path)
        families |= set(value.split()) - {"none"}
    return families


def exec_paths(path):
    """Absolute executables named by Exec*= lines (prefixes such as '-' or '+' removed)."""
    found = []
    for section, key, value in directives(path):
        if key.startswith("Exec") and value:
            command = re.sub(r"^[-@:+!]+", "", value.split()[0])
            found.append(command)
    return found
