#!/usr/bin/env python3
"""Sekisho against nginx in one run: same certificates, same backend, same client, the
proxy under test pinned to core 0 and the load generator and backend to core 1.

    python3 tests/bench/bench.py --build build [--seconds 5] [--repeat 3] [--json OUT]

Each figure is the median of --repeat runs after a warm-up. Server CPU comes from the
server's own /proc accounting, so it does not depend on the client's speed. Prints a table
of figures and ratios and the targets of issue 6; a measurement, never a test: it does not
fail on speed.
"""
import argparse
import json
import os
import re
import shutil
import ssl
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

from bench_env import CLIENT_CPU, SERVER_CPU, Environment, pinned

BENCH_PASSWORD = "Kq7#tram-Vy2"


def median_of(runs, key):
    return statistics.median(r[key] for r in runs)


def measure(server, repeat, run):
    """run() → loadgen JSON; adds cpu_us per request from the server's CPU time."""
    results = []
    for _ in range(repeat):
        before = server.cpu_seconds()
        r = run()
        r["cpu_us"] = (server.cpu_seconds() - before) * 1e6 / max(r["requests"], 1)
        results.append(r)
    return {k: median_of(results, k) for k in results[0]}


def crypto_floor():
    """µs of one full mutual-TLS 1.3 handshake's public-key work on the server, from openssl
    speed on core 0: X25519 (key generation + derivation, 2 operations), one ECDSA P-256
    signature (CertificateVerify) and two verifications (the client certificate's signature
    and the client's CertificateVerify)."""
    out = subprocess.run(pinned(SERVER_CPU, ["openssl", "speed", "-seconds", "2", "ecdhx25519", "ecdsap256"]),
                         capture_output=True, text=True, timeout=120).stdout
    x25519 = float(re.search(r"ecdh \(X25519\)\s+\S+s\s+([\d.]+)", out).group(1))
    sign, verify = (float(v) for v in re.search(r"ecdsa \(nistp256\)\s+\S+s\s+\S+s\s+([\d.]+)\s+([\d.]+)", out).groups())
    return {"x25519_per_s": x25519, "sign_per_s": sign, "verify_per_s": verify,
            "floor_us": 2e6 / x25519 + 1e6 / sign + 2e6 / verify}


def s_time(env, port, server, seconds, reuse):
    """openssl s_time handshakes/s (one connection at a time) and server CPU µs each."""
    cmd = ["openssl", "s_time", "-connect", "127.0.0.1:%d" % port, "-reuse" if reuse else "-new",
           "-cert", env.info["device"]["cert"], "-key", env.info["device"]["key"],
           "-CAfile", os.path.join(env.pki, "root-ca.crt"), "-time", str(int(seconds))]
    before = server.cpu_seconds()
    out = subprocess.run(pinned(CLIENT_CPU, cmd), capture_output=True, text=True, timeout=seconds + 60).stdout
    cpu = server.cpu_seconds() - before
    m = re.findall(r"(\d+) connections in ([\d.]+)s;", out)
    count, real = (int(m[-1][0]), float(m[-1][1])) if m else (0, 1.0)
    return {"requests": count, "rate": count / max(real, 1e-9), "cpu_us": cpu * 1e6 / max(count, 1)}


def idle_memory(env, server, port, count, headers=()):
    """RSS growth per idle mutual-TLS connection (KiB), with `count` connections held open."""
    time.sleep(1)
    before = server.rss_kib()
    proc = env.loadgen_process(port, count, "idle", headers=headers)
    line = proc.stdout.readline()
    ready = json.loads(line) if line.strip() else {"ready": 0, "failed": count}
    time.sleep(1)
    after = server.rss_kib()
    proc.stdin.close()
    proc.wait(timeout=120)
    return {"ready": ready["ready"], "failed": ready["failed"], "rss_before_kib": before, "rss_after_kib": after,
            "kib_per_conn": (after - before) / max(ready["ready"], 1)}


