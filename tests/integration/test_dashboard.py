"""The operations dashboard on the admin listener: after failed logins up to a lockout, logins
while locked, an unknown user and a handshake with an unregistered certificate, /dashboard —
rendered by a real headless Chromium — shows the locked account, the failures counted per
reason, facility, terminal and user, the recent events, a terminal whose certificate runs
out soon, and the clock state, in Japanese by default and in English on request."""
import datetime
import http.client
import os
import re
import time
import unittest

from test_login_sessions import PASSWORD, LoginEnvironment
from pki_tools import fingerprint_sha256
from browser import CHROMIUM, run_chromium
from tls_clients import curl

USER = "dash.nurse"
WRONG_PASSWORDS = ["Wrong-pass-1", "Kq7#tram-Vy3", "hunter2!X9", "Tr0ub4dor&3", "letmein-7Q"]


def admin_request(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def chromium(url, workdir, screenshot=None, accept_lang="en-US,en", timeout=90):
    """The DOM of url after Chromium rendered it (or, with screenshot, a PNG of it)."""
    args = ["--accept-lang=" + accept_lang]
    args += ["--screenshot=" + screenshot, "--window-size=1280,2400"] if screenshot else ["--dump-dom"]
    out, err = run_chromium(args + [url], workdir, timeout)
    if not screenshot and not out.strip():
        raise AssertionError("chromium rendered nothing for %s:\n%s" % (url, err[-3000:]))
    return out


def count_of(dom, table_id, key):
    """The count in the row data-key=key of the table id=table_id, or None."""
    table = re.search(r'<table id="%s">(.*?)</table>' % re.escape(table_id), dom, re.S)
    if not table:
        return None
    row = re.search(r'<tr data-key="%s">.*?<td class="num">(\d+)</td></tr>' % re.escape(key), table.group(1), re.S)
    return int(row.group(1)) if row else None


class DashboardTest(LoginEnvironment):

    AUTH = {"failure_delay": "0s", "spraying": {"per_terminal": 1000, "per_source": 1000}}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        device_ca = cls.demo.device_ca(os.path.join(cls.tmp, "dashboard-ca-db"))
        # A registered terminal whose certificate runs out in ten days.
        now = datetime.datetime.now(datetime.timezone.utc)
        stamp = lambda t: t.strftime("%Y%m%d%H%M%SZ")
        cls.expiring = device_ca.issue("expiring", "/O=demo-clinic/CN=terminal-expiring",
                                       start=stamp(now - datetime.timedelta(hours=1)),
                                       end=stamp(now + datetime.timedelta(days=10)),
                                       san="URI:urn:sekisho:device:demo-clinic:terminal-expiring")
        cls.ctl("device", "register", "--facility", "demo-clinic", "--name", "terminal-expiring",
                "--cert", cls.expiring[0])
        # And one nobody registered.
        cls.stray = device_ca.issue("stray", "/O=demo-clinic/CN=stray-terminal",
                                    san="URI:urn:sekisho:device:demo-clinic:stray-terminal")
        cls.produce_failures()

    @classmethod
    def produce_failures(cls):
        cls.add_user(USER)
        for wrong in WRONG_PASSWORDS:  # the fifth locks the account
            result = cls.api_login(USER, wrong, cert=cls.terminal_a[0], key=cls.terminal_a[1])[0]
            assert result.status == 401, result.describe()
        cls.gateway.wait_for_log(r"\[critical\] login\.locked user=%s" % re.escape(USER))
        for password in ("Wrong-pass-6", PASSWORD):  # refused while locked, even the right one
            result = cls.api_login(USER, password, cert=cls.terminal_a[0], key=cls.terminal_a[1])[0]
            assert result.status == 401, result.describe()
        result = cls.api_login("nobody.here", "Wrong-pass-1", cert=cls.terminal_a[0], key=cls.terminal_a[1])[0]
        assert result.status == 401, result.describe()
        refused = curl(cls.gateway.url("/ward/"), cert=cls.stray[0], key=cls.stray[1], cacert=cls.demo.ca_bundle,
                       resolve_port=cls.gateway.port)
        assert refused.status == 0, refused.describe()
        cls.gateway.wait_for_log(r"handshake\.refused reason=not_registered")

    def url(self, query=""):
        return "http://127.0.0.1:%d/dashboard%s" % (self.admin_port, query)

    def wait_for_lockout_on_page(self):
        deadline = time.monotonic() + 20  # the registry snapshot follows the registry within a poll
        while time.monotonic() < deadline:
            status, _, body = admin_request(self.admin_port, "/dashboard?lang=en")
            if status == 200 and 'data-user="%s"' % USER in body:
                return body
            time.sleep(0.2)
        self.fail("the lockout of %s never reached /dashboard\n%s" % (USER, self.log_tail()))

    def require_chromium(self):
        if not os.path.exists(CHROMIUM):
            self.skipTest("%s is not installed (scripts/install-deps.sh installs it)" % CHROMIUM)

    def test_headers_forbid_script_and_caching(self):
        status, headers, body = admin_request(self.admin_port, "/dashboard")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertEqual(headers["Cache-Control"], "no-store")
        self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
        self.assertNotIn("script-src", headers["Content-Security-Policy"])
        self.assertNotIn("<script", body.lower())
        self.assertEqual(headers["Content-Language"], "ja")
        # Accept-Language decides when ?lang does not.
        _, headers, body = admin_request(self.admin_port, "/dashboard", {"Accept-Language": "en-US,en;q=0.9"})
        self.assertEqual(headers["Content-Language"], "en")
        self.assertIn("Authentication failures", body)
        _, headers, _ = admin_request(self.admin_port, "/dashboard?lang=ja", {"Accept-Language": "en"})
        self.assertEqual(headers["Content-Language"], "ja")
        # The other admin pages are as they were.
        self.assertEqual(admin_request(self.admin_port, "/healthz")[0], 200)
        self.assertEqual(admin_request(self.admin_port, "/nope")[0], 404)

    def test_english_page_in_chromium_shows_what_happened(self):
        self.require_chromium()
        self.wait_for_lockout_on_page()
        dom = chromium(self.url("?lang=en"), self.tmp)
        self.assertIn('<html lang="en">', dom)
        for label in ("Authentication failures", "Locked accounts", "Recent events",
                      "Terminals whose certificates expire soon", "Clock synchronisation"):
            self.assertIn(label, dom)
        self.assertNotIn("認証失敗", dom)
        self.assertIn("<svg", dom)
        # The locked account, with its lock time in JST.
        locked = re.search(r'<tr data-user="%s"><td>%s</td><td>demo-clinic</td><td>(\S+ \S+)</td>'
                           r'<td class="num">(\d+)</td>' % (re.escape(USER), re.escape(USER)), dom)
        self.assertIsNotNone(locked, dom)
        self.assertGreaterEqual(int(locked.group(2)), 5)
        # Failures per reason: exactly what this test produced.
        self.assertEqual(count_of(dom, "by-reason", "login.failed:wrong_password"), 5, dom)
        self.assertEqual(count_of(dom, "by-reason", "login.failed:locked"), 2)
        self.assertEqual(count_of(dom, "by-reason", "login.failed:unknown_user"), 1)
        self.assertEqual(count_of(dom, "by-reason", "login.locked"), 1)
        self.assertEqual(count_of(dom, "by-reason", "handshake.refused:not_registered"), 1)
        self.assertIn('id="failures-total">10<', dom)
        # Every failure here happened at the demo clinic, the refused handshake included
        # (its certificate names the facility even though it is not enrolled).
        self.assertEqual(count_of(dom, "by-facility", "demo-clinic"), 10)
        self.assertEqual(count_of(dom, "by-user", USER), 8)  # 7 failed logins and the lockout
        self.assertEqual(count_of(dom, "by-user", "nobody.here"), 1)
        self.assertEqual(count_of(dom, "by-terminal", self.demo.fingerprint), 9)
        # The refused handshake is counted against the certificate it presented.
        self.assertEqual(count_of(dom, "by-terminal", fingerprint_sha256(self.stray[0])), 1)
        self.assertEqual(len(re.findall(r'<tr data-key=', re.search(r'<table id="by-terminal">.*?</table>',
                                                                    dom).group(0))), 2)
        # Recent events, newest first, with the source address.
        self.assertRegex(dom, r'<tr class="failure" data-event="handshake.refused">.*?<td>127\.0\.0\.1:\d+</td>'
                              r'<td>not_registered</td>')
        self.assertIn('data-event="login.locked"', dom)
        self.assertIn("127.0.0.1", dom)
        # The terminal whose certificate runs out soon.
        expiring = re.search(r'<td>terminal-expiring</td><td>demo-clinic</td>.*?<td class="num">(\d+)</td>', dom)
        self.assertIsNotNone(expiring, dom)
        self.assertIn(int(expiring.group(1)), (9, 10))
        self.assertRegex(dom, r'id="clock-state">(synchronised|NOT synchronised)')

    def test_japanese_page_in_chromium_for_a_japanese_browser(self):
        self.require_chromium()
        self.wait_for_lockout_on_page()
        dom = chromium(self.url(), self.tmp, accept_lang="ja")  # no ?lang: the browser's language
        self.assertIn('<html lang="ja">', dom)
        for label in ("認証失敗", "ロック中のアカウント", "最近のイベント", "証明書の期限が近い端末", "時刻同期",
                      "ログイン失敗", "アカウントロック", "TLS接続拒否"):
            self.assertIn(label, dom)
        self.assertNotIn("Authentication failures", dom)
        self.assertIn('data-user="%s"' % USER, dom)
        self.assertEqual(count_of(dom, "by-reason", "login.failed:wrong_password"), 5)
        day = chromium(self.url("?window=24h"), self.tmp, accept_lang="ja")
        self.assertIn("直近24時間", day)
        self.assertIn('id="failures-total">10<', day)
        screenshot = os.environ.get("SEKISHO_DASHBOARD_SCREENSHOT")
        if screenshot:  # for a look by eye; never committed
            chromium(self.url(os.environ.get("SEKISHO_DASHBOARD_QUERY", "")), self.tmp, screenshot=screenshot,
                     accept_lang="ja")
            self.assertTrue(os.path.getsize(screenshot) > 0)


if __name__ == "__main__":
    unittest.main()
