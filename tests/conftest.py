import pytest
from django.conf import settings


def pytest_configure(config) -> None:
    # Hashing a persona's password with PBKDF2 costs ~0.3 s; tests don't need its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # What one test leaves in the cache (the burn-up's history, dashboards.figures) must not
    # answer the next one, whose database may hold other rows under the same ids.
    from django.core.cache import cache

    cache.clear()
    yield
