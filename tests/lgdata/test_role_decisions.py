"""Who may do what, and who hears of what, is decided by role in accounts/ alone
(accounts/access.py): no other app's module and no template looks at a user's role.

The demo data (demo/) gives its users their roles; that is not a decision about anyone.
"""

import ast
import re

from django.test import SimpleTestCase

from accounts.models import Role
from tests.sources import ROOT, findings

APPS = ["lgdata", "records", "deadlines", "dashboards", "api"]
# Showing a role's name (``get_role_display``) decides nothing; comparing it does.
TEMPLATE_ROLE = re.compile(r"\.role\b|\brole\s*==")


def role_uses(source: str) -> list[str]:
    """Where a module names a role: ``Role``, an attribute ``role``, a lookup through it
    (``users__role=``), or a role's value as a keyword ``role`` (``role="clerk"``; an SVG's
    ``role="img"`` is not a user's)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Name) and node.id == "Role":
            found.append(f"{node.lineno}: Role")
        elif isinstance(node, ast.Attribute) and node.attr == "role":
            found.append(f"{node.lineno}: .role")
        elif isinstance(node, ast.keyword) and node.arg and node.arg.endswith("__role"):
            found.append(f"{node.lineno}: {node.arg}=")
        elif (
            isinstance(node, ast.keyword)
            and node.arg == "role"
            and isinstance(node.value, ast.Constant)
            and node.value.value in Role.values
        ):
            found.append(f"{node.lineno}: role={node.value.value!r}")
    return sorted(found, key=lambda use: int(use.split(":")[0]))


def violations() -> list[str]:
    found = findings(APPS, lambda _, source: role_uses(source), migrations=False)
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE_ROLE.search(line):
                found.append(f"{path.relative_to(ROOT).as_posix()}:{number}")
    return found


class RoleDecisionsTestCase(SimpleTestCase):
    def test_only_accounts_looks_at_a_users_role(self):
        self.assertEqual(violations(), [])

    def test_the_check_sees_a_role_in_a_query_and_in_a_comparison(self):
        source = (
            "def f(user, LAO, User, svg):\n"
            "    if user.role == 'clerk':\n"
            "        return LAO.objects.filter(users__role=Role.CLERK)\n"
            "    svg.open('svg', role='img')\n"
            "    return User.objects.filter(role='district')\n"
        )
        self.assertEqual(
            role_uses(source), ["2: .role", "3: users__role=", "3: Role", "5: role='district'"]
        )
