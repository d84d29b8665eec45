"""Command line: ``python build.py [build|validate|verify RELEASE|countries] [--root DIR] [--out DIR] [--force]``."""

import argparse
import sys
import time
from pathlib import Path

from ddsc.countries import countries_csv
from ddsc.release import ReleaseExists, verify_release, write_release
from ddsc.validate import Report, check, validate


def _validate(root: Path) -> Report:
    report = check(root)
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.problems:
        print(f"{len(report.problems)} problem(s) found; nothing was written.", file=sys.stderr)
    return report


def _summary(report: Report, started: float, paths: tuple[Path, ...] = ()) -> str:
    lines = [f"{len(report.rows)} tables, {sum(report.rows.values())} rows, {report.checks} checks, {time.perf_counter() - started:.1f} s"]
    lines += [f"  {name}: {count} rows" for name, count in report.rows.items()]
    lines += [f"  wrote {path}" for path in paths]
    return "\n".join(lines)


def main(argv: list[str] | None = None, default_root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="build.py", description="Validate the DDSC data package and write a release.")
    parser.add_argument("command", nargs="?", default="build", choices=["build", "validate", "verify", "countries"])
    parser.add_argument("target", nargs="?", type=Path, help="for verify: a release folder or zip")
    parser.add_argument("--root", type=Path, default=default_root or Path.cwd(), help="package folder (holds datapackage.json)")
    parser.add_argument("--out", type=Path, help="release folder (default: ROOT/dist)")
    parser.add_argument("--force", action="store_true", help="replace an existing release of the same version")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.command == "verify":
        if args.target is None:
            parser.error("verify needs a release folder or zip")
        problems = verify_release(args.target, validate)
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{args.target}: {'FAILED' if problems else 'verified'}", file=sys.stderr)
        return 1 if problems else 0
    if args.command == "countries":
        (args.root / "tables" / "countries.csv").write_text(countries_csv(args.root), encoding="utf-8")
        print("tables/countries.csv regenerated", file=sys.stderr)
        return 0
    print(f"Validating {args.root / 'datapackage.json'} ...", file=sys.stderr)
    report = _validate(args.root)
    if report.problems:
        return 1
    if args.command == "validate":
        print("valid: " + _summary(report, started), file=sys.stderr)
        return 0
    try:
        folder, archive, written = write_release(args.root, args.out or args.root / "dist", force=args.force)
    except ReleaseExists as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    state = "written" if written else "unchanged (same content already released)"
    print(f"Release {state}: " + _summary(report, started, (folder, archive)), file=sys.stderr)
    return 0
