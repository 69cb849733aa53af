"""The example HAProxy configuration made runnable here: its two certificate files
generated, its addresses pointed at local gateways, and HAProxy's view of its servers read
from the runtime API (`show stat`)."""
import csv
import io
import os
import re
import socket

from deploy_paths import deploy_file

EXAMPLE = deploy_file("haproxy", "haproxy.cfg")
FILES = "/etc/haproxy/sekisho/"


def read_example():
    with open(EXAMPLE) as f:
        return f.read()


def with_files(text, directory):
    """The example with its certificate files taken from directory."""
    return text.replace(FILES, directory.rstrip("/") + "/")


def with_local_gateways(text, binds, gateways, stats_socket):
    """binds: {':443': port, ...}; gateways: [(server-name suffix, {example port: local
    port}, admin port)] in the order of the example's servers (gw-a, gw-b)."""
    for example, port in binds.items():
        text = re.sub(r"(?m)^(\s*bind )%s$" % re.escape(example), r"\g<1>127.0.0.1:%d" % port, text)
    addresses = {"10.0.1.11": gateways[0], "10.0.1.12": gateways[1]}

    def server(match):
        indent, name, address, port, rest = match.groups()
        ports, admin_port = addresses[address][0], addresses[address][1]
        line = "%sserver %s 127.0.0.1:%d%s" % (indent, name, ports[int(port)], rest)
        # Both gateways run on this host: each has its own admin port.
        return line if "no-check" in rest else line + " port %d" % admin_port
    text = re.sub(r"(?m)^(\s*)server (\S+) (10\.0\.1\.1[12]):(\d+)(.*)$", server, text)
    # Its log to its own stdout, and a connection limit this test's descriptors allow.
    text = text.replace("    log /dev/log local0\n", "    log stdout format raw local0\n")
    text = re.sub(r"(?m)^(\s*maxconn )\d+$", r"\g<1>1000", text)
    return text.replace("\nglobal\n", "\nglobal\n    stats socket %s level admin\n" % stats_socket, 1)


def show_stat(stats_socket):
    """[{pxname, svname, status, check_status, check_code, ...}] from the runtime API."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(stats_socket)
        s.sendall(b"show stat\n")
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    text = data.decode().lstrip("# ")
    return list(csv.DictReader(io.StringIO(text)))


def server_state(stats_socket, backend, server):
    for row in show_stat(stats_socket):
        if row["pxname"] == backend and row["svname"] == server:
            return row
    return None


def config_sections(text):
    """{('backend', 'name'): [lines]} (also frontend, defaults, global), comments dropped."""
    sections, current = {}, None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if not line.strip():
            continue
        if not raw[0].isspace():
            words = line.split()
            current = (words[0], words[1] if len(words) > 1 else "")
            sections[current] = []
        elif current:
            sections[current].append(line.strip())
    return sections
