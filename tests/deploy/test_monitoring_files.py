"""deploy/prometheus/ and deploy/grafana/ against a real gateway's /metrics. promtool and
Grafana do not run here, so the files are read: the rules' structure (names, severities,
durations, summaries), and in every PromQL expression of the rules and the dashboard, each
metric named must be a family the real gateway exports (its # TYPE line; histogram series
by their family), and each label value matched must be one it exports for that family.
The gateway runs with registry, enrollment and audit trail and has served one login and
one request, so per-route families carry samples too. Series that are not the gateway's
(Prometheus' `up`, blackbox_exporter's `probe_success`) are allowed by name only, with a
job that scrape-config.yml defines."""
import json
import os
import re
import shutil
import tempfile
import unittest

import yaml

from deploy_paths import deploy_file  # first: puts tests/integration on the import path
from deployed_gateway import DeployedLayout
from gateway_process import Gateway, admin_get
from promql_names import Expression, exposition, family_of

RULES = deploy_file("prometheus", "sekisho-alerts.yml")
SCRAPE = deploy_file("prometheus", "scrape-config.yml")
BLACKBOX = deploy_file("prometheus", "blackbox.yml")
DASHBOARD = deploy_file("grafana", "sekisho-dashboard.json")
# Not the gateway's: which job must carry them.
EXTERNAL = {"up": "Prometheus' own: is the target scraped", "probe_success": "blackbox_exporter (blackbox.yml)"}
TARGET_LABELS = {"job", "instance"}  # set by Prometheus, not by the gateway
DURATION = re.compile(r"^\d+(ms|s|m|h|d|w|y)$")


def rule_expressions():
    with open(RULES) as f:
        doc = yaml.safe_load(f)
    return [(rule["alert"], rule["expr"]) for group in doc["groups"] for rule in group["rules"]]


