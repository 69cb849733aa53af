"""The browser enrollment page and EST serverkeygen: the terminal gets a key made for it,
delivered once inside the TLS response, and that key + certificate work on the main
listener. The page speaks Japanese and English and is locked down (CSP, no framing)."""
import base64
import email
import os
import re
import subprocess
import unittest

from enrollment_env import EnrollmentTestCase
from harness import run_openssl


class BrowserEnrollmentTest(EnrollmentTestCase):

    def page(self, method="GET", path="/enroll", form=None):
        cmd = ["curl", "-sS", "--noproxy", "*", "--max-time", "60", "--cacert", self.demo.ca_bundle,
               "--resolve", "localhost:%d:127.0.0.1" % self.enroll_port, "-D", "-", "-X", method]
        if form:
            for k, v in form.items():
                cmd += ["--data-urlencode", "%s=%s" % (k, v)]
        out = subprocess.run(cmd + ["https://localhost:%d%s" % (self.enroll_port, path)],
                             capture_output=True, timeout=90)
        head, _, body = out.stdout.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        return status, head.decode("latin-1").lower(), body.decode("utf-8", "replace")

    def test_form_is_bilingual_prefilled_and_locked_down(self):
        status, head, body = self.page(path="/enroll?ticket=tkt-0123456789abcdef")
        self.assertEqual(status, 200)
        self.assertIn("端末登録", body)
        self.assertIn("Terminal enrollment", body)
        self.assertIn('value="tkt-0123456789abcdef"', body)
        self.assertIn("content-security-policy: default-src 'none'", head)
        self.assertIn("x-frame-options: deny", head)
        status, _, body = self.page(path='/enroll?ticket="><script>alert(1)</script>')
        self.assertNotIn("<script>", body)

    def test_wrong_code_gets_the_form_again_without_saying_why(self):
        _, t = self.ticket("browser-wrong")
        status, _, body = self.page("POST", form={"ticket": t["ticket_id"], "code": "AAAAA-BBBBB-CCCCC-DDDDD"})
        self.assertEqual(status, 401)
        self.assertIn("認証に失敗しました", body)

    def test_page_delivers_a_working_pkcs12_once(self):
        _, t = self.ticket("browser-terminal")
        status, _, body = self.page("POST", form={"ticket": t["ticket_id"], "code": t["code"].lower()})
        self.assertEqual(status, 200, body[:2000] + self.log_tail())
        p12_b64 = re.search(r'href="data:application/x-pkcs12;base64,([A-Za-z0-9+/=]+)"', body).group(1)
        password = re.search(r'<span class="secret">([^<]+)</span>', body).group(1)
        p12 = os.path.join(self.work, "browser.p12")
        with open(p12, "wb") as f:
            f.write(base64.b64decode(p12_b64))
        pem = run_openssl(["pkcs12", "-in", p12, "-passin", "pass:" + password, "-nodes"]).decode()
        crt = os.path.join(self.work, "browser.crt")
        key = os.path.join(self.work, "browser.key")
        with open(crt, "w") as f:
            f.write(pem[pem.index("-----BEGIN CERTIFICATE-----"):pem.index("-----END CERTIFICATE-----") + 25] + "\n")
        with open(key, "w") as f:
            f.write(pem[pem.index("-----BEGIN PRIVATE KEY-----"):pem.index("-----END PRIVATE KEY-----") + 25] + "\n")
        self.wait_for_status(crt, key, "/from-browser")
        # The ticket is spent: the same code does not give a second key.
        status, _, _ = self.page("POST", form={"ticket": t["ticket_id"], "code": t["code"]})
        self.assertEqual(status, 401)
        # The CA certificate offered for import is the gateway's trust anchor.
        status, _, ca = self.page(path="/enroll/ca.crt")
        self.assertEqual(status, 200)
        self.assertEqual(ca.strip(), open(self.demo.ca_bundle).read().strip())

    def test_serverkeygen_returns_a_key_and_certificate_that_work(self):
        creds, _ = self.ticket("keygen-terminal")
        _, csr = self.make_csr("keygen-request")
        cmd = ["curl", "-sS", "--noproxy", "*", "--cacert", self.demo.ca_bundle, "-u", creds,
               "--resolve", "localhost:%d:127.0.0.1" % self.enroll_port, "-D", "-",
               "-H", "Content-Type: application/pkcs10", "--data-binary", "@" + csr,
               self.est_url("serverkeygen")]
        raw = subprocess.run(cmd, capture_output=True, timeout=90).stdout
        head, _, body = raw.partition(b"\r\n\r\n")
        self.assertIn(b" 200 ", head.split(b"\r\n")[0], raw[:500])
        content_type = [l for l in head.decode().split("\r\n") if l.lower().startswith("content-type:")][0]
        message = email.message_from_bytes(content_type.encode() + b"\r\n\r\n" + body)
        parts = {p.get_content_type(): p.get_payload(decode=True) for p in message.walk() if not p.is_multipart()}
        key = os.path.join(self.work, "keygen.key")
        with open(key + ".der", "wb") as f:
            f.write(parts["application/pkcs8"])
        with open(key, "wb") as f:
            f.write(run_openssl(["pkey", "-inform", "DER", "-in", key + ".der"]))
        crt = self.certificate_from("keygen", base64.b64encode(parts["application/pkcs7-mime"]).decode())
        self.wait_for_status(crt, key, "/from-serverkeygen")


if __name__ == "__main__":
    unittest.main()
