#!/usr/bin/env python3
"""A sample backend that answers every request with the request it received, as JSON.

    python3 echo_backend.py --port 8080 [--host 127.0.0.1]

Used by scripts/demo.sh (so a person can see the X-Sekisho-* identity headers the gateway
adds) and by the integration tests, which import EchoServer. HTTP/1.1 with keep-alive,
one thread per connection, Content-Length and chunked request bodies.

Response body:
    {"method": "GET", "target": "/x?y=1", "version": "HTTP/1.1",
     "headers": [["Host", "localhost"], ...], "body": "...", "backend": "NAME"}
"""
import argparse
import http.server
import json
import socketserver
import sys
import threading


def read_chunked(rfile):
    body = bytearray()
    while True:
        size_line = rfile.readline(1024)
        if not size_line:
            raise ValueError("connection closed inside a chunked body")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return bytes(body)
        body += rfile.read(size)
        rfile.readline(8)  # CRLF after the chunk


class EchoHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120
    server_version = "sekisho-test-echo"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("echo-backend: %s\n" % (fmt % args))

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return read_chunked(self.rfile)
        length = int(self.headers.get("Content-Length", "0") or "0")
        return self.rfile.read(length) if length else b""

    def _handle(self):
        body = self._read_body()
        record = {
            "method": self.command,
            "target": self.path,
            "version": self.request_version,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("latin-1"),
            "backend": self.server.name,
            "peer_cert": self.peer_certificate(),
        }
        self.server.record(record)
        self.server.before_answer(record)
        payload = (json.dumps(record, indent=2) + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)
        if self.server.verbose:
            sys.stdout.write(payload.decode())
            sys.stdout.flush()

    def peer_certificate(self):
        getpeercert = getattr(self.connection, "getpeercert", None)
        return getpeercert() if getpeercert else None

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _handle


class EchoServer(socketserver.ThreadingMixIn, http.server.HTTPServer):
    """Threaded echo server. port=0 picks a free port; see .port after construction.
    ssl_context: optional server-side SSLContext (the TLS handshake runs in the
    connection's thread). Every request is appended to .requests."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host="127.0.0.1", port=0, name="echo", ssl_context=None,
                 verbose=False):
        super().__init__((host, port), EchoHandler)
        self.port = self.server_address[1]
        self.name = name
        self.ssl_context = ssl_context
        self.verbose = verbose
        self.requests = []
        self.handshake_errors = []
        self._lock = threading.Lock()
        self._thread = None

    def record(self, record):
        with self._lock:
            self.requests.append(record)

    def before_answer(self, record):
        """Hook for slow backends (called in the connection thread before answering)."""

    def snapshot(self):
        with self._lock:
            return list(self.requests)

    def finish_request(self, request, client_address):
        if self.ssl_context is not None:
            try:
                request = self.ssl_context.wrap_socket(request, server_side=True)
            except OSError as exc:
                with self._lock:
                    self.handshake_errors.append(repr(exc))
                return
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)

    def start(self):
        self._thread = threading.Thread(target=self.serve_forever, daemon=True,
                                        name="%s-backend" % self.name)
        self._thread.start()
        return self

    def stop(self):
        self.shutdown()
        self.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--name", default="echo")
    args = parser.parse_args()
    server = EchoServer(args.host, args.port, name=args.name, verbose=True)
    sys.stderr.write("echo backend listening on http://%s:%d/\n" % (args.host, server.port))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