def dashboard_expressions():
    with open(DASHBOARD) as f:
        dash = json.load(f)
    found = []

    def panels(items):
        for panel in items:
            yield panel
            yield from panels(panel.get("panels", []))
    for panel in panels(dash["panels"]):
        for target in panel.get("targets", []):
            found.append(("panel %r" % panel["title"], target["expr"]))
    for variable in dash["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]["query"] if isinstance(variable["query"], dict) else variable["query"]
            inner = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", query)
            found.append(("variable $%s" % variable["name"], inner.group(1) if inner else query))
    return found


class MonitoringFilesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        tmp = tempfile.mkdtemp(prefix="sekisho-monitoring-")
        cls.addClassCleanup(shutil.rmtree, tmp, True)
        layout = DeployedLayout(os.path.join(tmp, "srv"))
        cls.addClassCleanup(layout.stop)
        gateway = Gateway(layout.config_path, layout.listen_port, layout.admin_port, tmp)
        cls.addClassCleanup(gateway.stop)
        gateway.start()
        jar = os.path.join(tmp, "jar")
        assert layout.login(jar).status == 200, gateway.log_tail()
        assert layout.terminal_curl("/ward", cookie_jar=jar).status == 200, gateway.log_tail()
        status, body = admin_get(layout.admin_port, "/metrics")
        assert status == 200, gateway.log_tail()
        cls.families, cls.samples = exposition(body.decode())
        with open(SCRAPE) as f:
            scrape = yaml.safe_load(f)
        cls.jobs = set()
        for job in scrape["scrape_configs"]:
            renamed = [r["replacement"] for r in job.get("relabel_configs", []) if r.get("target_label") == "job"]
            cls.jobs.add(renamed[0] if renamed else job["job_name"])

    def exported_values(self, family, label):
        return {labels[label] for name, labels in self.samples
                if family_of(name, self.families) == family and label in labels}

    def check_expression(self, where, text):
        expr = Expression(text)
        self.assertTrue(expr.balanced(), "%s: unbalanced brackets: %s" % (where, text))
        self.assertEqual(expr.unknown_functions(), set(), "%s: functions PromQL does not have" % where)
        self.assertTrue(expr.metrics, "%s: names no metric" % where)
        for name in expr.metrics:
            if name in EXTERNAL:
                continue
            self.assertIsNotNone(family_of(name, self.families),
                                 "%s: %s is not in the gateway's /metrics" % (where, name))
        for name, matchers in expr.selectors:
            for label, op, value in matchers:
                if label == "job":
                    self.assertEqual(op, "=")
                    self.assertIn(value, self.jobs, "%s: job %r is not scraped by scrape-config.yml" % (where, value))
                    continue
                if name in EXTERNAL or label in TARGET_LABELS or "$" in value or op.startswith("!"):
                    continue
                family = family_of(name, self.families)
                exported = self.exported_values(family, label)
                self.assertTrue(exported, "%s: %s carries no label %s" % (where, name, label))
                if op == "=":
                    self.assertIn(value, exported, "%s: %s{%s=%r} never exported" % (where, name, label, value))
                else:
                    pattern = re.compile(value)
                    self.assertTrue(any(pattern.fullmatch(v) for v in exported),
                                    "%s: %s{%s=~%r} matches none of %s" % (where, name, label, value, sorted(exported)))
                    if re.fullmatch(r"[\w|]+", value):  # an alternation of names: each must exist
                        self.assertLessEqual(set(value.split("|")), exported, where)
        for name in expr.metrics & set(EXTERNAL):
            jobs = [v for n, ms in expr.selectors if n == name for l, op, v in ms if l == "job"]
            self.assertTrue(jobs, "%s: %s (%s) needs its job" % (where, name, EXTERNAL[name]))

    def test_every_family_the_gateway_declares_has_samples_after_use(self):
        # What a rule on a fresh gateway could miss: families declared but still empty.
        empty = sorted(f for f in self.families
                       if not any(family_of(n, self.families) == f for n, _ in self.samples))
        self.assertEqual(empty, [])

    def test_the_rules_name_only_what_the_gateway_exports(self):
        for alert, expr in rule_expressions():
            with self.subTest(alert=alert):
                self.check_expression(alert, expr)

    def test_the_dashboard_names_only_what_the_gateway_exports(self):
        for where, expr in dashboard_expressions():
            with self.subTest(where=where):
                self.check_expression(where, expr)

    def test_the_rules_are_well_formed(self):
        with open(RULES) as f:
            doc = yaml.safe_load(f)
        names = []
        for group in doc["groups"]:
            self.assertTrue(group["name"] and group["rules"])
            for rule in group["rules"]:
                names.append(rule["alert"])
                self.assertRegex(rule["alert"], r"^Sekisho[A-Z][A-Za-z0-9]+$")
                self.assertIn(rule["labels"]["severity"], ("warning", "critical"))
                self.assertTrue(rule["annotations"]["summary"] and rule["annotations"]["description"])
                if "for" in rule:
                    self.assertRegex(rule["for"], DURATION)
                for duration in re.findall(r"\[([^\]]+)\]", rule["expr"]):
                    self.assertRegex(duration, DURATION, rule["alert"])
                self.assertEqual(set(rule) - {"alert", "expr", "for", "labels", "annotations"}, set())
        self.assertEqual(len(names), len(set(names)), "alert names repeat")

    def test_the_requirements_alerts_are_all_there(self):
        # REQUIREMENTS §5 (urgent events, clock) and the list: a rule for each.
        watched = " ".join(expr for _, expr in rule_expressions())
        for needle in ('outcome="bad_credentials"', "sekisho_lockouts_total", 'reason=~"revoked|not_registered"',
                       "sekisho_certificate_expiry_seconds", "sekisho_crl_next_update_seconds",
                       "sekisho_time_synchronized", 'reason="registry_unavailable"', "probe_success",
                       'reason="session_crossover"', 'reason="session_store_unavailable"'):
            self.assertIn(needle, watched)

    def test_the_dashboard_is_importable(self):
        with open(DASHBOARD) as f:
            dash = json.load(f)
        self.assertEqual(dash["uid"], "sekisho-gateways")
        ids = [p["id"] for p in dash["panels"]]
        self.assertEqual(len(ids), len(set(ids)))
        variables = {v["name"]: v for v in dash["templating"]["list"]}
        self.assertEqual(variables["datasource"]["type"], "datasource")
        for panel in dash["panels"]:
            grid = panel["gridPos"]
            self.assertLessEqual(grid["x"] + grid["w"], 24, panel["title"])
            if panel["type"] != "row":
                self.assertEqual(panel["datasource"]["uid"], "${datasource}", panel["title"])
                self.assertTrue(panel["targets"], panel["title"])

    def test_blackbox_probes_readyz_with_a_client_certificate(self):
        with open(BLACKBOX) as f:
            module = yaml.safe_load(f)["modules"]["sekisho_readyz"]
        self.assertEqual(module["http"]["valid_status_codes"], [200])
        self.assertLessEqual({"ca_file", "cert_file", "key_file"}, set(module["http"]["tls_config"]))
        with open(SCRAPE) as f:
            jobs = {j["job_name"]: j for j in yaml.safe_load(f)["scrape_configs"]}
        self.assertEqual(jobs["sekisho-readyz"]["params"]["module"], ["sekisho_readyz"])
        for target in jobs["sekisho-readyz"]["static_configs"][0]["targets"]:
            self.assertRegex(target, r"^https://[^/]+/readyz$")


if __name__ == "__main__":
    unittest.main()