def revocation_times(env, rounds=3, port=None):
    """Seconds from `sekishoctl device revoke` to the first refused handshake on port (the
    gateway's, or another instance's on the same registry), per round."""
    port = port or env.ports["sekisho"]
    times = []
    for i in range(rounds):
        cert, key, device = env.new_terminal("bench-revoke-%d-%d" % (port, i))
        ctx = env.tls_context(cert, key)

        def refused():
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
                    with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                        tls.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
                        return not tls.recv(1)
            except (ssl.SSLError, OSError):
                return True

        admitted_by = time.monotonic() + 10
        while refused():  # until the registry poll has admitted the new terminal
            if time.monotonic() > admitted_by:
                raise RuntimeError("the new terminal was not admitted within 10 s of its registration")
            time.sleep(0.05)
        started = time.monotonic()
        revoke = threading.Thread(target=env.ctl, args=("device", "revoke", device, "--reason", "keyCompromise"))
        revoke.start()
        while not refused():
            if time.monotonic() - started > 30:
                raise RuntimeError("still admitted 30 s after the revocation")
            time.sleep(0.005)
        times.append(time.monotonic() - started)
        revoke.join()
    return times


def logout_times(env, port_b, rounds=20):
    """Seconds from a logout on A to the first refusal of that session on B (which served
    it just before, so holds a local copy), per round."""
    times = []
    for _ in range(rounds):
        cookie = "Cookie: " + env.login("bench.user", BENCH_PASSWORD)
        value = cookie.split(": ", 1)[1]
        if env.session_status(value, port_b) != 200:
            raise RuntimeError("B did not serve a session made on A")
        started = time.monotonic()
        logout = threading.Thread(target=env.logout, args=(value,))
        logout.start()
        while env.session_status(value, port_b) == 200:
            if time.monotonic() - started > 30:
                raise RuntimeError("B still served the session 30 s after the logout on A")
        times.append(time.monotonic() - started)
        logout.join()
    return times


def large_crl(env, entries):
    """The device CA's CRL with `entries` more revoked serials (a fleet's years of replaced and
    lost terminals), given to both servers. Sekisho's enrollment section goes: it would re-sign
    the CRL from its registry, which does not hold these (issue 18's --fleet will fill it)."""
    index = os.path.join(env.ca_db.workdir, "index.txt")
    with open(index, "a") as f:
        for i in range(entries):
            f.write("R\t351231000000Z\t250101000000Z,superseded\t%08X%08X\tunknown\t/CN=old-%d\n"
                    % (0x7A000000 + i, i * 7919 & 0xFFFFFFFF, i))
    crl = os.path.join(env.pki, "device-ca.crl")
    env.ca_db.gencrl(crl, days=30)
    with open(os.path.join(env.work, "crls.pem"), "w") as out:
        for name in ("device-ca.crl", "root-ca.crl"):
            with open(os.path.join(env.pki, name)) as f:
                out.write(f.read())
    with open(env.config) as f:
        text = f.read()
    text = re.sub(r"(?ms)^enrollment:.*?(?=^\S)", "", text)
    with open(env.config, "w") as f:
        f.write(text)
    return os.path.getsize(crl)


def fill_fleet(env, devices, share):
    """The registry filled with `devices` terminals, `share` of them revoked, through the
    store's own API (tests/bench/fleet.cpp); then the gateway started once on its own — it
    copies the new ledger rows into its audit trail and signs the device CA's CRL from the
    registry, both once — and that CRL handed to nginx too. Returns what the filler printed,
    the CRL's size and entries, and the gateway's start-up time on a second start (to
    /healthz), which is what an operator restarting it waits for."""
    out = subprocess.run([os.path.join(env.build, "tests", "sekisho-fleet"), "--config", env.config, "--devices",
                          str(devices), "--revoked-share", str(share)],
                         capture_output=True, text=True, timeout=4 * 3600)
    if out.returncode != 0:
        raise RuntimeError("sekisho-fleet failed: %s" % out.stderr)
    filled = json.loads(out.stdout.strip().splitlines()[-1])
    env.time_start_up(timeout=3600)  # the first start copies the ledger into the audit trail
    starts = [env.time_start_up(settle=5) for _ in range(3)]
    filled["start_up_s"] = statistics.median(seconds for seconds, _ in starts)
    filled["rss_kib_settled"] = statistics.median(rss for _, rss in starts)
    crl = os.path.join(env.pki, "device-ca.crl")
    with open(os.path.join(env.work, "crls.pem"), "w") as out_file:
        for name in ("device-ca.crl", "root-ca.crl"):
            with open(os.path.join(env.pki, name)) as f:
                out_file.write(f.read())
    text = subprocess.run(["openssl", "crl", "-in", crl, "-noout", "-text"], capture_output=True, text=True).stdout
    filled["crl_entries"] = text.count("Serial Number:")
    filled["crl_bytes"] = os.path.getsize(crl)
    return filled


