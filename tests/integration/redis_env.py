"""Gateways that share their registry on PostgreSQL and their sessions in Redis: the
PostgresGatewaysTestCase set-up plus a throw-away redis-server (started first, stopped
last) and a cluster secret; every gateway's auth.sessions says store: redis.
REDIS_SERVER: keyword arguments of RedisServer (user/password, tls) for a class that needs them.
"""
import os
import secrets

from harness import write_yaml
from postgres_env import PostgresGatewaysTestCase, secret_file
from redis_server import RedisServer


class RedisGatewaysTestCase(PostgresGatewaysTestCase):
    REDIS_SERVER = {}

    @classmethod
    def setUpClass(cls):
        cls.redis = RedisServer(**cls.redis_server_arguments())
        cls.addClassCleanup(cls.redis.__exit__, None, None, None)
        cls.redis.start()
        super().setUpClass()

    @classmethod
    def redis_server_arguments(cls):
        return dict(cls.REDIS_SERVER)

    @classmethod
    def redis_section(cls):
        """auth.sessions.redis for the gateways (a subclass adds username, tls...)."""
        scheme = "rediss" if cls.redis.tls else "redis"
        return {"url": "%s://127.0.0.1:%d/0" % (scheme, cls.redis.port)}

    @classmethod
    def cluster_secret(cls):
        if not getattr(cls, "_cluster_secret", None):
            os.makedirs(cls.secrets, mode=0o700, exist_ok=True)
            cls._cluster_secret = secret_file(cls.secrets, "cluster.key", secrets.token_hex(32))
        return cls._cluster_secret

    @classmethod
    def write_config(cls, path, registry, listen_port, admin_port, **sections):
        sessions = dict(cls.AUTH.get("sessions") or {}, store="redis", redis=cls.redis_section())
        auth = dict(cls.AUTH, sessions=sessions)
        config = cls.demo.config(listen_port, admin_port, cls.routes(), registry=registry,
                                 auth=auth, cluster={"secret_file": cls.cluster_secret()},
                                 **sections)
        return write_yaml(path, config)
