#!/usr/bin/env python3
"""Sekisho against nginx in the same run, same certificates, same backend, same client.

Both proxies terminate TLS 1.3 with a mandatory client certificate (device CA + CRLs) and
forward to one nginx backend serving a small static body over keep-alive. The client is
sekisho-loadgen (C++; presents the demo terminal certificate). Each proxy gets one worker,
so the load generator keeps a core of its own on a 2-core machine.

    python3 tests/bench/bench.py --build build [--seconds 10] [--connections 16]

Prints one line per workload and the ratio sekisho/nginx (rate: higher is better;
latency: lower is better). This is a measurement, not a test: it never fails on speed.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("nothing listens on %d" % port)


def nginx_conf(work, backend_port, proxy_port, pki):
    return """
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fcgi; uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    upstream backend {{ server 127.0.0.1:{backend_port}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{backend_port};
        keepalive_requests 1000000;
        location / {{ return 200 "hello from the backend\\n"; }}
    }}
    server {{
        listen 127.0.0.1:{proxy_port} ssl;
        ssl_protocols TLSv1.3;
        ssl_certificate {pki}/server.crt;
        ssl_certificate_key {pki}/server.key;
        ssl_client_certificate {pki}/device-ca-bundle.pem;
        ssl_verify_client on;
        ssl_verify_depth 2;
        ssl_crl {work}/crls.pem;
        ssl_session_tickets off;
        ssl_session_cache off;
        keepalive_requests 1000000;
        location / {{
            proxy_pass http://backend;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Device $ssl_client_fingerprint;
        }}
    }}
}}
""".format(work=work, backend_port=backend_port, proxy_port=proxy_port, pki=pki)


def run_load(loadgen, port, pki, seconds, connections, new_conn):
    cmd = [loadgen, "--port", str(port), "--sni", "localhost", "--cert", pki + "/device.crt",
           "--key", pki + "/device.key", "--ca", pki + "/root-ca.crt", "--seconds", str(seconds),
           "--connections", str(connections), "--new-conn", "1" if new_conn else "0"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    if out.returncode != 0:
        raise RuntimeError("loadgen failed: %s %s" % (out.stdout, out.stderr))
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    sekishoctl = os.path.join(build, "ctl", "sekishoctl")
    sekisho = os.path.join(build, "gateway", "sekisho")
    loadgen = os.path.join(build, "tests", "sekisho-loadgen")
    nginx = "/usr/sbin/nginx"

    work = tempfile.mkdtemp(prefix="sekisho-bench-")
    backend_port, nginx_port, gw_port = free_port(), free_port(), free_port()
    demo = os.path.join(work, "demo")
    subprocess.run([sekishoctl, "demo", "init", demo, "--listen", "127.0.0.1:%d" % gw_port,
                    "--upstream", "http://127.0.0.1:%d" % backend_port], check=True, capture_output=True)
    pki = os.path.join(demo, "pki")
    with open(os.path.join(work, "crls.pem"), "w") as f:
        for name in ("device-ca.crl", "root-ca.crl"):
            f.write(open(os.path.join(pki, name)).read())
    # Same conditions for both: one worker, access logging off, resumption off.
    cfg_path = os.path.join(demo, "sekisho.yaml")
    cfg = open(cfg_path).read()
    cfg = cfg.replace("workers: 0", "workers: 1").replace("level: info", "level: warn")
    cfg = cfg.replace("session_tickets: true", "session_tickets: false")
    open(cfg_path, "w").write(cfg)
    for d in ("body", "proxy", "fcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(work, d), exist_ok=True)
    conf = os.path.join(work, "nginx.conf")
    open(conf, "w").write(nginx_conf(work, backend_port, nginx_port, pki))

    procs = []
    try:
        procs.append(subprocess.Popen([nginx, "-c", conf, "-p", work], stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen([sekisho, "--config", cfg_path],
                                      stderr=open(os.path.join(work, "sekisho.log"), "w")))
        for p in (backend_port, nginx_port, gw_port):
            wait_port(p)
        results = []
        for label, new_conn in (("keep-alive requests", False), ("full handshakes", True)):
            ng = run_load(loadgen, nginx_port, pki, args.seconds, args.connections, new_conn)
            gw = run_load(loadgen, gw_port, pki, args.seconds, args.connections, new_conn)
            results.append((label, gw, ng))
        print("workload              | sekisho rate/s | nginx rate/s | rate ratio | sekisho p99 ms | nginx p99 ms | errors (s/n)")
        for label, gw, ng in results:
            print("%-21s | %14.1f | %12.1f | %10.2f | %14.2f | %12.2f | %d/%d" % (
                label, gw["rate"], ng["rate"], gw["rate"] / max(ng["rate"], 1e-9),
                gw["p99_ms"], ng["p99_ms"], gw["errors"], ng["errors"]))
        print(json.dumps({label: {"sekisho": gw, "nginx": ng} for label, gw, ng in results}))
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    sys.exit(main())
