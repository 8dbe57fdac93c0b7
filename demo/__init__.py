"""Demo data to try the portal with: a realistic LAO registry on the real geography, the demo
users, sample records of two fiscal years, and the circulars and rounds of demo/rounds.py, all
made by ``manage.py seed_demo``.

The app sits at the top of the dependency graph (docs/architecture.md): it may import every
other app and nothing imports it, so the portal runs the same without it.
"""


class DemoSeedError(Exception):
    """Bad input or an unsafe setting; raised before anything is written."""
