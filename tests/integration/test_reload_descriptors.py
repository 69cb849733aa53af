"""Reloads do not leak: upstream connections pooled under the previous configuration are
closed at a reload (each revocation republishes the CRL and reloads by itself, so a leak
would pile up descriptors until accepts fail); the soft descriptor limit is raised to the
hard one at start; /metrics shows open and maximum descriptors."""
import os
import re
import resource
import signal
import unittest

from harness import EchoServer, GatewayTestCase, route, wait_for


def open_fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def open_files_limits(pid):
    with open("/proc/%d/limits" % pid) as f:
        line = next(l for l in f if l.startswith("Max open files"))
    soft, hard = re.split(r"\s{2,}", line.strip())[1:3]
    return soft, hard


class ReloadDescriptorTest(GatewayTestCase):

    @classmethod
    def setUpClass(cls):
        cls.echo = cls.start_backend(EchoServer(name="echo"))
        demo = cls.make_demo("http://127.0.0.1:%d" % cls.echo.port)
        # Started with a low soft limit (inherited), as under systemd's default of 1024.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(soft, 512), hard))
        try:
            cls.start_gateway(demo.config(cls.listen_port, cls.admin_port, [
                route("demo", "http://127.0.0.1:%d" % cls.echo.port, login=False)]))
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))

    def traffic(self):
        for i in range(4):  # spread over the workers
            result = self.device_curl("/traffic/%d" % i)
            self.assertEqual(result.status, 200, result.describe() + "\n" + self.log_tail())

    def reload(self):
        before = self.gateway.metric("sekisho_config_reloads_total", result="ok") or 0
        self.gateway.signal(signal.SIGHUP)
        self.gateway.wait_metric_at_least(before + 1, "sekisho_config_reloads_total", result="ok")

    def test_reloads_do_not_accumulate_upstream_connections(self):
        pid = self.gateway.proc.pid
        self.traffic()
        baseline = open_fds(pid)
        for _ in range(8):
            self.reload()
            self.traffic()
        settled = wait_for(lambda: open_fds(pid) <= baseline + 2, timeout=30)
        self.assertTrue(settled, "open descriptors grew from %d to %d over 8 reloads:\n%s\n%s" % (
            baseline, open_fds(pid), "\n".join(sorted(os.readlink("/proc/%d/fd/%s" % (pid, fd))
                                                   for fd in os.listdir("/proc/%d/fd" % pid))),
            self.log_tail()))

    def test_descriptor_limit_is_raised_and_exported(self):
        pid = self.gateway.proc.pid
        soft, hard = open_files_limits(pid)
        self.assertEqual(soft, hard, "the soft limit on open files was not raised to the hard one")
        open_now = self.gateway.metric("process_open_fds")
        self.assertIsNotNone(open_now, "process_open_fds missing from /metrics")
        self.assertGreater(open_now, 0)
        maximum = self.gateway.metric("process_max_fds")
        self.assertIsNotNone(maximum, "process_max_fds missing from /metrics")
        if hard != "unlimited":
            self.assertEqual(maximum, float(hard))


if __name__ == "__main__":
    unittest.main()
