"""Loopback ports for the servers a test starts (the gateway's listeners, PostgreSQL, Redis).

Below Linux's ephemeral range (32768-60999), so that no client socket of a test running
beside this one can hold the port between the moment it is picked and the moment the server
binds it: a port the kernel hands out for `bind(0)` is exactly such an ephemeral port, and a
parallel test's curl or load generator could take it as its source port in between (seen as
"bind: Address already in use" in CI). Each process walks its own stretch of the range from
an offset its pid gives, so two tests running at once do not pick the same ports either."""
import os
import socket

_LOW, _HIGH = 20000, 32000
_next = None


def free_port():
    global _next
    if _next is None:
        _next = _LOW + (os.getpid() * 997) % (_HIGH - _LOW)
    for _ in range(_HIGH - _LOW):
        port = _next
        _next = _LOW + (_next + 1 - _LOW) % (_HIGH - _LOW)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError("no free loopback port between %d and %d" % (_LOW, _HIGH))
