"""The code's layers, checked on every run (as pretalx enforces its own).

Domain apps form an order; a module may import its own app, the apps below it, Django and
libraries, never an app above it, not even lazily inside a function. Interface apps
(``public``, ``api``, and later the organisers' workspace) sit on top and may import any
domain app. Inside an app, modules must not import each other in a circle (``services`` ↔
``tasks`` was one): tasks, receivers and rules are leaves that call services.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "webinars"

#: Lowest first. Apps on one line are peers: they may import each other's modules, but a test
#: below still forbids module cycles.
LAYERS: list[set[str]] = [
    {"core"},
    {"audit"},
    {"programme"},
    {"mail"},
    {"registrations", "team", "accounts"},
    {"attendance"},
    {"meetings"},
    {"certificates", "feedback"},
    {"reports"},
    {"library"},
    {"public", "api", "organise"},
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("")
        if "migrations" in relative.parts:
            continue
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every ``webinars.*`` module imported anywhere in the file (top level or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    result = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            result.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            result.add(module)
            # ``from . import services`` imports a module too.
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                if candidate in MODULES:
                    result.add(candidate)
    return {m for m in result if m.startswith("webinars.")}


def _app(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def test_every_app_has_a_layer():
    apps = {_app(name) for name in MODULES if name.count(".") >= 1}
    assert apps <= set(RANK), f"give these apps a layer in LAYERS: {sorted(apps - set(RANK))}"


def test_no_import_runs_up_the_layers():
    upward = []
    for module, imported in GRAPH.items():
        app = _app(module)
        for target in imported:
            target_app = _app(target)
            if target_app in RANK and app in RANK and RANK[target_app] > RANK[app]:
                upward.append(f"{module} imports {target}")
    assert not upward, "imports from a lower app to a higher one:\n" + "\n".join(sorted(upward))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _is_package_of(parent: str, child: str) -> bool:
    return child.startswith(parent + ".")


@pytest.mark.parametrize("app", sorted({_app(name) for name in MODULES if name.count(".") >= 1}))
def test_no_module_cycles_inside_an_app(app):
    prefix = f"webinars.{app}."
    graph: dict[str, set[str]] = defaultdict(set)
    for module, imported in GRAPH.items():
        if not module.startswith(prefix):
            continue
        for target in imported:
            # A package's __init__ re-exporting its submodules is not a cycle of logic.
            if target.startswith(prefix) and target != module and not _is_package_of(target, module):
                graph[module].add(target)
    assert not _cycles(graph), f"modules importing each other in a circle: {_cycles(graph)}"


def test_the_checker_sees_lazy_imports():
    """The rules would be toothless if imports inside functions were missed."""
    source = "def f():\n    from webinars.reports import services\n"
    path = ROOT / "var" / "layer_probe.py"
    path.parent.mkdir(exist_ok=True)
    path.write_text(source, encoding="utf-8")
    try:
        assert "webinars.reports.services" in _imports("webinars.core.probe", path)
    finally:
        path.unlink()
