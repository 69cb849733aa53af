"""Just enough of a Containerfile (Dockerfile) parser for the checks: instructions with
their continuation lines joined, grouped by stage, and the packages each `apt-get install`
names."""
import re
import shlex


def instructions(path):
    """[(INSTRUCTION, arguments)] with comments dropped and backslash continuations joined."""
    out, pending = [], ""
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.lstrip().startswith("#"):
                continue  # a comment inside a continued instruction
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            text = (pending + line).strip()
            pending = ""
            keyword, _, args = text.partition(" ")
            out.append((keyword.upper(), args.strip()))
    return out


class Stage:
    def __init__(self, base, name):
        self.base, self.name, self.instructions = base, name, []

    def args(self, keyword):
        return [a for k, a in self.instructions if k == keyword]

    def installed_packages(self):
        """Packages named by every `apt-get install` of the stage's RUN instructions."""
        packages = []
        for run in self.args("RUN"):
            for command in re.split(r"&&|;|\|\|", run):
                words = shlex.split(command)
                if words[:2] == ["apt-get", "install"]:
                    packages += [w for w in words[2:] if not w.startswith("-")]
        return packages

    def apt_installs(self):
        return [c.strip() for run in self.args("RUN") for c in re.split(r"&&|;", run)
                if c.split()[:2] == ["apt-get", "install"]]


def stages(path):
    found = []
    for keyword, args in instructions(path):
        if keyword == "FROM":
            words = args.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            found.append(Stage(words[0], name))
        elif found:
            found[-1].instructions.append((keyword, args))
    return found
