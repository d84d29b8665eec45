"""Benchmark: ``python bench/run.py --rows 1000,10000,100000,1000000``.

For each size it generates a synthetic package with the real schemas (``bench/generate.py``) and times,
as whole processes on the same files: the project's ``build.py validate``, ``frictionless validate``
and a floor that only reads the CSVs with pyarrow. At the largest size it also times the project's
validator on a copy with injected defects and a full release build. Prints a table per size with
seconds, peak RSS and ratios; ``--markdown FILE`` writes the results as Markdown.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import write  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FLOOR = "import glob, sys, pyarrow.csv as c\nfor f in sorted(glob.glob(sys.argv[1] + '/tables/*.csv')): c.read_csv(f)"


def timed_once(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def timed(command: list[str], repeat: int = 1) -> tuple[float, float, int]:
    """Median wall seconds over ``repeat`` runs, the largest peak RSS in MB, and the exit code."""
    runs = [timed_once(command) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs), runs[-1][2]


def commands(package: Path, out: Path) -> dict[str, list[str]]:
    python = sys.executable
    frictionless = str(Path(python).with_name("frictionless"))
    return {
        "ddsc validate": [python, str(ROOT / "build.py"), "validate", "--root", str(package)],
        "frictionless validate": [frictionless, "validate", str(package / "datapackage.json")],
        "pyarrow read (floor)": [python, "-c", FLOOR, str(package)],
        "ddsc full build": [python, str(ROOT / "build.py"), "--root", str(package), "--out", str(out)],
    }


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB memory, {platform.platform()}, Python {platform.python_version()}"


def run(sizes: list[int], skip_frictionless_above: int, repeat: int) -> list[str]:
    lines = [f"Machine: {machine()}", "", f"Seconds are the median of {repeat} runs (frictionless and the full build: one run).", ""]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            package = write(rows, Path(tmp) / f"pkg{rows}")
            cmd = commands(package, Path(tmp) / f"dist{rows}")
            measured = {}
            for name in ("pyarrow read (floor)", "ddsc validate", "frictionless validate"):
                if name == "frictionless validate" and rows > skip_frictionless_above:
                    continue
                measured[name] = timed(cmd[name], 1 if name == "frictionless validate" else repeat)
                print(f"{rows:>9} rows  {name:<22} {measured[name][0]:8.2f} s {measured[name][1]:8.0f} MB exit {measured[name][2]}", file=sys.stderr, flush=True)
            if rows == max(sizes):
                bad = write(rows, Path(tmp) / f"bad{rows}", defects=True)
                measured["ddsc validate, with defects"] = timed(commands(bad, Path(tmp) / "x")["ddsc validate"], repeat)
                measured["ddsc full build"] = timed(cmd["ddsc full build"])
                shutil.rmtree(bad)
            results[rows] = measured
            shutil.rmtree(package)
    for rows, measured in results.items():
        ours, floor = measured["ddsc validate"][0], measured["pyarrow read (floor)"][0]
        lines += [f"### {rows:,} event rows", "", "| process | seconds | peak RSS (MB) | exit | ratio |", "|---|---|---|---|---|"]
        for name, (seconds, rss, code) in measured.items():
            ratio = f"{seconds / ours:.1f}x the time of ddsc validate" if name == "frictionless validate" else f"{seconds / floor:.1f}x floor"
            lines.append(f"| {name} | {seconds:.2f} | {rss:.0f} | {code} | {ratio} |")
        lines.append("")
    sizes_sorted = sorted(results)
    for small, large in zip(sizes_sorted, sizes_sorted[1:]):
        growth = results[large]["ddsc validate"][0] / results[small]["ddsc validate"][0]
        lines.append(f"Growth of ddsc validate from {small:,} to {large:,} rows ({large / small:.0f}x rows): {growth:.1f}x time.")
    return lines


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="1000,10000,100000,1000000")
    parser.add_argument("--skip-frictionless-above", type=int, default=10**9, help="frictionless is slow: leave it out above this size")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (the median is reported)")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this Markdown file")
    args = parser.parse_args()
    text = "\n".join(run([int(n) for n in args.rows.split(",")], args.skip_frictionless_above, args.repeat))
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
