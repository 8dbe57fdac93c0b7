"""Loaded as a pytest plugin (-p tests.envdefaults) so it runs before Django reads its settings.

Tests run with DEBUG on (development key, plain HTTP) unless the environment says otherwise.
"""

import os

os.environ.setdefault("DEBUG", "1")
os.environ.setdefault("SECURE", "0")
