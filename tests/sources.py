"""The repository's own source files, for the tests that read the code itself (the layers, who
decides by role, what the code cites)."""

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def app_modules(apps: Iterable[str], *, migrations: bool = True) -> Iterator[tuple[str, str]]:
    """(path from the repository root, source) of every Python module of these apps, in order."""
    for app in apps:
        for path in sorted((ROOT / app).rglob("*.py")):
            if migrations or "migrations" not in path.parts:
                yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def findings(
    apps: Iterable[str], check: Callable[[str, str], list[str]], *, migrations: bool = True
) -> list[str]:
    """``path: finding`` for everything ``check(path, source)`` finds in the apps' modules."""
    return [
        f"{relative}: {found}"
        for relative, source in app_modules(apps, migrations=migrations)
        for found in check(relative, source)
    ]
