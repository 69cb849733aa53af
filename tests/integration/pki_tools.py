"""Certificate helpers for the integration tests, driving the real `openssl` command line.

Everything is EC P-256 / SHA-256. A CaDb wraps `openssl ca` (index.txt, serial, crlnumber)
around an existing CA certificate + key, so tests can issue, revoke and publish CRLs with
the demo's own device CA as well as with CAs they create themselves.
"""
import base64
import hashlib
import json
import os
import secrets
import subprocess
import textwrap
import time


def run_openssl(args, input_bytes=None, cwd=None):
    """Runs `openssl ARGS`; raises with the full stderr when it fails."""
    proc = subprocess.run(["openssl"] + list(args), input=input_bytes, cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    if proc.returncode != 0:
        raise RuntimeError("openssl %s failed (exit %d):\n%s" % (
            " ".join(args), proc.returncode, proc.stderr.decode(errors="replace")))
    return proc.stdout


def make_root_ca(directory, name, subject):
    """Self-signed CA (P-256). Returns (cert_path, key_path)."""
    os.makedirs(directory, exist_ok=True)
    crt = os.path.join(directory, name + ".crt")
    key = os.path.join(directory, name + ".key")
    run_openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                 "-nodes", "-keyout", key, "-out", crt, "-days", "3650", "-sha256",
                 "-subj", subject,
                 "-addext", "basicConstraints=critical,CA:TRUE",
                 "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                 "-addext", "subjectKeyIdentifier=hash"])
    return crt, key


def fingerprint_sha256(cert_path):
    """Lower-case hex SHA-256 of the certificate DER, as `openssl x509 -fingerprint` says."""
    out = run_openssl(["x509", "-in", cert_path, "-noout", "-fingerprint", "-sha256"])
    value = out.decode().strip().split("=", 1)[1]
    return value.replace(":", "").lower()


def cert_der(cert_path):
    return run_openssl(["x509", "-in", cert_path, "-outform", "DER"])


def cert_serial(cert_path):
    out = run_openssl(["x509", "-in", cert_path, "-noout", "-serial"]).decode().strip()
    return out.split("=", 1)[1].upper()


def crl_serials(crl_path):
    """Serial numbers (upper-case hex) listed in a PEM CRL."""
    text = run_openssl(["crl", "-in", crl_path, "-noout", "-text"]).decode()
    serials = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Serial Number:"):
            serials.append(line.split(":", 1)[1].strip().upper())
    return serials


class CaDb:
    """`openssl ca` bookkeeping for one CA in its own work directory."""

    def __init__(self, workdir, ca_crt, ca_key):
        self.workdir = workdir
        self.ca_crt = ca_crt
        self.ca_key = ca_key
        os.makedirs(os.path.join(workdir, "newcerts"), exist_ok=True)
        open(os.path.join(workdir, "index.txt"), "a").close()
        with open(os.path.join(workdir, "index.txt.attr"), "w") as f:
            f.write("unique_subject = no\n")
        with open(os.path.join(workdir, "serial"), "w") as f:
            # Random 120-bit start: never collides with serials the gateway's CA tooling used.
            f.write("%030X\n" % (secrets.randbits(119) | (1 << 118)))
        with open(os.path.join(workdir, "crlnumber"), "w") as f:
            # Above any number the demo tooling used, so a replacement CRL is always "newer".
            f.write("%016X\n" % int(time.time() * 1000))
        self.cnf = os.path.join(workdir, "openssl.cnf")
        with open(self.cnf, "w") as f:
            f.write(textwrap.dedent("""\
                [ ca ]
                default_ca = CA_default
                [ CA_default ]
                dir = {dir}
                database = $dir/index.txt
                new_certs_dir = $dir/newcerts
                serial = $dir/serial
                crlnumber = $dir/crlnumber
                certificate = {crt}
                private_key = {key}
                default_md = sha256
                default_days = 365
                default_crl_days = 30
                policy = policy_any
                unique_subject = no
                copy_extensions = none
                email_in_dn = no
                crl_extensions = crl_ext
                [ policy_any ]
                countryName = optional
                organizationName = optional
                organizationalUnitName = optional
                commonName = supplied
                [ crl_ext ]
                authorityKeyIdentifier = keyid:always
                """).format(dir=workdir, crt=ca_crt, key=ca_key))

    def issue(self, name, subject, eku="clientAuth", san=None, start=None, end=None,
              days=365, is_ca=False):
        """Issues NAME.crt/NAME.key in the work dir. eku: e.g. "clientAuth", "serverAuth",
        or None for no EKU extension. start/end: "YYYYMMDDHHMMSSZ". Returns (crt, key)."""
        key = os.path.join(self.workdir, name + ".key")
        csr = os.path.join(self.workdir, name + ".csr")
        crt = os.path.join(self.workdir, name + ".crt")
        ext = os.path.join(self.workdir, name + ".ext")
        run_openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                     "-nodes", "-keyout", key, "-out", csr, "-subj", subject])
        lines = ["[ ext ]",
                 "subjectKeyIdentifier = hash",
                 "authorityKeyIdentifier = keyid"]
        if is_ca:
            lines += ["basicConstraints = critical,CA:TRUE",
                      "keyUsage = critical,keyCertSign,cRLSign"]
        else:
            lines += ["basicConstraints = critical,CA:FALSE",
                      "keyUsage = critical,digitalSignature"]
        if eku:
            lines.append("extendedKeyUsage = " + eku)
        if san:
            lines.append("subjectAltName = " + san)
        with open(ext, "w") as f:
            f.write("\n".join(lines) + "\n")
        args = ["ca", "-config", self.cnf, "-batch", "-notext", "-preserveDN",
                "-in", csr, "-out", crt, "-extfile", ext, "-extensions", "ext"]
        if start or end:
            args += ["-startdate", start, "-enddate", end]
        else:
            args += ["-days", str(days)]
        run_openssl(args)
        return crt, key

    def revoke(self, cert_path):
        """Marks the certificate revoked (it need not have been issued through this db)."""
        run_openssl(["ca", "-config", self.cnf, "-batch", "-revoke", cert_path])

    def gencrl(self, out_path, days=30, last_update=None, next_update=None):
        """Writes a fresh PEM CRL signed by this CA to out_path (atomically replaced).
        last_update/next_update: datetimes (UTC) instead of now and now + days — a CRL already
        past its nextUpdate, or one near it, without waiting for the clock."""
        tmp = out_path + ".tmp"
        args = ["ca", "-config", self.cnf, "-batch", "-gencrl", "-out", tmp]
        if next_update is not None:
            args += ["-crl_nextupdate", next_update.strftime("%Y%m%d%H%M%SZ")]
        else:
            args += ["-crldays", str(days)]
        if last_update is not None:
            args += ["-crl_lastupdate", last_update.strftime("%Y%m%d%H%M%SZ")]
        run_openssl(args)
        os.replace(tmp, out_path)
        return out_path


