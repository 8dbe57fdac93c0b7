"""The dependency direction of docs/architecture.md, checked on every module's imports.

A lower app never imports a higher one, lazily inside a function included: the lower app
exposes a hook (records/hooks.py) and the higher app registers with it. Only the root URLconf
and the settings name every app.
"""

import ast

from django.test import SimpleTestCase

from tests.sources import ROOT, findings

# Apps of one layer may import each other; an app may import any app of a lower layer.
LAYERS = {
    "lgdata": 0,
    "records": 1,
    "accounts": 1,
    "deadlines": 2,
    "dashboards": 3,
    "api": 3,
    "demo": 4,
}
# The root URLconf, the settings and the admin site (which asks accounts.access who may enter)
# wire the apps together; that is their job.
WIRING = {"lgdata/urls.py", "lgdata/settings.py", "lgdata/admin.py"}


def imported_apps(source: str) -> set[str]:
    """The project apps a module's source imports, wherever in the module the import stands."""
    apps = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        apps.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYERS)
    return apps


def higher_imports(relative: str, source: str) -> list[str]:
    """The apps of a higher layer that a module imports (the wiring modules may)."""
    if relative in WIRING:
        return []
    layer = LAYERS[relative.split("/")[0]]
    return [
        f"imports {app} (a higher layer)"
        for app in sorted(imported_apps(source))
        if LAYERS[app] > layer
    ]


class LayersTestCase(SimpleTestCase):
    def test_no_app_imports_a_higher_layer(self):
        self.assertEqual(findings(LAYERS, higher_imports), [])

    def test_every_project_app_has_a_layer(self):
        apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"lgdata"}
        self.assertEqual(apps - set(LAYERS), set())

    def test_the_check_sees_a_lazy_import_inside_a_function(self):
        source = "def f():\n    from dashboards import views\n"
        self.assertEqual(imported_apps(source), {"dashboards"})
