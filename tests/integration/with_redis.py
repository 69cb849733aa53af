"""Runs a command next to a throw-away redis-server:

    python3 with_redis.py -- COMMAND ARGS...

The command gets SEKISHO_TEST_REDIS_PORT (a server on 127.0.0.1 without a password) in its
environment; the exit code is the command's. The server stops afterwards, and dies with us
if we are killed outright.
"""
import os
import subprocess
import sys

from redis_server import RedisServer


def main(argv):
    if len(argv) < 2 or argv[0] != "--":
        print("usage: with_redis.py -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    with RedisServer() as server:
        env = dict(os.environ, SEKISHO_TEST_REDIS_PORT=str(server.port))
        code = subprocess.call(argv[1:], env=env)
        return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
