"""The import graph of the package, read from the source with ``ast`` (imports inside functions included).
The modules lie on floors, and each imports only from its own floor and the floors below: ``package`` (the
files, the descriptor, the model) at the bottom; ``validation`` (the judge) on it; ``pipeline`` (the steps)
and ``release`` (writing a release and reading one back) on both, neither on the other; ``api`` and ``cli``
on top. So a change to a step or an export cannot change how a package is judged. And no module imports in
a circle."""

import ast
import functools
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "ddsc"
FLOORS = {"ddsc.package": 0, "ddsc.validation": 1, "ddsc.pipeline": 2, "ddsc.release": 2}  # pipeline and release side by side
TOP = {"ddsc", "ddsc.api", "ddsc.cli"}


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """A fresh copy of the graph (``_imports``, read once per run)."""
    return {name: set(found) for name, found in _imports().items()}


@functools.cache
def _imports() -> dict[str, frozenset[str]]:
    """Each module of ``ddsc`` -> the ``ddsc`` modules it imports (``from ddsc.pipeline.derived import panels``
    counts ``ddsc.pipeline.derived.panels`` where that is a module, else ``ddsc.pipeline.derived``)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("ddsc")}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ddsc"):
                found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module for a in node.names}
        graph[name] = frozenset(m for m in found if m in modules and m != name)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_package_imports_in_no_circle():
    graph = {k: {m for m in v if m != "ddsc"} for k, v in imports().items() if k != "ddsc"}  # the package's lazy top-level names aside
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def floor(module: str) -> str | None:
    """The floor a module lies on (None on top)."""
    return next((f for f in FLOORS if module == f or module.startswith(f + ".")), None)


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Every import from a floor to the top, to a floor above it or to the floor beside it."""
    wrong = []
    for name, targets in sorted(graph.items()):
        own = floor(name)
        if own is None:  # the top imports anything
            continue
        for target in sorted(targets):
            there = floor(target)
            if there is None or there != own and FLOORS[there] >= FLOORS[own]:
                wrong.append(f"{name} imports {target}")
    return wrong


def test_every_module_lies_on_a_floor_but_the_top():
    assert {name for name in imports() if floor(name) is None} == TOP


def test_each_floor_imports_only_from_itself_and_the_floors_below():
    assert violations(imports()) == []


def test_the_cycle_finder_finds_a_circle_and_the_reader_sees_function_level_imports():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert "ddsc.package.fields" in imports()["ddsc.pipeline.repository"] and "ddsc.pipeline.run" in imports()["ddsc.pipeline.repository"]


def test_the_floor_rule_finds_an_import_up_or_sideways():
    graph = {"ddsc.package.model": {"ddsc.validation.rules"}, "ddsc.validation.validate": {"ddsc.pipeline.run"}, "ddsc.release.diff": {"ddsc.api"},
             "ddsc.pipeline.run": {"ddsc.release.write", "ddsc.validation.validate", "ddsc.package.render", "ddsc.pipeline.steps"},
             "ddsc.release.verify": {"ddsc.validation.validate"}, "ddsc.cli": {"ddsc.release.write"}}
    assert violations(graph) == ["ddsc.package.model imports ddsc.validation.rules", "ddsc.pipeline.run imports ddsc.release.write",
                                 "ddsc.release.diff imports ddsc.api", "ddsc.validation.validate imports ddsc.pipeline.run"]


def test_every_package_folder_is_listed_for_the_wheel():
    """A folder of modules left out of pyproject.toml's packages would be missing from the installed wheel."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    folders = {".".join(p.parent.relative_to(ROOT).parts) for p in PACKAGE.rglob("__init__.py")}
    assert folders - listed == set()


def test_the_tests_do_not_import_the_benchmark():
    """bench/ times the code and may use the tests' fixtures; the tests never depend on bench/."""
    found = []
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n == "bench" or n.startswith("bench.")]
    assert found == []
