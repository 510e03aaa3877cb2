"""The map of docs/architecture.md, checked: arrows point down, apps write only their own tables, modules
stay short enough to read. A plain walk of the source with `ast` (imports inside functions count too)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Each app may import only apps on a lower floor (docs/architecture.md). Apps on one floor do not import
# each other: billing, relief and notices talk through immunization and the apps below.
FLOORS = {
    "core": 0,
    "audit": 1,
    "accounts": 2,
    "residents": 3,
    "immunization": 4,
    "notices": 5,
    "billing": 5,
    "relief": 5,
    "integration": 6,  # implements core's adapter protocols; never imported by an app
    "ops": 7,  # tooling: may import anything, imported by nothing
}
APPS = set(FLOORS)
MAX_LINES = 800


def _sources() -> list[Path]:
    out = []
    for app in sorted(APPS | {"okazaki_vax"}):
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                out.append(path)
    return out


def _imports(path: Path) -> set[str]:
    """Absolute module names imported anywhere in the file (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join([*base, node.module] if node.module else base)
            else:
                mod = node.module or ""
            found.add(mod)
            found.update(f"{mod}.{a.name}" for a in node.names)
    return found


def _app_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def _module_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


GRAPH = {path: _imports(path) for path in _sources()}


def _edges() -> list[tuple[str, str, str]]:
    """(importing module, its app, imported app) for every import of one of our apps by another."""
    edges = []
    for path, mods in GRAPH.items():
        app = _app_of(path)
        for mod in mods:
            target = mod.split(".")[0]
            if target in APPS and target != app:
                edges.append((_module_of(path), app, target))
    return sorted(set(edges))


def test_core_imports_no_app():
    bad = [(m, t) for m, app, t in _edges() if app == "core"]
    bad += [(_module_of(p), "okazaki_vax") for p, mods in GRAPH.items() if _app_of(p) == "core" and any(
        x.split(".")[0] == "okazaki_vax" for x in mods)]
    assert bad == []


def test_audit_imports_nothing_above_core():
    assert [(m, t) for m, app, t in _edges() if app == "audit" and t != "core"] == []


def test_no_app_imports_ops_or_integration():
    bad = [(m, t) for m, app, t in _edges() if t in ("ops", "integration") and app not in ("ops", "integration")]
    assert bad == []


def test_arrows_point_down_the_map():
    up = [(m, t) for m, app, t in _edges() if app in FLOORS and FLOORS[t] >= FLOORS[app] and app != "ops"]
    assert up == []


def test_services_never_import_their_own_tasks():
    bad = []
    for path, mods in GRAPH.items():
        module = _module_of(path)
        app = _app_of(path)
        if ".services" in module or module.endswith("services"):
            bad += [(module, m) for m in mods if m == f"{app}.tasks" or m.startswith(f"{app}.tasks.")]
    assert bad == []


def test_no_app_module_imports_the_project_package_except_through_core():
    """okazaki_vax is the top (settings, urls, the Celery app); an app reaching up into it is a circle."""
    bad = [
        (_module_of(p), m)
        for p, mods in GRAPH.items()
        if _app_of(p) in APPS - {"ops"}
        for m in mods
        if m.split(".")[0] == "okazaki_vax"
    ]
    assert bad == []


_WRITE = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY|TRUNCATE|LOCK\s+TABLE)\s+\"?([a-z]+)_[a-z0-9_]+"
    r"|copy_rows\(\s*\w+,\s*[\"']([a-z]+)_",
    re.I,
)
_LABELS = APPS - {"core", "ops"}


@pytest.mark.parametrize("app", sorted(_LABELS))
def test_apps_write_only_their_own_tables(app):
    """Raw SQL that writes another app's table bypasses its owner (and its change log)."""
    bad = []
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for m in _WRITE.finditer(path.read_text(encoding="utf-8")):
            owner = (m.group(1) or m.group(2)).lower()
            if owner in _LABELS and owner != app:
                bad.append((str(path.relative_to(ROOT)), m.group(0)))
    assert bad == []


def test_no_source_module_is_too_long_to_read():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
