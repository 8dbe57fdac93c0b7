"""The dependency direction of docs/architecture.md, checked on every module's imports.

A lower app never imports a higher one, lazily inside a function included: the lower app
exposes a hook (records/hooks.py) and the higher app registers with it. Only the root URLconf
and the settings name every app.
"""

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]

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


def imported_apps(path: Path) -> set[str]:
    """The project apps a module imports, wherever in the module the import stands."""
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        apps.update(name.split(".")[0] for name in names if name.split(".")[0] in LAYERS)
    return apps


def layer_violations() -> list[str]:
    violations = []
    for app, layer in LAYERS.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in WIRING:
                continue
            for other in sorted(imported_apps(path)):
                if LAYERS[other] > layer:
                    violations.append(f"{relative} imports {other} (a higher layer)")
    return violations


class LayersTestCase(SimpleTestCase):
    def test_no_app_imports_a_higher_layer(self):
        self.assertEqual(layer_violations(), [])

    def test_every_project_app_has_a_layer(self):
        apps = {p.parent.name for p in ROOT.glob("*/apps.py")} | {"lgdata"}
        self.assertEqual(apps - set(LAYERS), set())

    def test_the_check_sees_a_lazy_import_inside_a_function(self):
        path = ROOT / "var" / "layer_probe.py"
        path.parent.mkdir(exist_ok=True)
        path.write_text("def f():\n    from dashboards import views\n", encoding="utf-8")
        try:
            self.assertEqual(imported_apps(path), {"dashboards"})
        finally:
            path.unlink()
