"""Routes are matched on the path as sent, so a path an upstream would normalize into another
route ("/x/../admin/", "/%61dmin/", "/a\\b", ...) is refused with 400 before routing: no
upstream ever sees it. Canonical paths, legitimate percent-encodings and any query pass."""
import unittest

from harness import GatewayTestCase, RecordingBackend, route

REJECTED_LOG = (r"(?m)^(?=.*request\.rejected)(?=.*\bbad_request\b)"
                r"(?=.*non-canonical path).*$")

# Each one matches route "/" as sent, but a normalizing upstream would serve /admin/ (or
# climb out of /viewer/).
NON_CANONICAL = [
    "/x/../admin/", "/./admin/", "/admin/x/..", "/admin/.", "/viewer/../manage",
    "/x/..;/admin/", "/%61dmin/", "/%41dmin/", "/%2e%2e/admin", "/%2E/admin/", "/foo%2fbar",
    "/foo%2Fbar", "/foo%5Cbar", "/a\\b", "/admin%", "/admin%zz", "/%7euser/",
    "/x/../admin/?q=1", "//admin/", "/x//admin/",
]

CANONICAL = [
    "/search/%E6%97%A5%E6%9C%AC", "/search/%e6%97%a5", "/a%20b", "/a%25b", "/file.v2.txt",
    "/.well-known/x", "/q?next=../admin/&x=%2e%2e%2f%zz", "/admin/page",
]


class PathCanonicalTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.open = cls.start_backend(RecordingBackend())
        cls.admin = cls.start_backend(RecordingBackend())
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.open.port)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("open", "http://127.0.0.1:%d" % cls.open.port, path_prefix="/"),
            route("admin", "http://127.0.0.1:%d" % cls.admin.port, path_prefix="/admin/"),
        ]))

    def seen(self):
        lines = []
        for backend in (self.open, self.admin):
            with backend.lock:
                lines += backend.request_lines
        return lines

    def send(self, target):
        raw = ("GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
               % target).encode("latin-1")
        response, conn = self.device_request(raw)
        self.assertIsNotNone(conn, "TLS handshake failed\n" + self.log_tail())
        self.addCleanup(conn.close)
        self.assertIsNotNone(response, "no HTTP response to %r\n%s" % (target, self.log_tail()))
        return response

    def test_non_canonical_paths_get_400_and_never_reach_an_upstream(self):
        for target in NON_CANONICAL:
            with self.subTest(target=target):
                before = len(self.seen())
                offset = self.gateway.log_offset()
                response = self.send(target)
                self.assertEqual(response.status, 400, "%s → %r\n%s" % (
                    target, response, self.log_tail()))
                self.gateway.wait_for_log(REJECTED_LOG, since=offset)
                self.assertEqual(self.seen()[before:], [],
                                 "a non-canonical path reached an upstream")

    def test_absolute_form_is_checked_after_its_rewrite(self):
        before = len(self.seen())
        response = self.send("https://localhost:%d/%%2e%%2e/admin/" % self.gateway.port)
        self.assertEqual(response.status, 400, response)
        self.assertEqual(self.seen()[before:], [])

    def test_reserved_prefix_is_checked_too(self):
        before = len(self.seen())
        response = self.send("/_sekisho/../admin/")
        self.assertEqual(response.status, 400, response)
        self.assertEqual(self.seen()[before:], [])

    def test_canonical_paths_pass_unchanged(self):
        for target in CANONICAL:
            with self.subTest(target=target):
                response = self.send(target)
                self.assertEqual(response.status, 200, "%s → %r\n%s" % (
                    target, response, self.log_tail()))
                self.assertIn("GET %s HTTP/1.1" % target, self.seen(),
                              "the upstream did not get the target unchanged")


if __name__ == "__main__":
    unittest.main()
