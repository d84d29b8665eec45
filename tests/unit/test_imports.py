"""The import graph of the package, read from the source with ``ast`` (imports inside functions included):
no circle, and the judge (validation and what it stands on) never imports the pipeline, the release or the
command line, so that a change to a step cannot change how a package is judged."""

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "ddsc"
JUDGE = {"ddsc.validate", "ddsc.checks", "ddsc.rules", "ddsc.model", "ddsc.package", "ddsc.read", "ddsc.source", "ddsc.problems", "ddsc.kinds", "ddsc.fields", "ddsc.text", "ddsc.render", "ddsc.cff", "ddsc.checksums"}
ABOVE = ("ddsc.steps", "ddsc.release", "ddsc.export", "ddsc.verify", "ddsc.cli", "ddsc.repository", "ddsc.api", "ddsc.codebook", "ddsc.diff", "ddsc.cite")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> dict[str, set[str]]:
    """Each module of ``ddsc`` -> the ``ddsc`` modules it imports (``from ddsc.steps import panels`` counts
    ``ddsc.steps.panels`` where that is a module, else ``ddsc.steps``)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("ddsc")}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ddsc"):
                found |= {f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in modules else node.module for a in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
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


def test_the_judge_imports_nothing_above_it():
    for name, targets in imports().items():
        if name in JUDGE:
            up = sorted(t for t in targets if t.startswith(ABOVE))
            assert not up, f"{name} imports {up}"


def test_the_cycle_finder_finds_a_circle_and_the_reader_sees_function_level_imports():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert "ddsc.fields" in imports()["ddsc.repository"] and "ddsc.steps.run" in imports()["ddsc.repository"]
