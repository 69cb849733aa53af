"""Fake upstreams for the integration tests, all in-process and threaded, on 127.0.0.1.

EchoServer (echo_backend.py)   answers with the request it received, as JSON
RecordingBackend               raw TCP: records every byte and request line, answers 200
GatedBackend                   echo that holds each answer until released (or a delay)
SilentBackend                  accepts and reads, never answers
GarbageBackend                 answers with bytes that are not HTTP
WsEchoBackend                  RFC 6455 upgrade + echo of text frames; records headers
"""
import base64
import hashlib
import json
import socket
import threading

from echo_backend import EchoServer

WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def websocket_accept(key):
    return base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()


class RawBackend:
    """Accept loop + one thread per connection. Subclasses implement serve(conn)."""

    name = "raw"

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.connections = 0
        self._conns = []

    def start(self):
        threading.Thread(target=self._accept_loop, daemon=True, name=self.name).start()
        return self

    def _accept_loop(self):
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                self._conns.append(conn)
            threading.Thread(target=self._serve_safely, args=(conn,), daemon=True).start()

    def _serve_safely(self, conn):
        try:
            conn.settimeout(120)
            self.serve(conn)
        except (OSError, ValueError, EOFError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def serve(self, conn):
        raise NotImplementedError

    def stop(self):
        self.stopped.set()
        try:
            self.sock.close()
        except OSError:
            pass
        with self.lock:
            for conn in self._conns:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                    conn.close()
                except OSError:
                    pass


class HttpReader:
    """Minimal HTTP/1.1 request reader over a plain socket (bytes kept for inspection)."""

    def __init__(self, conn, on_bytes=None):
        self.conn = conn
        self.buf = b""
        self.on_bytes = on_bytes

    def _fill(self):
        data = self.conn.recv(65536)
        if not data:
            raise EOFError
        if self.on_bytes:
            self.on_bytes(data)
        self.buf += data

    def read_head(self):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = []
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.append((name.strip(), value.strip()))
        return lines[0], headers

    def read_exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_body(self, headers):
        values = {k.lower(): v for k, v in headers}
        if "chunked" in values.get("transfer-encoding", "").lower():
            body = b""
            while True:
                size = int(self.read_line().split(b";")[0], 16)
                if size == 0:
                    while self.read_line():
                        pass
                    return body
                body += self.read_exact(size)
                self.read_line()
        return self.read_exact(int(values.get("content-length", "0") or "0"))


class RecordingBackend(RawBackend):
    """Records raw bytes and each parsed request line; answers 200 "ok" with keep-alive."""

    name = "recording-backend"

    def __init__(self):
        super().__init__()
        self.raw = bytearray()
        self.request_lines = []
        self.requests = []  # (request_line, headers, body)

    def _on_bytes(self, data):
        with self.lock:
            self.raw += data

    def serve(self, conn):
        reader = HttpReader(conn, self._on_bytes)
        while True:
            try:
                line, headers = reader.read_head()
            except EOFError:
                return
            with self.lock:
                self.request_lines.append(line)
            body = reader.read_body(headers)
            with self.lock:
                self.requests.append((line, headers, body))
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                         b"Content-Length: 3\r\n\r\nok\n")

    def raw_text(self):
        with self.lock:
            return bytes(self.raw).decode("latin-1")


class GatedBackend(EchoServer):
    """Echo backend that waits before answering: for `delay` seconds, or (delay=None) until
    release() is called. .received is set as soon as a request has arrived."""

    def __init__(self, delay=None, name="gated"):
        super().__init__(name=name)
        self.delay = delay
        self.received = threading.Event()
        self.released = threading.Event()

    def before_answer(self, record):
        self.received.set()
        if self.delay is not None:
            self.released.wait(self.delay)
        else:
            self.released.wait(300)

    def release(self):
        self.released.set()

    def stop(self):
        self.released.set()
        super().stop()


class SilentBackend(RawBackend):
    """Accepts, reads the request, never answers (until stopped)."""

    name = "silent-backend"

    def __init__(self):
        super().__init__()
        self.received = threading.Event()

    def serve(self, conn):
        HttpReader(conn).read_head()
        self.received.set()
        self.stopped.wait(300)


class SilentAfterFirstBackend(RawBackend):
    """Answers its first request ever (HTTP/1.1, kept alive), then reads every later one and
    never answers: a backend that hangs on a connection the gateway has pooled."""

    name = "silent-after-first-backend"

    def __init__(self):
        super().__init__()
        self.answered = threading.Event()
        self.received_later = threading.Event()

    def serve(self, conn):
        reader = HttpReader(conn)
        while True:
            _, headers = reader.read_head()
            reader.read_body(headers)
            with self.lock:
                first = not self.answered.is_set()
                self.answered.set()
            if not first:
                self.received_later.set()
                self.stopped.wait(300)
                return
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nfirst")


class GarbageBackend(RawBackend):
    """Answers every request with bytes that are not an HTTP response, then closes."""

    name = "garbage-backend"

    def serve(self, conn):
        HttpReader(conn).read_head()
        conn.sendall(b"this is not HTTP at all\r\n\r\n\x00\x01\x02")


class WsEchoBackend(RawBackend):
    """Answers a WebSocket upgrade with 101 and echoes text frames unmasked. Any other
    request gets 200 with the request line and headers as JSON. Records (line, headers)."""

    name = "ws-backend"

    def __init__(self):
        super().__init__()
        self.requests = []
        self.frames = []

    def serve(self, conn):
        reader = HttpReader(conn)
        while True:
            line, headers = reader.read_head()
            with self.lock:
                self.requests.append((line, headers))
            values = {k.lower(): v for k, v in headers}
            if values.get("upgrade", "").lower() == "websocket":
                accept = websocket_accept(values.get("sec-websocket-key", ""))
                conn.sendall(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                              "Connection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n\r\n"
                              % accept).encode())
                self._echo_frames(reader, conn)
                return
            reader.read_body(headers)
            body = json.dumps({"request_line": line, "headers": headers}).encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def _echo_frames(self, reader, conn):
        while True:
            opcode, payload = read_ws_frame(reader.read_exact)
            with self.lock:
                self.frames.append((opcode, payload))
            if opcode == 0x8:  # close
                conn.sendall(encode_ws_frame(0x8, payload[:2], mask=False))
                return
            conn.sendall(encode_ws_frame(opcode, payload, mask=False))


def encode_ws_frame(opcode, payload, mask):
    import os
    head = bytes([0x80 | opcode])
    length = len(payload)
    mask_bit = 0x80 if mask else 0
    if length < 126:
        head += bytes([mask_bit | length])
    elif length < 65536:
        head += bytes([mask_bit | 126]) + length.to_bytes(2, "big")
    else:
        head += bytes([mask_bit | 127]) + length.to_bytes(8, "big")
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def read_ws_frame(read_exact):
    """Reads one frame with read_exact(n) → bytes; returns (opcode, unmasked payload)."""
    b0, b1 = read_exact(2)
    opcode = b0 & 0x0F
    length = b1 & 0x7F
    if length == 126:
        length = int.from_bytes(read_exact(2), "big")
    elif length == 127:
        length = int.from_bytes(read_exact(8), "big")
    key = read_exact(4) if b1 & 0x80 else None
    payload = read_exact(length) if length else b""
    if key:
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return opcode, payload
