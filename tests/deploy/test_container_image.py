"""deploy/container/Containerfile, read as text (no container engine runs here): two stages
on Debian bookworm, the image being the second; that stage installs no -dev package and
no compiler, runs as a numeric non-root user, declares the state and log folders as
volumes owned by that user, and installs a package for every shared library the real
sekisho and sekishoctl binaries link (found with objdump and dpkg on this Debian 12), so
the image starts. The build context leaves out build trees, demo keys and history."""
import os
import re
import shlex
import subprocess
import unittest

from deploy_paths import REPO, deploy_file, sanitized  # first: puts tests/integration on the import path
from gateway_process import SEKISHO_BIN, SEKISHOCTL_BIN, require_binaries
import containerfile

CONTAINERFILE = deploy_file("container", "Containerfile")
# In debian:bookworm-slim already (Priority: required, or needed by apt itself).
BASE_IMAGE_PACKAGES = {"libc6", "libstdc++6", "libgcc-s1"}
BUILD_TOOLS = re.compile(r"(-dev$|^(gcc|g\+\+|clang|cpp|cmake|make|ninja-build|build-essential|"
                         r"pkg-config|binutils)(-\d+)?$)")


def needed_libraries(binary):
    out = subprocess.run(["objdump", "-p", binary], stdout=subprocess.PIPE, text=True, check=True).stdout
    return re.findall(r"^\s*NEEDED\s+(\S+)$", out, re.M)


def package_of_library(soname):
    """The Debian package holding the library the dynamic linker would load for soname."""
    cache = subprocess.run(["ldconfig", "-p"], stdout=subprocess.PIPE, text=True, check=True).stdout
    match = re.search(r"^\s*%s \(libc6,x86-64\) => (\S+)$" % re.escape(soname), cache, re.M)
    if not match:
        raise AssertionError("%s is not in the linker cache" % soname)
    path = os.path.realpath(match.group(1))
    for candidate in (path, match.group(1), "/usr" + path if not path.startswith("/usr") else path[4:]):
        proc = subprocess.run(["dpkg", "-S", candidate], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if proc.returncode == 0:
            return proc.stdout.split(":", 1)[0]
    raise AssertionError("no package owns %s (%s)" % (soname, path))


class ContainerfileTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.stages = containerfile.stages(CONTAINERFILE)
        cls.image = cls.stages[-1]

    def test_two_stages_on_debian_bookworm(self):
        self.assertEqual(len(self.stages), 2)
        for stage in self.stages:
            self.assertRegex(stage.base, r"^debian:bookworm(-slim)?$")
        self.assertEqual([s.name for s in self.stages], ["build", "runtime"])
        self.assertEqual(self.stages[1].args("COPY")[0].split()[0], "--from=build")

    def test_the_image_installs_nothing_to_build_with(self):
        packages = self.image.installed_packages()
        self.assertTrue(packages)
        self.assertEqual([p for p in packages if BUILD_TOOLS.search(p)], [])
        self.assertTrue(any(BUILD_TOOLS.search(p) for p in self.stages[0].installed_packages()))

    def test_every_apt_install_skips_recommends_and_cleans_up(self):
        for stage in self.stages:
            with self.subTest(stage=stage.name):
                for install in stage.apt_installs():
                    self.assertIn("--no-install-recommends", install)
                self.assertTrue(any("rm -rf /var/lib/apt/lists/*" in r for r in stage.args("RUN")))

    def test_it_runs_as_a_numeric_non_root_user(self):
        users = self.image.args("USER")
        self.assertEqual(len(users), 1)
        uid, _, gid = users[0].partition(":")
        self.assertTrue(uid.isdigit() and int(uid) > 0, users[0])
        self.assertTrue(gid.isdigit() and int(gid) > 0, users[0])

    def test_state_and_logs_are_volumes_the_user_owns(self):
        uid = self.image.args("USER")[0].split(":")[0]
        volumes = shlex.split(self.image.args("VOLUME")[0].strip("[]").replace(",", " "))
        self.assertEqual(sorted(volumes), ["/var/lib/sekisho", "/var/log/sekisho"])
        runs = " ".join(self.image.args("RUN"))
        self.assertRegex(runs, r"install -d -m 0750 -o %s -g \d+ /var/lib/sekisho /var/log/sekisho" % uid)

    def test_it_starts_the_gateway_on_the_mounted_configuration(self):
        self.assertEqual(self.image.args("ENTRYPOINT"), ['["/usr/local/bin/sekisho"]'])
        self.assertEqual(self.image.args("CMD"), ['["--config", "/etc/sekisho/sekisho.yaml"]'])
        copied = self.image.args("COPY")[0].split()
        self.assertEqual(copied[-1], "/usr/local/bin/")
        self.assertEqual(sorted(os.path.basename(p) for p in copied[1:-1]), ["sekisho", "sekishoctl"])
        self.assertEqual(self.image.args("HEALTHCHECK"), [])

    def test_every_library_the_binaries_link_is_installed(self):
        require_binaries()
        if sanitized(SEKISHO_BIN):
            self.skipTest("an ASan/UBSan build: the image builds its binaries without sanitizers")
        provided = set(self.image.installed_packages()) | BASE_IMAGE_PACKAGES
        for binary in (SEKISHO_BIN, SEKISHOCTL_BIN):
            with self.subTest(binary=os.path.basename(binary)):
                missing = {lib: package_of_library(lib) for lib in needed_libraries(binary)}
                missing = {lib: pkg for lib, pkg in missing.items() if pkg not in provided}
                self.assertEqual(missing, {}, "libraries without a package in the runtime stage")

    def test_the_build_context_leaves_out_trees_keys_and_history(self):
        with open(os.path.join(REPO, ".dockerignore")) as f:
            patterns = {line.strip() for line in f if line.strip() and not line.startswith("#")}
        self.assertLessEqual({".git", "build*", "demo"}, patterns)
        # ... but keeps everything the build needs.
        for needed in ("CMakeLists.txt", "gateway", "ctl", "config", "pki", "store"):
            self.assertNotIn(needed, patterns)


if __name__ == "__main__":
    unittest.main()
