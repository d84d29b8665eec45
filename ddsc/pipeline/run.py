"""Running steps: each step's tables written with the one CSV writer (``ddsc.package.render``), and the check that
committed derived tables equal a rebuild from the core tables."""

from __future__ import annotations

from pathlib import Path

from ddsc.package.descriptor import read_model
from ddsc.package.problems import Problem
from ddsc.package.render import to_csv
from ddsc.package.source import Source
from ddsc.pipeline.steps import DERIVED, SOURCE, all_steps, step
from ddsc.pipeline.raw import RawSourceError, default_raw_root


def _write(root: Path, outputs: dict, model: dict) -> list[str]:
    written = []
    for name, frame in outputs.items():
        path = root / model[name].path
        data = to_csv(frame, model[name])
        if not path.is_file() or path.read_bytes() != data:
            tmp = path.with_name(f".{path.name}.partial")
            tmp.write_bytes(data)
            tmp.replace(path)
            written.append(model[name].path)
    return written


def run_steps(root: Path, names: list[str], raw_root: Path | None = None, log=print) -> int:
    """Run the named steps (all by default) in declared order; a source step whose raw files are absent is
    skipped with a message when no step was named, and fails when it was."""
    chosen = [step(n) for n in names] if names else list(all_steps())
    order = [s for s in all_steps() if s in chosen]
    _, model, problems = read_model(Source(root))
    if problems:
        for p in problems:
            log(str(p))
        return 1
    failed = 0
    for current in order:
        if current.layer == SOURCE:
            absent = [s for s in current.sources if not (raw_root or default_raw_root(root)).joinpath(s).is_dir()]
            if absent and not names:
                log(f"{current.name}: skipped, raw files of {absent[0]!r} not found (see sources/{absent[0]}/source.json)")
                continue
            try:
                outputs = current.run(root, raw_root)
            except RawSourceError as err:
                log(f"{current.name}: {err}")
                failed = 1
                continue
        else:
            tables = core_tables(root)
            if tables is None:
                log(f"{current.name}: the core tables are not valid; run build.py validate")
                return 1
            outputs = current.run(tables)
        written = _write(root, outputs, model)
        log(f"{current.name}: " + (", ".join(f"wrote {p}" for p in written) or "unchanged"))
    return failed


def core_tables(root: Path) -> dict | None:
    """The validated, typed core tables of the package (None when they are not valid)."""
    from ddsc.validation.validate import check

    report = check(root, layers=("core",))
    return report.tables if report.valid else None


def stale_problems(typed: dict, model: dict, source) -> list[Problem]:
    """Every derived table's file (in ``source``, the package) must equal, byte for byte, the rebuild of its
    step from the typed core tables."""
    problems = []
    core = {n: f for n, f in typed.items() if model[n].layer == "core"}
    for current in all_steps():
        if current.layer != DERIVED or not all(o in model for o in current.outputs):
            continue
        for name, frame in current.run(core).items():
            if name not in typed:
                continue
            expected = to_csv(frame, model[name]).split(b"\n")
            found = source.read(model[name].path).split(b"\n")
            if expected != found:
                line = next((i + 1 for i, (a, b) in enumerate(zip(expected, found)) if a != b), min(len(expected), len(found)))
                problems.append(Problem(name, line, "", f"derived table differs from its rebuild by step {current.name!r} (first at this line); run: build.py run {current.name}", "stale-derived"))
    return problems
