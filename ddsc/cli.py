"""Command line: ``python build.py [build|validate|verify RELEASE|diff OLD|cite|countries] [--root DIR] [--out DIR] [--force]``.

Every failure ends with a message and exit code 1 (2 for usage), never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

COMMANDS = ["build", "validate", "verify", "diff", "cite", "countries"]


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _validate(root: Path):
    from ddsc.problems import capped
    from ddsc.validate import check

    report = check(root, log=_say)
    for line in capped(report.problems):
        _say(line)
    if report.problems:
        _say(f"{len(report.problems)} problem(s) found; nothing was written.")
    return report


def _summary(report, started: float, paths: tuple[Path, ...] = ()) -> str:
    lines = [f"{len(report.rows)} tables, {sum(report.rows.values())} rows, {report.checks} checks, {time.perf_counter() - started:.1f} s"]
    lines += [f"  {name}: {count} rows" for name, count in report.rows.items()]
    lines += [f"  wrote {path}" for path in paths]
    return "\n".join(lines)


def _verify(target: Path) -> int:
    from ddsc.problems import capped, escape
    from ddsc.release import verify_release

    problems = verify_release(target)
    for line in capped([escape(p) for p in problems]):
        _say(line)
    _say(escape(f"{target.name}: {'FAILED' if problems else 'verified'}"))
    return 1 if problems else 0


def _build(args, report, started: float) -> int:
    from ddsc.codebook import codebook
    from ddsc.release import ReleaseExists, write_release

    root = args.root
    book = root / "docs" / "codebook.md"
    book.parent.mkdir(exist_ok=True)
    text = codebook(report.descriptor, report.model, report.rows) + "\n"
    if not book.is_file() or book.read_text(encoding="utf-8") != text:  # replaced whole, never seen half-written
        partial = book.with_name(f".{book.name}.{os.getpid()}")
        partial.write_text(text, encoding="utf-8")
        partial.replace(book)
    try:
        folder, archive, written = write_release(report, root, args.out or root / "dist", force=args.force, log=_say)
    except ReleaseExists as err:
        _say(f"error: {err}")
        return 1
    state = "written" if written else "unchanged (same content already released)"
    _say(f"Release {state}: " + _summary(report, started, (book, folder, archive)))
    return 0


def _run(args, started: float) -> int:
    if args.command == "verify":
        return _verify(args.target)
    if args.command == "diff":
        from ddsc.diff import diff, render

        print(render(diff(args.target, args.root, verify=not args.no_verify)))
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


def main(argv: list[str] | None = None, default_root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Validate the DDSC data package and write a release.")
    parser.add_argument("command", nargs="?", default="build", choices=COMMANDS)
    parser.add_argument("target", nargs="?", type=Path, help="verify: a release folder or zip; diff: the old release folder or zip")
    parser.add_argument("--root", type=Path, default=default_root or Path.cwd(), help="package folder (holds datapackage.json)")
    parser.add_argument("--out", type=Path, help="release folder (default: ROOT/dist)")
    parser.add_argument("--force", action="store_true", help="replace an existing release of the same version")
    parser.add_argument("--no-verify", action="store_true", help="diff: do not check the releases' SHA256SUMS (for a working folder)")
    args = parser.parse_args(argv)
    if args.command in ("verify", "diff") and args.target is None:
        parser.error(f"{args.command} needs a release folder or zip")
    from ddsc.problems import escape
    from ddsc.source import UnsafeRelease

    try:
        return _run(args, time.perf_counter())
    except (UnsafeRelease, OSError, ValueError, KeyError, TypeError, UnicodeError) as err:
        _say(escape(f"error: {err}"))
        return 1
    except Exception as err:  # noqa: BLE001 - a command ends with a message, never a traceback
        _say(escape(f"error: unexpected {type(err).__name__}: {err}"))
        return 1
