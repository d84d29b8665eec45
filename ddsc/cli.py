"""Command line: ``python build.py [build|validate|verify RELEASE|diff OLD|cite|countries] [--root DIR] [--out DIR] [--force]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ddsc.package import descriptor

if TYPE_CHECKING:
    from ddsc.validate import Report

# Each command imports what it needs when it runs; validation starts reading the tables before it imports
# pandas and pandera, so that parsing (which releases the GIL) overlaps those imports.

COMMANDS = ["build", "validate", "verify", "diff", "cite", "countries"]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _validate(root: Path) -> Report:
    from ddsc.read import start_reading

    reading = start_reading(root)
    from ddsc.validate import check

    report = check(root, log=_say, reading=reading)
    for problem in report.problems:
        _say(str(problem))
    if report.problems:
        _say(f"{len(report.problems)} problem(s) found; nothing was written.")
    return report


def _summary(report: Report, started: float, paths: tuple[Path, ...] = ()) -> str:
    lines = [f"{len(report.rows)} tables, {sum(report.rows.values())} rows, {report.checks} checks, {time.perf_counter() - started:.1f} s"]
    lines += [f"  {name}: {count} rows" for name, count in report.rows.items()]
    lines += [f"  wrote {path}" for path in paths]
    return "\n".join(lines)


def _verify(target: Path) -> int:
    from ddsc.release import verify_release
    from ddsc.validate import validate

    problems = verify_release(target, validate)
    for problem in problems:
        _say(problem)
    _say(f"{target}: {'FAILED' if problems else 'verified'}")
    return 1 if problems else 0


def _build(args, report: Report, started: float) -> int:
    from ddsc.codebook import codebook
    from ddsc.release import ReleaseExists, write_release

    root = args.root
    book = root / "docs" / "codebook.md"
    book.parent.mkdir(exist_ok=True)
    book.write_text(codebook(descriptor(root), report.schemas, report.rows) + "\n", encoding="utf-8")
    try:
        folder, archive, written = write_release(root, args.out or root / "dist", force=args.force, log=_say)
    except ReleaseExists as err:
        _say(f"error: {err}")
        return 1
    state = "written" if written else "unchanged (same content already released)"
    _say(f"Release {state}: " + _summary(report, started, (book, folder, archive)))
    return 0


def main(argv: list[str] | None = None, default_root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Validate the DDSC data package and write a release.")
    parser.add_argument("command", nargs="?", default="build", choices=COMMANDS)
    parser.add_argument("target", nargs="?", type=Path, help="verify: a release folder or zip; diff: the old release folder or zip")
    parser.add_argument("--root", type=Path, default=default_root or Path.cwd(), help="package folder (holds datapackage.json)")
    parser.add_argument("--out", type=Path, help="release folder (default: ROOT/dist)")
    parser.add_argument("--force", action="store_true", help="replace an existing release of the same version")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.command in ("verify", "diff") and args.target is None:
        parser.error(f"{args.command} needs a release folder or zip")
    if args.command == "verify":
        return _verify(args.target)
    if args.command == "diff":
        from ddsc.diff import diff, render

        print(render(diff(args.target, args.root)))
        return 0
    if args.command == "cite":
        from ddsc import cite as citing

        meta = citing.citation(args.root)
        print(citing.apa(meta) + "\n\n" + citing.bibtex(meta))
        return 0
    if args.command == "countries":
        from ddsc.countries import countries_csv

        (args.root / "tables" / "countries.csv").write_text(countries_csv(args.root), encoding="utf-8")
        _say("tables/countries.csv regenerated")
        return 0
    _say(f"Validating {args.root / 'datapackage.json'} ...")
    report = _validate(args.root)
    if report.problems:
        return 1
    if args.command == "validate":
        _say("valid: " + _summary(report, started))
        return 0
    return _build(args, report, started)
