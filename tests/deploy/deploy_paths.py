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
