"""Command line: ``python build.py [COMMAND] [options]`` in the repository, ``ddsc [COMMAND]`` once installed
(where the package defaults to the working folder, else the installed data); ``COMMAND --help`` explains each.

The commands are declared in one table (``COMMANDS``); options may come before or after the command.
Every failure ends with a message and exit code 1 (2 for usage), never a traceback."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _validate(root: Path, snapshot: bool = False):
    from ddsc.package.problems import capped
    from ddsc.pipeline.repository import check_repository
    from ddsc.package.source import Source

    report = check_repository(Source(root, snapshot=snapshot), log=_say)
    for line in capped(report.problems):
        _say(line)
    if report.problems:
        _say(f"{len(report.problems)} problem(s) found; nothing was written.")
    return report


def _summary(report, started: float, paths: tuple[Path, ...] = (), verb: str = "wrote") -> str:
    lines = [f"{len(report.rows)} tables, {sum(report.rows.values()):,} rows, {report.checks} checks, {time.perf_counter() - started:.1f} s"]
    lines += [f"  {name}: {count:,} rows" for name, count in report.rows.items()]
    lines += [f"  {verb} {path}" for path in paths]
    return "\n".join(lines)


def cmd_build(args, started: float) -> int:
    from ddsc.release.write import ReleaseExists, write_release

    _say(f"Validating {args.root / 'datapackage.json'} ...")
    report = _validate(args.root, snapshot=True)  # the release is written from the bytes that were validated
    if report.problems:
        return 1
    try:
        folder, archive, written = write_release(report, args.out or args.root / "dist", force=args.force, log=_say)
    except ReleaseExists as err:
        _say(f"error: {err}")
        return 1
    if written:
        _say("Release written: " + _summary(report, started, (folder, archive)))
    else:
        _say("Release unchanged (the same content is already released): " + _summary(report, started, (folder, archive), "kept"))
    return 0


def cmd_validate(args, started: float) -> int:
    _say(f"Validating {args.root / 'datapackage.json'} ...")
    report = _validate(args.root)
    if report.problems:
        return 1
    _say("valid: " + _summary(report, started))
    return 0


def cmd_verify(args, started: float) -> int:
    from ddsc.package.problems import capped, escape
    from ddsc.release.verify import SUMS, verify_release

    found = verify_release(args.target, expect=args.expect)
    for line in capped(found.problems):
        _say(line)
    _say(escape(f"{args.target.name}: {SUMS} SHA-256 {found.digest or 'none'}"))
    _say(escape(f"{args.target.name}: {found.status}"))
    _say(escape(f"{args.target.name}: {'FAILED' if found.problems else 'verified'}"))
    return 1 if found.problems else 0


def cmd_publish(args, started: float) -> int:
    from ddsc.release.verify import PUBLISHED, SUMS, publish

    version, digest, added = publish(args.target)
    _say(f"{PUBLISHED.name}: {'added' if added else 'already lists'} {version}, {SUMS} SHA-256 {digest}" + ("; commit it" if added else ""))
    return 0


def cmd_diff(args, started: float) -> int:
    from ddsc.release.diff import diff, render

    print(render(diff(args.target, args.root, verify=not args.no_verify)))
    return 0


def cmd_cite(args, started: float) -> int:
    from ddsc.release import cite as citing

    meta = citing.citation(args.root)
    refs = citing.works(args.root, meta, args.table) if args.table else []
    print(citing.text(meta, args.format, refs, args.table or ""))
    return 0


def cmd_run(args, started: float) -> int:
    from ddsc.pipeline.run import run_steps

    return run_steps(args.root, args.steps, args.sources, log=_say)


def cmd_codebook(args, started: float) -> int:
    from ddsc.release.codebook import write_codebook

    path, changed = write_codebook(args.root)
    _say(f"{path}: {'rewritten' if changed else 'unchanged'}")
    return 0


def _target(parser):
    parser.add_argument("target", type=Path, help="a release folder or zip")


def _digest(text: str) -> str:
    if not re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raise argparse.ArgumentTypeError("a SHA-256 is 64 hexadecimal digits")
    return text.lower()


def _verify_options(parser):
    _target(parser)
    parser.add_argument("--expect", type=_digest, metavar="DIGEST", help="the SHA-256 of the release's SHA256SUMS you got elsewhere (a project page, a colleague): a different one fails")


def _diff_options(parser):
    parser.add_argument("target", type=Path, help="the old release folder or zip to compare the package with")
    parser.add_argument("--no-verify", action="store_true", help="do not check SHA256SUMS (for a working folder being edited)")


def _build_options(parser):
    parser.add_argument("--out", type=Path, help="release folder (default: ROOT/dist)")
    parser.add_argument("--force", action="store_true", help="replace an existing release of the same version with different content")


def _cite_options(parser):
    parser.add_argument("--format", choices=["apa", "bibtex", "cff"], default="apa", help="citation format (default: apa)")
    parser.add_argument("--table", help="also print the works this table rests on (for example trainings)")


def _run_options(parser):
    parser.add_argument("steps", nargs="*", help="step names (default: every step)")
    parser.add_argument("--sources", type=Path, help="folder holding the raw sources (default: ../shared/sources beside the checkout)")


# name: (function, options, one-line help, description with an example)
COMMANDS = {
    "build": (cmd_build, _build_options, "validate the package, then write the release (the default command)",
              "Validate every table, then write dist/ddsc-VERSION/ and its zip. Nothing is written when a problem is found.\n\n  python build.py\n  python build.py build --out /tmp/releases"),
    "validate": (cmd_validate, None, "validate the package and write nothing",
                 "List every problem as table:line:column: message.\n\n  python build.py validate"),
    "verify": (cmd_verify, _verify_options, "check that a release is what it says it is, and whether it was published",
               "Checks that the release holds exactly the files SHA256SUMS lists, with their checksums; re-validates its tables; compares every export\n"
               "with them in type and value and every generated file with what this version writes; says whether ddsc/release/published.csv lists it.\n\n"
               "  python build.py verify dist/ddsc-2.0.0.zip\n  python build.py verify dist/ddsc-2.0.0.zip --expect SHA256"),
    "publish": (cmd_publish, _target, "mark a verified release as published (adds it to ddsc/release/published.csv)",
                "Verifies the release, then adds its version, the SHA-256 of its SHA256SUMS and today's date to ddsc/release/published.csv;\n"
                "commit that file. A version is published once.\n\n  python build.py publish dist/ddsc-2.0.0.zip"),
    "diff": (cmd_diff, _diff_options, "list the rows and columns changed since an older release",
             "Rows are keyed on primary keys; changed cells show the old and the new value.\n\n  python build.py diff dist/ddsc-1.1.0.zip"),
    "cite": (cmd_cite, _cite_options, "print the citation of this version",
             "  python build.py cite\n  python build.py cite --format bibtex\n  python build.py cite --table trainings"),
    "run": (cmd_run, _run_options, "run the steps that produce tables (source steps need the raw files)",
            "Source steps read raw files checked against sources/<source>/MANIFEST.csv; derived steps read the core tables.\n\n  python build.py run\n  python build.py run countries --sources ../shared/sources"),
    "codebook": (cmd_codebook, None, "rewrite docs/codebook.md from the schemas",
                 "  python build.py codebook"),
}


def _program() -> str:
    """The command as it was invoked: ``ddsc`` once installed, ``python build.py`` in the repository."""
    return "ddsc" if sys.argv and Path(sys.argv[0]).name == "ddsc" else "python build.py"


def _parser(default_root: Path | None) -> argparse.ArgumentParser:
    program = _program()
    where = "the repository" if default_root else "the working folder if it holds datapackage.json, else the data installed with ddsc"
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=argparse.SUPPRESS, help=f"package folder (holds datapackage.json; default: {where})")
    parser = argparse.ArgumentParser(prog=program, parents=[common], description="Validate the DDSC data package, write and check releases.",
                                     epilog=f"Run '{program} COMMAND --help' for a command's options and examples.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (func, options, short, long) in COMMANDS.items():
        p = sub.add_parser(name, parents=[common], help=short, description=short[0].upper() + short[1:] + ".\n\n" + long.replace("python build.py", program),
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        if options:
            options(p)
        p.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None, default_root: Path | None = None) -> int:
    """The command line (``python build.py`` in the repository, ``ddsc`` once installed). Returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _parser(default_root)
    if not any(a in COMMANDS or a in ("-h", "--help") for a in argv):
        argv = ["build"] + argv  # the default command
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    from ddsc.package.problems import escape
    from ddsc.package.source import UnsafeRelease

    try:
        for name, default in (("out", None), ("force", False)):
            if not hasattr(args, name):
                setattr(args, name, default)
        if not hasattr(args, "root"):
            from ddsc.api import default_root as installed_or_here

            args.root = default_root or installed_or_here()
        return args.func(args, time.perf_counter())
    except KeyboardInterrupt:
        _say("interrupted; nothing was changed")
        return 130
    except (UnsafeRelease, OSError, ValueError, KeyError, TypeError, UnicodeError) as err:
        _say(escape(f"error: {err}"))
        return 1
    except Exception as err:  # noqa: BLE001 - a command ends with a message, never a traceback
        _say(escape(f"error: unexpected {type(err).__name__}: {err}"))
        return 1
