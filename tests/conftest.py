from django.conf import settings


def pytest_configure(config) -> None:
    # Hashing a persona's password with PBKDF2 costs ~0.3 s; tests don't need its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