# --- ES256 / JWS verification with the openssl CLI only -----------------------------------

P256_SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a8648ce3d030107034200")


def b64url_decode(text):
    text = text.strip()
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _der_integer(value_bytes):
    value_bytes = value_bytes.lstrip(b"\x00") or b"\x00"
    if value_bytes[0] & 0x80:
        value_bytes = b"\x00" + value_bytes
    return b"\x02" + bytes([len(value_bytes)]) + value_bytes


def raw_signature_to_der(signature):
    """JWS R||S (64 bytes for P-256) → DER ECDSA-Sig-Value as openssl expects."""
    if len(signature) != 64:
        raise ValueError("ES256 signature must be 64 bytes, got %d" % len(signature))
    body = _der_integer(signature[:32]) + _der_integer(signature[32:])
    return b"\x30" + bytes([len(body)]) + body


def der_signature_to_raw(der):
    """DER ECDSA-Sig-Value → R||S, 32 bytes each (used to self-check the converter)."""
    assert der[0] == 0x30
    pos = 2
    parts = []
    for _ in range(2):
        assert der[pos] == 0x02
        length = der[pos + 1]
        parts.append(der[pos + 2:pos + 2 + length].lstrip(b"\x00").rjust(32, b"\x00"))
        pos += 2 + length
    return parts[0] + parts[1]


