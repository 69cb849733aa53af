"""log.format: json makes every log line one JSON object an operator's log shipper can
parse, with the event name and its fields — including a refused handshake's reason and
source address."""
import json
import unittest

from harness import EchoServer, GatewayTestCase, route
from tls_clients import curl


class JsonLoggingTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.backend = cls.start_backend(EchoServer(name="app"))
        upstream = "http://127.0.0.1:%d" % cls.backend.port
        demo = cls.make_demo(upstream)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [route("app", upstream)],
                                      log={"format": "json", "level": "info"}))

    def events(self):
        out = []
        for line in self.gateway.log_text().splitlines():
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except ValueError:
                self.fail("log line is not JSON: %r\n%s" % (line, self.log_tail()))
        return out

    def test_every_line_is_a_json_object_with_time_level_and_event(self):
        result = self.device_curl("/json-log")
        self.assertEqual(result.status, 200, result.describe())
        self.gateway.wait_for_log(r'"event":"request"')
        events = self.events()
        self.assertTrue(events)
        for e in events:
            self.assertIn("time", e)
            self.assertIn("level", e)
            self.assertIn("event", e)
        requests = [e for e in events if e["event"] == "request"]
        self.assertEqual(requests[-1]["path"], "/json-log")
        self.assertEqual(requests[-1]["status"], "200")
        self.assertEqual(requests[-1]["facility"], "demo-clinic")

    def test_refused_handshake_is_a_json_event_with_reason_and_peer(self):
        result = curl(self.gateway.url("/"), cacert=self.demo.ca_bundle,
                      resolve_port=self.gateway.port)
        self.assertEqual(result.status, 0, result.describe())
        self.gateway.wait_for_log(r'"event":"handshake.refused"')
        refused = [e for e in self.events() if e["event"] == "handshake.refused"]
        self.assertEqual(refused[-1]["reason"], "no_certificate")
        self.assertTrue(refused[-1]["peer"].startswith("127.0.0.1:"), refused[-1])


if __name__ == "__main__":
    unittest.main()
