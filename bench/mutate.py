"""Mutation testing: ``python bench/mutate.py [--limit N] [--seed S] [--modules ...] [--tests ...]``.

Each mutant is one small change a real bug could be (a comparison flipped, ``and`` for ``or``, a constant
changed, ``not`` dropped, a reported problem dropped), applied to one module of the checks, readers,
verify, exports and diff; the fast test selection then runs against it. A mutant the tests fail on is
killed; one they pass is a survivor, listed with its place so it can be judged (an equivalent change, or
a gap in the tests). Run by hand or on a schedule, not in every CI run; docs/testing.md holds the last
score. The source files are restored after each mutant, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import ast
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ["ddsc/checks.py", "ddsc/rules.py", "ddsc/read.py", "ddsc/model.py", "ddsc/verify.py", "ddsc/checksums.py", "ddsc/export.py", "ddsc/diff.py",
           "ddsc/source.py", "ddsc/package.py", "ddsc/render.py", "ddsc/text.py", "ddsc/problems.py"]
TESTS = ["tests/unit", "tests/test_broken.py", "tests/test_roundtrip.py", "tests/test_release.py", "tests/test_untrusted.py", "tests/test_verify.py"]
SWAPS = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
         ast.In: ast.NotIn, ast.NotIn: ast.In, ast.And: ast.Or, ast.Or: ast.And, ast.Is: ast.IsNot, ast.IsNot: ast.Is}


def candidates(tree: ast.AST) -> list[tuple[str, ast.AST, int]]:
    """(kind, node, index) of every place a mutation applies."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            out += [("compare", node, i) for i, op in enumerate(node.ops) if type(op) in SWAPS]
        elif isinstance(node, ast.BoolOp):
            out.append(("boolop", node, 0))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
            out.append(("not", node, 0))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, bool) and node.lineno:
            out.append(("constant", node, 0))
        elif isinstance(node, (ast.Expr, ast.AugAssign)) and "problem" in ast.unparse(node).split("(")[0]:
            out.append(("drop", node, 0))
    return out


class Mutator(ast.NodeTransformer):
    def __init__(self, target: ast.AST, kind: str, index: int):
        self.target, self.kind, self.index = target, kind, index

    def generic_visit(self, node):
        node = super().generic_visit(node)
        if node is not self.target:
            return node
        if self.kind == "compare":
            node.ops[self.index] = SWAPS[type(node.ops[self.index])]()
        elif self.kind == "boolop":
            node.op = SWAPS[type(node.op)]()
        elif self.kind == "not":
            return node.operand
        elif self.kind == "constant":
            node.value = (not node.value) if isinstance(node.value, bool) else node.value + 1
        elif self.kind == "drop":
            return ast.Pass()
        return node


def mutants(path: Path, limit: int, rng: random.Random) -> list[tuple[int, str, str]]:
    """Up to ``limit`` (line, description, new source) of one module, drawn at random."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    places = candidates(tree)
    rng.shuffle(places)
    out = []
    for kind, node, index in places[:limit]:
        fresh = ast.parse(source)
        twin = next(n for n in ast.walk(fresh) if type(n) is type(node) and getattr(n, "lineno", None) == node.lineno and getattr(n, "col_offset", None) == node.col_offset)
        mutated = ast.fix_missing_locations(Mutator(twin, kind, index).visit(fresh))
        out.append((node.lineno, f"{kind} at line {node.lineno}: {ast.unparse(node)[:80]!r}", ast.unparse(mutated)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=6, help="mutants per module")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modules", nargs="*", default=MODULES)
    parser.add_argument("--tests", nargs="*", default=TESTS)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    killed, survived, started = 0, [], time.perf_counter()
    for rel in args.modules:
        path = ROOT / rel
        original = path.read_text(encoding="utf-8")
        try:
            for line, what, mutated in mutants(path, args.limit, rng):
                path.write_text(mutated, encoding="utf-8")
                result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-m", "not clients", "-p", "no:cacheprovider", *args.tests],
                                        cwd=ROOT, capture_output=True, text=True)
                if result.returncode == 0:
                    survived.append(f"{rel}: {what}")
                else:
                    killed += 1
                print(f"{'killed  ' if result.returncode else 'SURVIVED'} {rel}: {what}", flush=True)
        finally:
            path.write_text(original, encoding="utf-8")
    total = killed + len(survived)
    print(f"\n{killed} of {total} mutants killed ({100 * killed / max(total, 1):.0f}%) in {time.perf_counter() - started:.0f} s")
    for line in survived:
        print("survivor:", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