def jwk_to_pem(jwk, path):
    """Writes the PEM SubjectPublicKeyInfo of an EC P-256 JWK."""
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("not an EC P-256 JWK: %r" % (jwk,))
    x, y = b64url_decode(jwk["x"]), b64url_decode(jwk["y"])
    if len(x) != 32 or len(y) != 32:
        raise ValueError("JWK coordinates must be 32 bytes each: %r" % (jwk,))
    der = P256_SPKI_PREFIX + b"\x04" + x + y
    pem = "-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n" % "\n".join(
        textwrap.wrap(base64.b64encode(der).decode(), 64))
    with open(path, "w") as f:
        f.write(pem)
    return path


def public_half(key_path, out_path):
    """The public key of a private key file, as its own PEM file."""
    run_openssl(["pkey", "-in", key_path, "-pubout", "-out", out_path])
    return out_path


def jwk_thumbprint(pem_path):
    """RFC 7638 thumbprint of the P-256 key in a PEM file (private or public), computed here
    from `openssl pkey -pubout` alone: what the gateway's kid must be."""
    with open(pem_path) as f:
        public = "-----BEGIN PUBLIC KEY-----" in f.read()
    der = run_openssl(["pkey", "-in", pem_path] + (["-pubin"] if public else []) + ["-pubout", "-outform", "DER"])
    if not der.startswith(P256_SPKI_PREFIX + b"\x04") or len(der) != len(P256_SPKI_PREFIX) + 65:
        raise ValueError("%s is not an EC P-256 key" % pem_path)
    point = der[len(P256_SPKI_PREFIX) + 1:]
    members = json.dumps({"crv": "P-256", "kty": "EC", "x": b64url_encode(point[:32]),
                          "y": b64url_encode(point[32:])}, separators=(",", ":"), sort_keys=True)
    return b64url_encode(hashlib.sha256(members.encode()).digest())


def decode_jws(token):
    """Returns (header dict, payload dict, signing input bytes, raw signature bytes)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a compact JWS (want 3 dot-separated parts): %r" % token[:200])
    header = json.loads(b64url_decode(parts[0]))
    payload = json.loads(b64url_decode(parts[1]))
    return header, payload, (parts[0] + "." + parts[1]).encode(), b64url_decode(parts[2])


def verify_es256(token, jwk, workdir):
    """True when the compact JWS token verifies under the JWK, checked by `openssl dgst`."""
    _, _, signing_input, signature = decode_jws(token)
    os.makedirs(workdir, exist_ok=True)
    tag = secrets.token_hex(4)
    pub = jwk_to_pem(jwk, os.path.join(workdir, "jwk-%s.pem" % tag))
    sig = os.path.join(workdir, "sig-%s.der" % tag)
    data = os.path.join(workdir, "data-%s.bin" % tag)
    with open(sig, "wb") as f:
        f.write(raw_signature_to_der(signature))
    with open(data, "wb") as f:
        f.write(signing_input)
    proc = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig,
                           data], stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return proc.returncode == 0 and b"Verified OK" in proc.stdout


def tamper_payload(token, **changes):
    """The same token with payload claims changed, signature untouched."""
    head, payload_b64, sig = token.split(".")
    payload = json.loads(b64url_decode(payload_b64))
    payload.update(changes)
    return ".".join([head, b64url_encode(json.dumps(payload).encode()), sig])