def run(args):
    work = tempfile.mkdtemp(prefix="sekisho-bench-")
    env = Environment(os.path.abspath(args.build), work, args.registry, args.sessions)
    crl_bytes = large_crl(env, args.crl_entries) if args.crl_entries else None
    fleet = fill_fleet(env, args.fleet, args.revoked_share) if args.fleet else None
    env.start()
    results = {"machine": machine(), "seconds": args.seconds, "repeat": args.repeat, "registry": args.registry,
               "sessions": args.sessions, "crl_entries": args.crl_entries, "crl_bytes": crl_bytes, "fleet": fleet,
               "rss_kib_at_start": {"sekisho": env.sekisho.rss_kib(), "nginx": env.nginx.rss_kib()}}
    try:
        env.add_user("bench.user", BENCH_PASSWORD)
        env.add_user("storm.user", BENCH_PASSWORD)
        cookie = "Cookie: " + env.login("bench.user", BENCH_PASSWORD)
        servers = {"sekisho": (env.sekisho, env.ports["sekisho"], [cookie]),
                   "nginx": (env.nginx, env.ports["nginx"], []),
                   "nginx+access_log": (env.nginx, env.ports["nginx_logged"], []),
                   "nginx+auth_request": (env.nginx, env.ports["nginx_auth"], [])}
        s, n = args.seconds, args.repeat
        for name, (proc, port, headers) in servers.items():  # warm-up
            env.loadgen(port, 1, 8, headers=headers)
        results["crypto"] = crypto_floor()
        for label, mode in (("full_handshake", "new"), ("resumed_handshake", "resume")) if "handshakes" in args.only else ():
            results[label] = {}
            for name in ("sekisho", "nginx"):
                proc, port, headers = servers[name]
                results[label][name] = {
                    "loadgen": measure(proc, n, lambda: env.loadgen(port, s, 16, mode=mode, headers=headers)),
                    "s_time": measure(proc, 1, lambda: s_time(env, port, proc, s, mode == "resume"))}
        for name, (proc, port, headers) in servers.items() if "keepalive" in args.only else ():
            redis_before = env.redis_cpu_seconds()
            results.setdefault("keepalive", {})[name] = {
                "saturation": measure(proc, n, lambda: env.loadgen(port, s, 16, headers=headers)),
                "fixed_rate": measure(proc, n, lambda: env.loadgen(port, s, 16, rate=args.rate, headers=headers))}
            if name == "sekisho" and env.redis:
                results["keepalive"][name]["redis_cpu_s"] = env.redis_cpu_seconds() - redis_before
        if "memory" in args.only:
            results["idle_memory"] = {name: idle_memory(env, servers[name][0], servers[name][1], args.idle,
                                                        servers[name][2]) for name in ("sekisho", "nginx")}
        if "storm" in args.only:
            results["login_storm"] = login_storm(env, servers["sekisho"], args)
        if "revocation" in args.only:
            results["revocation_s"] = revocation_times(env)
        port_b = None
        if "revocation_cross" in args.only:
            port_b = env.start_second_gateway()
            results["revocation_cross_s"] = revocation_times(env, 20, port_b)
        if "logout_cross" in args.only:
            results["logout_cross_s"] = logout_times(env, port_b or env.start_second_gateway())
        if "slowloris" in args.only:
            results["slow_clients"] = slow_clients(env, servers["sekisho"], args)
    finally:
        env.stop()
        if not args.keep_work:  # a million-device registry and its audit trail are gigabytes
            shutil.rmtree(work, ignore_errors=True)
    return results


def login_storm(env, server, args):
    """Proxied p99 at the fixed rate, alone and while Argon2id logins run at full speed.
    The rounds alternate (alone, during, alone, during, ...) so that a shared machine's
    drift shows in both halves instead of in their ratio."""
    proc, port, headers = server
    body = json.dumps({"username": "storm.user", "password": BENCH_PASSWORD})
    proxied = lambda: env.loadgen(port, args.seconds, 16, rate=args.rate, headers=headers)
    alone, during, logins = [], [], []
    for _ in range(args.repeat):
        alone.append(measure(proc, 1, proxied))
        storm = env.loadgen_process(port, 2, "keepalive", seconds=args.seconds + 2, extra=[
            "--method", "POST", "--path", "/_sekisho/api/login", "--body", body,
            "--header", "Content-Type: application/json", "--header", "Accept: application/json"])
        time.sleep(1)
        during.append(measure(proc, 1, proxied))
        out, _ = storm.communicate(timeout=args.seconds + 120)
        if out.strip():
            logins.append(json.loads(out.strip().splitlines()[-1]))
    medians = lambda rs: {k: median_of(rs, k) for k in rs[0]}
    return {"alone": medians(alone), "during": medians(during), "logins": medians(logins) if logins else {}}


