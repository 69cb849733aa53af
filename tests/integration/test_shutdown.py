"""SIGTERM: the gateway stops taking new connections, lets the request in flight finish,
and exits 0; a request that outlives the drain timeout does not keep it alive."""
import signal
import socket
import threading
import unittest

from harness import EchoServer, GatedBackend, GatewayTestCase, route, wait_for
from tls_clients import http_request


class ShutdownTestCase(GatewayTestCase):
    drain = "20s"

    @classmethod
    def setUpClass(cls):
        cls.slow = cls.start_backend(GatedBackend(name="slow"))
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
            route("slow", "http://127.0.0.1:%d" % cls.slow.port, path_prefix="/slow/"),
            route("demo", "http://127.0.0.1:%d" % cls.echo.port, path_prefix="/"),
        ], timeouts={"drain": cls.drain}))

    def start_slow_request(self):
        """curl /slow/ in a thread; returns a dict that gets "result" when curl is done."""
        holder = {}
        thread = threading.Thread(target=lambda: holder.update(result=self.device_curl(
            "/slow/in-flight", timeout=120)), daemon=True)
        thread.start()
        holder["thread"] = thread
        self.assertTrue(self.slow.received.wait(30), "the slow request never reached the "
                        "upstream\n" + self.log_tail())
        return holder

    def new_connection_is_served(self):
        try:
            socket.create_connection(("127.0.0.1", self.listen_port), timeout=5).close()
        except OSError:
            return False  # refused: the listener is closed
        try:
            response, conn = http_request(self.listen_port, self.device_context(),
                                          b"GET /new HTTP/1.1\r\nHost: localhost\r\n"
                                          b"Connection: close\r\n\r\n", timeout=5)
        except OSError:
            return False
        if conn:
            conn.close()
        return response is not None

    def assert_exit_code_zero(self):
        code = self.gateway.wait_exit(60)
        self.assertIsNotNone(code, "gateway still running 60s after SIGTERM\n" + self.log_tail())
        self.assertEqual(code, 0, "gateway exit code after SIGTERM\n" + self.log_tail())


class DrainTest(ShutdownTestCase):
    drain = "20s"

    def test_in_flight_request_completes_and_new_connections_are_refused(self):
        self.assertTrue(self.new_connection_is_served(), "control request failed\n"
                        + self.log_tail())
        holder = self.start_slow_request()
        self.gateway.signal(signal.SIGTERM)
        refused = wait_for(lambda: not self.new_connection_is_served(), 20, 0.2)
        self.assertTrue(refused, "new connections still served after SIGTERM\n"
                        + self.log_tail())
        self.slow.release()
        holder["thread"].join(150)
        result = holder.get("result")
        self.assertIsNotNone(result, "curl did not finish")
        self.assertEqual(result.status, 200, "the in-flight request was cut off by SIGTERM:\n"
                         + result.describe() + "\n" + self.log_tail())
        self.assertEqual(result.json()["target"], "/slow/in-flight")
        self.assert_exit_code_zero()


class DrainTimeoutTest(ShutdownTestCase):
    drain = "2s"

    def test_request_outliving_the_drain_timeout_does_not_block_exit(self):
        holder = self.start_slow_request()  # never released
        self.gateway.signal(signal.SIGTERM)
        self.assert_exit_code_zero()
        holder["thread"].join(150)
        result = holder.get("result")
        self.assertIsNotNone(result, "curl did not finish")
        self.assertNotEqual(result.status, 200, "a request held past the drain timeout "
                            "cannot have completed:\n" + result.describe())


class IdleShutdownTest(ShutdownTestCase):

    def test_idle_gateway_exits_zero_on_sigterm(self):
        result = self.device_curl("/before-shutdown")
        self.assertEqual(result.status, 200, result.describe())
        self.gateway.signal(signal.SIGTERM)
        self.assert_exit_code_zero()
        self.assertFalse(self.gateway.healthy())


if __name__ == "__main__":
    unittest.main()
