"""Where the files under test live, and the integration tests' helpers on the import path
(tests that start the real gateway reuse harness.py and gateway_process.py from there)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEPLOY = os.path.join(REPO, "deploy")
INTEGRATION = os.path.join(REPO, "tests", "integration")

if INTEGRATION not in sys.path:
    sys.path.insert(0, INTEGRATION)


def deploy_file(*parts):
    return os.path.join(DEPLOY, *parts)


def sanitized(binary):
    """Whether binary is an ASan/UBSan build (scripts/test.sh --sanitize): it links the
    sanitizers' runtimes and makes their system calls, neither of which a deployment has."""
    import subprocess
    out = subprocess.run(["ldd", binary], capture_output=True, text=True).stdout
    return "libasan" in out or "libubsan" in out
