#!/usr/bin/env python3
"""Checks that each room of gateway/ includes only itself and the rooms it links.

The rooms and their links are declared once, in gateway/CMakeLists.txt
(sekisho_gateway_room(<room> <rooms it links>...)). Static libraries resolve an upward
symbol at the final link of the daemon, so the link alone does not catch an include against
the layering; this check does (registered in CTest). Exit 1 with one line per offence."""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
gateway = os.path.join(root, "gateway")
with open(os.path.join(gateway, "CMakeLists.txt")) as f:
    cmake = f.read()
links = {}
for m in re.finditer(r"(?m)^sekisho_gateway_room\(([^)]*)\)", cmake):
    room, *deps = m.group(1).split()
    links[room] = set(deps)


def reachable(room):
    seen, todo = set(), [room]
    while todo:
        r = todo.pop()
        for d in links.get(r, ()):
            if d not in seen:
                seen.add(d)
                todo.append(d)
    return seen


offences = []
include = re.compile(r'^\s*#\s*include\s+["<]gateway/([a-z_]+)/([^">]+)[">]')
for room in sorted(links):
    allowed = reachable(room) | {room}
    folder = os.path.join(gateway, room)
    for name in sorted(os.listdir(folder)):
        if not name.endswith((".cpp", ".hpp")):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                m = include.match(line)
                if m and m.group(1) not in allowed:
                    offences.append("gateway/%s/%s:%d: includes gateway/%s/%s, but %s does not link %s" % (
                        room, name, number, m.group(1), m.group(2), room, m.group(1)))
undeclared = sorted(d for d in os.listdir(gateway) if os.path.isdir(os.path.join(gateway, d)) and d not in links)
for d in undeclared:
    offences.append("gateway/%s: a folder that gateway/CMakeLists.txt does not declare as a room" % d)
if not links:
    offences.append("gateway/CMakeLists.txt declares no rooms")
print("\n".join(offences) if offences else "layering: %d rooms, every include runs downward" % len(links))
sys.exit(1 if offences else 0)