class SlowClients:
    """count connections from another loopback address that never finish their TLS handshake:
    half send nothing, half trickle a ClientHello a byte a second (slowloris). Those the
    gateway closes (timeouts.handshake) are opened again, so the pressure holds."""

    HELLO = bytes([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]) + bytes(500)

    def __init__(self, port, count, source="127.0.0.2"):
        self.port, self.count, self.source = port, count, source
        self.stop = threading.Event()
        self.opened = 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((self.source, 0))
        s.connect_ex(("127.0.0.1", self.port))
        self.opened += 1
        return [s, 0]

    def _run(self):
        conns = [self._open() for _ in range(self.count)]
        while not self.stop.wait(1.0):
            for i, (s, sent) in enumerate(conns):
                try:
                    if i % 2 and sent < len(self.HELLO):
                        s.send(self.HELLO[sent:sent + 1])
                        conns[i][1] += 1
                    elif s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"":
                        raise ConnectionResetError()
                except BlockingIOError:
                    pass
                except OSError:
                    s.close()
                    conns[i] = self._open()
        for s, _ in conns:
            s.close()

    def __enter__(self):
        self.thread.start()
        time.sleep(2)  # all of them connected and waiting
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


def slow_clients(env, server, args):
    """A terminal's proxied p99 at the fixed rate, alone and while 1,000 slow clients hold
    connections (issue 12): rounds alternate, like the login storm."""
    proc, port, headers = server
    proxied = lambda: env.loadgen(port, args.seconds, 16, rate=args.rate, headers=headers)
    alone, during, opened = [], [], 0
    for _ in range(args.repeat):
        alone.append(measure(proc, 1, proxied))
        with SlowClients(port, 1000) as slow:
            during.append(measure(proc, 1, proxied))
        opened += slow.opened
    medians = lambda rs: {k: median_of(rs, k) for k in rs[0]}
    return {"alone": medians(alone), "during": medians(during), "slow_connections_opened": opened}


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    nginx = subprocess.run(["/usr/sbin/nginx", "-v"], capture_output=True, text=True).stderr.strip()
    openssl = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
    return {"cpu": model, "cores": os.cpu_count(), "kernel": os.uname().release, "nginx": nginx, "openssl": openssl}


