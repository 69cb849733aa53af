"""Real TLS clients for the integration tests: curl, openssl s_client, and Python's ssl
module (real OpenSSL) for raw bytes, session resumption and WebSocket frames."""
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import urllib.parse


class CurlResult:
    def __init__(self, rc, status, headers, body, stderr, command):
        self.rc, self.status, self.headers, self.body = rc, status, headers, body
        self.stderr, self.command = stderr, command

    def header(self, name):
        """Values of a response header (case-insensitive), in order."""
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            raise AssertionError("response body is not JSON: %s" % self.describe())

    def describe(self):
        return "curl rc=%d status=%s\ncommand: %s\nstderr: %s\nheaders: %r\nbody: %r" % (
            self.rc, self.status, " ".join(self.command), self.stderr.strip()[-2000:],
            self.headers, self.body[:1500])


def curl(url, cert=None, key=None, cacert=None, resolve_port=None, headers=(), method=None,
         data=None, cert_type=None, extra=(), timeout=60, cookie_jar=None):
    """Runs curl once; status is 0 when no HTTP response arrived (e.g. handshake refused).
    cookie_jar: a file curl reads cookies from and writes them back to (-b/-c)."""
    work = tempfile.mkdtemp(prefix="sekisho-curl-")
    try:
        head_file, body_file = os.path.join(work, "h"), os.path.join(work, "b")
        cmd = ["curl", "-sS", "--noproxy", "*", "--max-time", str(timeout), "-D", head_file,
               "-o", body_file, "-w", "%{http_code}"]
        if cacert:
            cmd += ["--cacert", cacert]
        if cert:
            cmd += ["--cert", cert]
        if cert_type:
            cmd += ["--cert-type", cert_type]
        if key:
            cmd += ["--key", key]
        if resolve_port:
            host = urllib.parse.urlsplit(url).hostname
            cmd += ["--resolve", "%s:%d:127.0.0.1" % (host, resolve_port)]
        for header in headers:
            cmd += ["-H", header]
        if method:
            cmd += ["-X", method]
        if data is not None:
            cmd += ["--data-binary", data]
        if cookie_jar:
            cmd += ["-b", cookie_jar, "-c", cookie_jar]
        cmd += list(extra) + [url]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=timeout + 30)
        code = proc.stdout.decode().strip()
        status = int(code) if code.isdigit() else 0
        parsed = []
        if os.path.exists(head_file):
            with open(head_file, "rb") as f:
                blocks = f.read().decode("latin-1").strip().split("\r\n\r\n")
            for line in blocks[-1].split("\r\n")[1:]:
                if ":" in line:
                    name, _, value = line.partition(":")
                    parsed.append((name.strip(), value.strip()))
        body = b""
        if os.path.exists(body_file):
            with open(body_file, "rb") as f:
                body = f.read()
        return CurlResult(proc.returncode, status, parsed, body,
                          proc.stderr.decode(errors="replace"), cmd)
    finally:
        shutil.rmtree(work, ignore_errors=True)


class SClientResult:
    def __init__(self, rc, out, err, command):
        self.rc, self.out, self.err, self.command = rc, out, err, command
        new = re.search(r"New, (\S+), Cipher is (\S+)", out)
        self.protocol = new.group(1).rstrip(",") if new else None
        self.cipher = new.group(2) if new else None
        status = re.search(r"HTTP/1\.[01] (\d{3})", out)
        self.http_status = int(status.group(1)) if status else None

    def describe(self):
        return "s_client rc=%s protocol=%s cipher=%s http=%s\ncommand: %s\nstdout tail:\n%s\n" \
               "stderr tail:\n%s" % (self.rc, self.protocol, self.cipher, self.http_status,
                                     " ".join(self.command), self.out[-1500:], self.err[-1500:])


