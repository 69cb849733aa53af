"""PromQL read only as far as the tests need: the metric names an expression selects and
the label matchers it puts on each, the functions it calls. Not a parser: enough for the
rules and dashboard of deploy/, and it refuses what it does not understand (a function
it does not know)."""
import re

FUNCTIONS = {
    # aggregations
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
    "quantile",
    # functions
    "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "day_of_month",
    "day_of_week", "day_of_year", "days_in_month", "delta", "deriv", "exp", "floor", "histogram_quantile",
    "holt_winters", "hour", "idelta", "increase", "irate", "label_join", "label_replace", "ln", "log2", "log10",
    "minute", "month", "predict_linear", "rate", "resets", "round", "scalar", "sgn", "sort", "sort_desc", "sqrt",
    "time", "timestamp", "vector", "year", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time",
    "count_over_time", "quantile_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time",
    "present_over_time",
    # Grafana's template functions in variable queries
    "label_values",
}
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
            "offset", "atan2", "inf", "nan"}
IDENT = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
SELECTOR = re.compile(r"(%s)?\s*\{([^{}]*)\}" % IDENT)
MATCHER = re.compile(r'(%s)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"' % r"[a-zA-Z_][a-zA-Z0-9_]*")
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")


class Expression:
    def __init__(self, text):
        self.text = text
        self.selectors = []  # (metric name or None, [(label, op, value)])
        for m in SELECTOR.finditer(text):
            self.selectors.append((m.group(1), [(l, op, _unescape(v)) for l, op, v in MATCHER.findall(m.group(2))]))
        stripped = SELECTOR.sub(lambda m: " %s " % (m.group(1) or ""), text)
        stripped = re.sub(r"\[[^\]]*\]", " ", stripped)          # ranges, subqueries
        stripped = re.sub(r'"(?:[^"\\]|\\.)*"', " ", stripped)    # strings (label_replace, ...)
        stripped = GROUPING.sub(" ", stripped)
        stripped = re.sub(r"\$\{?\w+\}?", " ", stripped)          # Grafana variables
        self.functions, names = set(), set()
        for m in re.finditer(r"(%s)(\s*\()?" % IDENT, stripped):
            word = m.group(1)
            if m.start() > 0 and (stripped[m.start() - 1].isdigit() or stripped[m.start() - 1] == "."):
                continue  # the exponent or unit of a number
            if m.group(2):
                self.functions.add(word)
            elif word.lower() not in KEYWORDS:
                names.add(word)
        self.metrics = names | {name for name, _ in self.selectors if name}

    def unknown_functions(self):
        return self.functions - FUNCTIONS

    def balanced(self):
        depth = {"(": 0, "{": 0, "[": 0}
        pairs = {")": "(", "}": "{", "]": "["}
        for ch in re.sub(r'"(?:[^"\\]|\\.)*"', "", self.text):
            if ch in depth:
                depth[ch] += 1
            elif ch in pairs:
                depth[pairs[ch]] -= 1
                if depth[pairs[ch]] < 0:
                    return False
        return all(v == 0 for v in depth.values())


def _unescape(value):
    return value.replace('\\\\', '\\').replace('\\"', '"')


def family_of(name, families):
    """The metric family a sample or selector name belongs to (histogram and summary
    series carry _bucket/_sum/_count), or None."""
    if name in families:
        return name
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and families.get(name[: -len(suffix)]) in ("histogram", "summary"):
            return name[: -len(suffix)]
    return None


def exposition(text):
    """(families {name: type}, samples [(name, {label: value})]) of a /metrics page. A
    family counts as exported when its # TYPE (or # HELP) line is there, samples or not."""
    families, samples = {}, []
    for line in text.splitlines():
        m = re.match(r"^# (TYPE|HELP) (%s)(?: (\S+))?" % IDENT, line)
        if m:
            if m.group(1) == "TYPE":
                families[m.group(2)] = m.group(3)
            else:
                families.setdefault(m.group(2), "untyped")
            continue
        if not line or line.startswith("#"):
            continue
        m = re.match(r"^(%s)(?:\{(.*)\})?\s" % IDENT, line)
        if m:
            labels = dict(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
            samples.append((m.group(1), labels))
    for name, _ in samples:
        if family_of(name, families) is None:
            families[name] = "untyped"  # a sample without a TYPE line still names a family
    return families, samples