def report(r):
    rows = []

    def row(what, sek, ngx, unit, better="lower", note=""):
        ratio = sek / ngx if ngx else float("nan")
        rows.append("%-44s %12.1f %12.1f %8.2f  %s %s" % (what, sek, ngx, ratio, unit, note))

    floor = r["crypto"]["floor_us"]
    print("machine: %(cpu)s, %(cores)d cores, kernel %(kernel)s, %(nginx)s, %(openssl)s" % r["machine"])
    print("medians of %d runs of %gs; sekisho and nginx pinned to core 0, client and backend to core 1; "
          "registry: %s; sessions: %s" % (r["repeat"], r["seconds"], r.get("registry", "sqlite"),
                                          r.get("sessions", "memory")))
    fleet = r.get("fleet")
    if fleet:
        print("fleet: %d devices (%d revoked, registered in %.0f s through the store API); device CA's CRL from the "
              "registry: %d entries, %d bytes, checked by both servers" % (
                  fleet["devices"], fleet["revoked"], fleet["register_s"], fleet["crl_entries"], fleet["crl_bytes"]))
        print("sekisho start-up to /healthz: %.2f s, resident 5 s later: %d KiB; resident memory at start: sekisho %d "
              "KiB, nginx %d KiB" % (fleet["start_up_s"], fleet["rss_kib_settled"], r["rss_kib_at_start"]["sekisho"],
                                     r["rss_kib_at_start"]["nginx"]))
    if r.get("crl_entries"):
        print("device CA's CRL: %d revoked entries, %d bytes; resident memory at start: sekisho %d KiB, nginx %d KiB" % (
            r["crl_entries"], r["crl_bytes"], r["rss_kib_at_start"]["sekisho"], r["rss_kib_at_start"]["nginx"]))
    print("crypto floor of one full handshake (X25519 x2 + P-256 sign + 2 verifies): %.1f us" % floor)
    print("%-44s %12s %12s %8s" % ("figure", "sekisho", "nginx", "ratio"))
    for label in ("full_handshake", "resumed_handshake") if "full_handshake" in r else ():
        sk, ng = r[label]["sekisho"], r[label]["nginx"]
        row(label + ": server CPU us (loadgen, 16 conns)", sk["loadgen"]["cpu_us"], ng["loadgen"]["cpu_us"], "us")
        row(label + ": handshakes/s (loadgen)", sk["loadgen"]["rate"], ng["loadgen"]["rate"], "/s", "higher")
        row(label + ": handshakes/s (s_time)", sk["s_time"]["rate"], ng["s_time"]["rate"], "/s", "higher")
        row(label + ": server CPU us (s_time)", sk["s_time"]["cpu_us"], ng["s_time"]["cpu_us"], "us")
        row(label + ": p99 ms (loadgen)", sk["loadgen"]["p99_ms"], ng["loadgen"]["p99_ms"], "ms")
        if label == "full_handshake":
            row("  x crypto floor (server CPU / floor)", sk["loadgen"]["cpu_us"] / floor,
                ng["loadgen"]["cpu_us"] / floor, "x")
        row(label + ": resumed by the server (loadgen)", sk["loadgen"]["resumed"], ng["loadgen"]["resumed"], "")
    ka = r.get("keepalive")
    for base in ("nginx", "nginx+access_log", "nginx+auth_request") if ka else ():
        if base not in ka:
            continue
        row("keep-alive req/s at saturation vs " + base, ka["sekisho"]["saturation"]["rate"],
            ka[base]["saturation"]["rate"], "/s", "higher")
        row("keep-alive server CPU us/request vs " + base, ka["sekisho"]["saturation"]["cpu_us"],
            ka[base]["saturation"]["cpu_us"], "us")
        row("server CPU us/request at a fixed rate vs " + base, ka["sekisho"]["fixed_rate"]["cpu_us"],
            ka[base]["fixed_rate"]["cpu_us"], "us")
        for p in ("p50_ms", "p99_ms", "max_ms"):
            row("%s at a fixed rate vs %s" % (p, base), ka["sekisho"]["fixed_rate"][p], ka[base]["fixed_rate"][p], "ms")
    mem = r.get("idle_memory")
    if mem:
        row("RSS growth KiB per idle mTLS connection", mem["sekisho"]["kib_per_conn"], mem["nginx"]["kib_per_conn"], "KiB")
    for line in rows:
        print(line)
    targets = []
    if "full_handshake" in r:
        sk_hs, ng_hs = r["full_handshake"]["sekisho"]["loadgen"]["cpu_us"], r["full_handshake"]["nginx"]["loadgen"]["cpu_us"]
        targets.append(("server CPU per full handshake <= nginx's", sk_hs <= ng_hs, "%.0f vs %.0f us" % (sk_hs, ng_hs)))
    if ka:
        targets.append(("server CPU per keep-alive request <= nginx's (no session check)",
                        ka["sekisho"]["saturation"]["cpu_us"] <= ka["nginx"]["saturation"]["cpu_us"],
                        "%.1f vs %.1f us" % (ka["sekisho"]["saturation"]["cpu_us"], ka["nginx"]["saturation"]["cpu_us"])))
    if mem:
        targets.append(("memory per idle connection <= 1.2 x nginx's",
                        mem["sekisho"]["kib_per_conn"] <= 1.2 * mem["nginx"]["kib_per_conn"],
                        "%.1f vs %.1f KiB" % (mem["sekisho"]["kib_per_conn"], mem["nginx"]["kib_per_conn"])))
    storm = r.get("login_storm")
    if storm:
        storm_ratio = storm["during"]["p99_ms"] / max(storm["alone"]["p99_ms"], 1e-9)
        targets.append(("a login storm raises proxied p99 by < 2x", storm_ratio < 2, "x%.2f" % storm_ratio))
        print("login storm: proxied p99 %.2f ms alone, %.2f ms during %s logins/s (x%.2f)" % (
            storm["alone"]["p99_ms"], storm["during"]["p99_ms"], storm["logins"].get("rate", "?"), storm_ratio))
    slow = r.get("slow_clients")
    if slow:
        slow_ratio = slow["during"]["p99_ms"] / max(slow["alone"]["p99_ms"], 1e-9)
        targets.append(("1,000 slow clients raise a terminal's proxied p99 by < 2x", slow_ratio < 2, "x%.2f" % slow_ratio))
        print("slow clients: proxied p99 %.2f ms alone, %.2f ms beside 1,000 unfinished handshakes (x%.2f; %d opened)" % (
            slow["alone"]["p99_ms"], slow["during"]["p99_ms"], slow_ratio, slow["slow_connections_opened"]))
    rev = r.get("revocation_s")
    if rev:
        targets.append(("revocation takes effect in < 2 s", statistics.median(rev) < 2, "%.2f s" % statistics.median(rev)))
        print("revocation to refusal: %s s (median %.2f s)" % (", ".join("%.2f" % t for t in rev), statistics.median(rev)))
    cross = r.get("revocation_cross_s")
    if cross:
        targets.append(("revocation refused by the other instance in < 1 s (max of %d)" % len(cross), max(cross) < 1,
                        "median %.3f s, max %.3f s" % (statistics.median(cross), max(cross))))
        print("revocation through sekishoctl to refusal on the other instance: median %.3f s, max %.3f s over %d" %
              (statistics.median(cross), max(cross), len(cross)))
    logout = r.get("logout_cross_s")
    if logout:
        targets.append(("a logout refused by the other instance in < 1 s (max of %d)" % len(logout), max(logout) < 1,
                        "median %.3f s, max %.3f s" % (statistics.median(logout), max(logout))))
        print("logout on A to refusal on B: median %.3f s, max %.3f s over %d" %
              (statistics.median(logout), max(logout), len(logout)))
    if ka and "redis_cpu_s" in ka["sekisho"]:
        print("redis-server CPU during sekisho's keep-alive runs: %.2f s" % ka["sekisho"]["redis_cpu_s"])
    print("targets:")
    for what, met, figure in targets:
        print("  [%s] %s (%s)" % ("met" if met else "MISSED", what, figure))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rate", type=float, default=2000, help="offered requests/s for the latency figures")
    ap.add_argument("--idle", type=int, default=5000, help="idle connections for the memory figure")
    ap.add_argument("--json", help="also write the raw results here")
    ap.add_argument("--keep-work", action="store_true", help="keep the run's folder (registry, logs) in /tmp")
    ap.add_argument("--registry", choices=("sqlite", "postgresql"), default="sqlite",
                    help="the registry backend (postgresql: a throw-away server, the demo registry copied in)")
    ap.add_argument("--crl-entries", type=int, default=0,
                    help="revoked serials added to the device CA's CRL that both servers check (issue 18)")
    ap.add_argument("--fleet", type=int, default=0,
                    help="fill the registry with N terminals first (a share revoked, whole facilities of 100): "
                         "start-up, memory, handshakes and revocation at that size (issue 18)")
    ap.add_argument("--revoked-share", type=float, default=0.1, help="with --fleet: the share of terminals revoked")
    ap.add_argument("--sessions", choices=("memory", "redis"), default="memory",
                    help="the session store (redis: a throw-away redis-server)")
    sections = ("handshakes", "keepalive", "memory", "storm", "revocation", "slowloris", "revocation_cross",
                "logout_cross")
    ap.add_argument("--only", default=",".join(sections),
                    help="comma-separated sections to run: " + ", ".join(sections) + " (default: all)")
    args = ap.parse_args()
    if args.fleet and args.crl_entries:
        ap.error("--fleet and --crl-entries: the fleet's CRL comes from its registry")
    args.only = set(args.only.split(","))
    if not args.only <= set(sections):
        ap.error("--only: unknown section(s) %s" % ", ".join(sorted(args.only - set(sections))))
    if "revocation_cross" in args.only and args.registry != "postgresql":
        if "--only" in " ".join(sys.argv):
            ap.error("--only revocation_cross needs --registry postgresql (two gateways share it)")
        args.only.discard("revocation_cross")
    if "logout_cross" in args.only and (args.registry != "postgresql" or args.sessions != "redis"):
        if "--only" in " ".join(sys.argv):
            ap.error("--only logout_cross needs --registry postgresql --sessions redis (two gateways share both)")
        args.only.discard("logout_cross")
    results = run(args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
