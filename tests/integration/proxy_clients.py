"""A balancer's side of the PROXY protocol for the integration tests: v1 lines and v2 headers
(TLVs, CRC32C) built by hand, connections from a chosen loopback address (127.0.0.2 plays the
balancer), TLS over them after the header, and a TLS client driven through memory BIOs so the
header and the ClientHello can leave in one segment."""
import ipaddress
import socket
import ssl
import struct

from tls_clients import TlsConn

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
PP2_TYPE_ALPN, PP2_TYPE_AUTHORITY, PP2_TYPE_CRC32C = 0x01, 0x02, 0x03
PP2_TYPE_NOOP, PP2_TYPE_UNIQUE_ID, PP2_TYPE_SSL = 0x04, 0x05, 0x20


def crc32c(data):
    """CRC32C (Castagnoli), bit by bit: slow, but independent of the gateway's table."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def tlv(kind, value):
    return struct.pack("!BH", kind, len(value)) + value


def v1_header(src, dst="127.0.0.1", sport=56324, dport=443):
    family = "TCP6" if ":" in src else "TCP4"
    return ("PROXY %s %s %s %d %d\r\n" % (family, src, dst, sport, dport)).encode()


def v2_header(src=None, dst="127.0.0.1", sport=56324, dport=443, command=1, tlvs=b"",
              with_crc=False, family=None, length=None):
    """A v2 header; src None gives UNSPEC. with_crc appends a correct PP2_TYPE_CRC32C TLV;
    length overrides the announced length (to lie about it)."""
    if src is None:
        fam, addresses = 0x00, b""
    elif ":" in src:
        fam = 0x21
        addresses = (ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed +
                     struct.pack("!HH", sport, dport))
    else:
        fam = 0x11
        addresses = (ipaddress.IPv4Address(src).packed + ipaddress.IPv4Address(dst).packed +
                     struct.pack("!HH", sport, dport))
    payload = addresses + tlvs + (tlv(PP2_TYPE_CRC32C, b"\0\0\0\0") if with_crc else b"")
    header = V2_SIGNATURE + bytes([0x20 | command, fam if family is None else family]) + \
        struct.pack("!H", len(payload) if length is None else length) + payload
    if with_crc:
        header = header[:-4] + struct.pack("!I", crc32c(header))
    return header


def haproxy_like_tlvs():
    """What HAProxy 2.6 adds with proxy-v2-options ssl,authority,unique-id plus ALPN and
    padding: sub-TLVs inside SSL, an AWS-style custom type, a NOOP."""
    ssl_value = b"\x07\0\0\0\0" + tlv(0x21, b"TLSv1.3") + tlv(0x23, b"TLS_AES_128_GCM_SHA256")
    return (tlv(PP2_TYPE_ALPN, b"http/1.1") + tlv(PP2_TYPE_AUTHORITY, b"localhost") +
            tlv(PP2_TYPE_UNIQUE_ID, b"7F000002:DC04_7F000001:01BB_6745E0C1_0001:0001") +
            tlv(PP2_TYPE_SSL, ssl_value) + tlv(0xEA, b"vpce-0123") + tlv(PP2_TYPE_NOOP, b"\0" * 3))


def connect_from(source, port, timeout=30):
    """A TCP connection to 127.0.0.1:port from the loopback address source, no Nagle."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.bind((source, 0))
    sock.connect(("127.0.0.1", port))
    return sock


def tls_after(sock, ctx, server_hostname="localhost"):
    """TLS over a connection whose PROXY header is already sent → TlsConn (raises on a
    refused handshake)."""
    return TlsConn(ctx.wrap_socket(sock, server_hostname=server_hostname))


def closed_by_peer(sock, timeout):
    """True when the peer closes (EOF or reset) within timeout, sending nothing."""
    sock.settimeout(timeout)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except (socket.timeout, TimeoutError):
        return False


class BioTls:
    """A TLS client over a plain socket through memory BIOs: the first flight can be sent
    together with bytes before it (the PROXY header) in a single send()."""

    def __init__(self, sock, ctx, server_hostname="localhost"):
        self.sock = sock
        self.incoming, self.outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        self.tls = ctx.wrap_bio(self.incoming, self.outgoing, server_hostname=server_hostname)

    def handshake(self, prefix=b""):
        """Runs the handshake; the ClientHello leaves in one send() after prefix."""
        first = True
        while True:
            try:
                self.tls.do_handshake()
                self._flush()
                return
            except ssl.SSLWantReadError:
                data = self.outgoing.read()
                self.sock.sendall(prefix + data if first else data)
                first = False
                self._receive()

    def request(self, raw):
        """Sends raw request bytes; returns everything until the server closes."""
        self.tls.write(raw)
        self._flush()
        out = b""
        while True:
            try:
                chunk = self.tls.read(65536)
            except ssl.SSLWantReadError:
                if not self._receive():
                    return out
                continue
            except ssl.SSLZeroReturnError:
                return out
            if not chunk:
                return out
            out += chunk

    def _flush(self):
        data = self.outgoing.read()
        if data:
            self.sock.sendall(data)

    def _receive(self):
        data = self.sock.recv(65536)
        if not data:
            self.incoming.write_eof()
            return False
        self.incoming.write(data)
        return True