def s_client(port, cafile, cert=None, key=None, servername="localhost", version=None,
             cipher=None, ciphersuites=None, request=None, extra=(), timeout=30):
    """`openssl s_client` sending one HTTP request (Connection: close) after the handshake.
    version: e.g. "-tls1_2". Success shows as http_status 200."""
    cmd = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port, "-servername", servername,
           "-CAfile", cafile, "-verify_return_error", "-ign_eof"]
    if cert:
        cmd += ["-cert", cert, "-key", key]
    if version:
        cmd.append(version)
    if cipher:
        cmd += ["-cipher", cipher]
    if ciphersuites:
        cmd += ["-ciphersuites", ciphersuites]
    cmd += list(extra)
    if request is None:
        request = "GET / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % servername
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        out, err = proc.communicate(request.encode(), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return SClientResult(proc.returncode, out.decode("latin-1"), err.decode("latin-1"), cmd)


# --- Python ssl ---------------------------------------------------------------------------

def tls_context(cafile, cert=None, key=None, version=None, check_hostname=True):
    """Client context verifying the gateway with cafile. version "1.2"/"1.3" pins it."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile)
    ctx.check_hostname = check_hostname
    if cert:
        ctx.load_cert_chain(cert, key)
    if version:
        pinned = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}[version]
        ctx.minimum_version = ctx.maximum_version = pinned
    return ctx


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return "<HTTP %d headers=%r body=%r>" % (self.status, self.headers, self.body[:500])


class TlsConn:
    """A TLS connection with a read buffer; read_response() parses one HTTP/1.1 response.
    Reads never raise for a closed/reset/alerted connection: they return None / b"" and
    keep the exception in .error."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.error = None
        self.closed = False

    def send(self, data):
        try:
            self.sock.sendall(data)
            return True
        except (OSError, ssl.SSLError) as exc:
            self.error = exc
            return False

    def _fill(self):
        if self.closed:
            return False
        try:
            data = self.sock.recv(65536)
        except (OSError, ssl.SSLError) as exc:  # reset, alert, timeout
            self.error, data = exc, b""
        if not data:
            self.closed = True
            return False
        self.buf += data
        return True

    def _take_until(self, marker):
        while marker not in self.buf:
            if not self._fill():
                return None
        chunk, self.buf = self.buf.split(marker, 1)
        return chunk

    def _take(self, n):
        while len(self.buf) < n:
            if not self._fill():
                return None
        chunk, self.buf = self.buf[:n], self.buf[n:]
        return chunk

    def read_response(self, head_only=False):
        head = self._take_until(b"\r\n\r\n")
        if head is None:
            return None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ", 2)
        status = int(parts[1])
        headers = [(k.strip(), v.strip()) for k, _, v in (l.partition(":") for l in lines[1:])]
        response = Response(status, headers, b"")
        values = {k.lower(): v for k, v in headers}
        if head_only or status < 200 or status in (204, 304):
            return response
        if "chunked" in values.get("transfer-encoding", "").lower():
            body = b""
            while True:
                size_line = self._take_until(b"\r\n")
                if size_line is None:
                    break
                size = int(size_line.split(b";")[0], 16)
                if size == 0:
                    self._take_until(b"\r\n")
                    break
                body += self._take(size) or b""
                self._take(2)
            response.body = body
        elif "content-length" in values:
            response.body = self._take(int(values["content-length"])) or b""
        else:
            while self._fill():
                pass
            response.body, self.buf = self.buf, b""
        return response

    def read_exact(self, n):
        data = self._take(n)
        if data is None:
            raise EOFError("connection closed: %r" % (self.error,))
        return data

    def read_until_closed(self, timeout=20):
        """Everything the peer still sends until it closes (or timeout) → (bytes, closed)."""
        self.sock.settimeout(timeout)
        while self._fill():
            pass
        closed = not isinstance(self.error, (socket.timeout, TimeoutError))
        data, self.buf = self.buf, b""
        return data, closed

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def open_tls(port, ctx, server_hostname="localhost", session=None, timeout=30):
    """TLS connection to 127.0.0.1:port; returns TlsConn, or raises the handshake error."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock = ctx.wrap_socket(raw, server_hostname=server_hostname, session=session)
    except BaseException:
        raw.close()
        raise
    return TlsConn(sock)


def http_request(port, ctx, raw, server_hostname="localhost", session=None, timeout=30):
    """Sends raw request bytes on a new connection; returns (Response or None, TlsConn).
    A refused handshake gives (None, None)."""
    try:
        conn = open_tls(port, ctx, server_hostname, session, timeout)
    except (OSError, ssl.SSLError):
        return None, None
    conn.send(raw)
    return conn.read_response(), conn


def read_response(conn):
    return conn.read_response()


def read_until_closed(conn, timeout=20):
    return conn.read_until_closed(timeout)
