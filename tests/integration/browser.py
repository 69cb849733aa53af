"""Headless Chromium for the tests that look at a page as a browser shows or prints it (the
dashboard, the self-disclosure): a fresh profile, its own process group, always killed."""
import os
import shutil
import signal
import subprocess
import tempfile

CHROMIUM = "/usr/bin/chromium"


def run_chromium(args, workdir, timeout=90):
    """Runs Chromium headless with args (e.g. ["--dump-dom", url]); (stdout, stderr) as text."""
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=workdir)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--user-data-dir=" + profile] + list(args)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        out, err = b"", b"timed out after %ds" % timeout
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return out.decode(errors="replace"), err.decode(errors="replace")
