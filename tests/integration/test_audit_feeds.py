"""What flows into the audit trail besides the gateway's own request handling, and out of
it: every record copied to a syslog collector (RFC 5424 over UDP, the collector started
here on loopback), sekishoctl's administration (the registry ledger) copied into the trail,
and sessions that end by themselves (idle timeout) recorded as session.expired."""
import json
import os
import pwd
import re
import socket
import threading
import time
import unittest

from harness import fingerprint_sha256, make_tempdir
from test_login_sessions import PASSWORD, LoginEnvironment

RFC5424 = re.compile(r"^<(\d+)>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[sekisho@32473 seq=\"(\d+)\" hash=\"([0-9a-f]{64})\"\]) (.*)$",
                     re.S)


LOCAL_ACTOR = "local:" + pwd.getpwuid(os.getuid()).pw_name  # who runs sekishoctl here


class UdpCollector:
    """A syslog collector on 127.0.0.1: keeps every datagram."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.messages, self.lock, self.running = [], threading.Lock(), True
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while self.running:
            try:
                data, _ = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.messages.append(data.decode("utf-8"))

    def start(self):
        self.thread.start()

    def stop(self):
        self.running = False
        self.thread.join(5)
        self.sock.close()

    def parsed(self):
        with self.lock:
            return [RFC5424.match(m) for m in self.messages]


class AuditFeedsTest(LoginEnvironment):

    AUTH = {"failure_delay": "0s", "sessions": {"idle_timeout": "2s"}}

    @classmethod
    def setUpClass(cls):
        cls.collector = UdpCollector()
        cls.collector.start()
        cls.addClassCleanup(cls.collector.stop)
        audit_dir = make_tempdir(cls, "sekisho-audit-")
        cls.audit_log = os.path.join(audit_dir, "audit.log")
        cls.EXTRA = {"audit": {"file": cls.audit_log, "fsync": "batched",
                               "syslog": {"address": "127.0.0.1:%d" % cls.collector.port, "transport": "udp",
                                          "facility": "authpriv"}}}
        super().setUpClass()

    def records(self):
        with open(self.audit_log) as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_record(self, predicate, what, timeout=20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [r for r in self.records() if predicate(r)]
            if found:
                return found
            time.sleep(0.2)
        self.fail("no %s in the audit trail:\n%s\n%s" % (what, [r["event"] for r in self.records()][-40:],
                                                         self.log_tail()))

    def test_every_record_reaches_the_collector_as_rfc5424(self):
        self.add_user("syslog.user")
        self.assertEqual(self.login("syslog.user", "Wrong-pass-1")[0].status, 401)
        failed = self.wait_record(lambda r: r["event"] == "login.failed" and r.get("user") == "syslog.user",
                                  "login.failed")[0]
        deadline = time.monotonic() + 20
        message = None
        while time.monotonic() < deadline and message is None:
            for m in self.collector.parsed():
                if m and int(m.group(8)) == failed["seq"]:
                    message = m
            time.sleep(0.1)
        self.assertIsNotNone(message, "record %d never reached the collector" % failed["seq"])
        self.assertEqual(int(message.group(1)), 10 * 8 + 4)  # authpriv.warning
        self.assertEqual(message.group(2), failed["time"])  # the record's own JST time
        self.assertEqual(message.group(4), "sekisho")
        self.assertEqual(message.group(6), "login.failed")
        self.assertEqual(json.loads(message.group(10)), failed)  # the record line itself
        # The collector can follow the chain: the hash is the next record's prev.
        following = [r for r in self.records() if r["seq"] == failed["seq"] + 1]
        if following:
            self.assertEqual(following[0]["prev"], message.group(9))
        # Nothing malformed, and every record up to it was sent, in order.
        parsed = self.collector.parsed()
        self.assertTrue(all(parsed), [m for m in self.collector.messages if not RFC5424.match(m)][:3])
        seqs = [int(m.group(8)) for m in parsed]
        self.assertEqual(seqs[:failed["seq"]], list(range(1, failed["seq"] + 1)))

    def test_administration_with_sekishoctl_reaches_the_trail(self):
        device = fingerprint_sha256(self.terminal_b[0])
        self.ctl("device", "suspend", device, "--reason", "lost on ward 3")
        suspended = self.wait_record(lambda r: r["event"] == "ledger.device.suspend", "ledger.device.suspend")
        self.assertEqual(len(suspended), 1)
        self.assertEqual(suspended[0]["actor"], LOCAL_ACTOR)
        self.assertEqual(suspended[0]["reason"], "lost on ward 3")
        self.assertRegex(suspended[0]["at"], r"\+09:00$")
        self.ctl("device", "resume", device, "--reason", "found")
        self.wait_record(lambda r: r["event"] == "ledger.device.resume", "ledger.device.resume")
        self.ctl("user", "add", "ledger.user", "--facility", "demo-clinic", "--role", "nurse", "--password-stdin",
                 stdin=PASSWORD + "\n")
        created = self.wait_record(lambda r: r["event"] == "ledger.user.create" and r["subject"] == "ledger.user",
                                   "ledger.user.create")
        self.assertEqual(created[0]["actor"], LOCAL_ACTOR)
        # The demo's own enrollment happened before the gateway ever ran: copied at start.
        self.assertTrue([r for r in self.records() if r["event"] == "ledger.ticket.create"])
        # Logins are the gateway's own events, not copied a second time from the ledger.
        self.assertFalse([r for r in self.records() if r["event"] in ("ledger.user.login", "ledger.user.login_failed")])
        seqs = [int(r["ledger_seq"]) for r in self.records() if r["event"].startswith("ledger.")]
        self.assertEqual(len(seqs), len(set(seqs)), "a ledger row was copied twice")

    def test_an_idle_session_expires_with_an_event(self):
        self.add_user("idle.user")
        self.logged_in("idle.user")
        expired = self.wait_record(lambda r: r["event"] == "session.expired" and r.get("user") == "idle.user",
                                   "session.expired", timeout=30)
        self.assertEqual(expired[0]["reason"], "idle")
        self.assertEqual(expired[0]["device"], self.demo.fingerprint)


if __name__ == "__main__":
    unittest.main()
