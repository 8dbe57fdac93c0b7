"""The Redis the shared-cache tests use (CI starts one on 127.0.0.1:6379): a test database of
its own and a key prefix per test, so nothing else's keys are touched."""

import os
import secrets
import unittest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_unreachable() -> str:
    """Why Redis cannot be used ("" when it can)."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # any failure means: skip, saying why
        return f"Redis at {REDIS_URL} is unreachable ({exc}); start redis-server to run this test"
    return ""


def needs_redis(test_class):
    reason = redis_unreachable()
    return unittest.skipIf(bool(reason), reason)(test_class)


def redis_caches() -> dict:
    """A CACHES setting on the shared Redis, with a fresh key prefix."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{secrets.token_hex(6)}",
        }
    }
