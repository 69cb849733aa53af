"""Runs a command next to a throw-away PostgreSQL server:

    python3 with_postgres.py -- COMMAND ARGS...

The command inherits our stdout/stderr and gets SEKISHO_TEST_POSTGRES_URL (the superuser's
postgresql:// URL) in its environment; the exit code is the command's (128+N when a signal N
ended it). The server is stopped and its folder removed afterwards, also when we get SIGTERM,
SIGINT or SIGHUP (forwarded to the command first, so it can clean up too), and by the
server's watchdog when we are killed outright (a CTest timeout sends SIGKILL).
"""
import os
import signal
import subprocess
import sys

from postgres_server import PostgresServer

USAGE = "usage: with_postgres.py -- COMMAND [ARGS...]"


class Interrupted(BaseException):
    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def main(argv):
    if len(argv) < 2 or argv[0] != "--":
        print(USAGE, file=sys.stderr)
        return 2
    child = None

    def on_signal(signum, frame):
        if child is None:
            raise Interrupted(signum)  # still starting the server: unwind and clean up
        if child.poll() is None:
            # Ctrl-C reaches the whole foreground process group, the command included;
            # a second SIGINT would cut short its own cleanup.
            if not (signum == signal.SIGINT and _in_terminal_foreground()):
                child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_signal)

    server = PostgresServer()
    code = 1
    try:
        server.start()
        env = dict(os.environ, SEKISHO_TEST_POSTGRES_URL=server.superuser_url())
        try:
            child = subprocess.Popen(argv[1:], env=env)
        except OSError as e:
            print("with_postgres: cannot run %s: %s" % (argv[1], e), file=sys.stderr)
            code = 127
        else:
            code = child.wait()
            code = 128 - code if code < 0 else code
    except Interrupted as e:
        code = 128 + e.signum
    except AssertionError as e:  # the server did not start; the message has its log tail
        print("with_postgres: %s" % e, file=sys.stderr)
    finally:
        try:
            server.stop()
        except AssertionError as e:
            # A server that would not stop may disturb the next tests: never report success.
            print("with_postgres: stopping PostgreSQL failed: %s" % e, file=sys.stderr)
            code = code or 1
    return code


def _in_terminal_foreground():
    try:
        return os.tcgetpgrp(0) == os.getpgrp()
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
