"""Benchmark: ``python bench/run.py --rows real,1000,100000,1000000 --repeat 7 --markdown docs/performance.md``.

For each size (``real`` is the repository's own package; a number is a synthetic package of that many
event rows from ``tests/fixtures/generate.py``) it times whole processes on the same files, in the same run:
``build.py validate`` against ``frictionless validate`` (paired runs, A B A B ..., median), a floor
that only reads the CSVs with pyarrow, ``ddsc.load`` against a plain ``pandas.read_csv(dtype=str)`` of
the same tables, the full build with every export, and ``build.py verify`` of the zip it wrote, whose peak
memory is set against validation's. It prints ratios against the peer of the same run, never absolute
targets, and writes them as Markdown with the machine they were measured on.
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

from tests.fixtures.generate import write  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FLOOR = "import glob, sys, pyarrow.csv as c\nfor f in sorted(glob.glob(sys.argv[1] + '/tables/*.csv')): c.read_csv(f)"
READ_CSV = ("import glob, sys, pandas as pd\nfor f in sorted(glob.glob(sys.argv[1] + '/tables/*.csv')): "
            "pd.read_csv(f, dtype=str, keep_default_na=False, na_values=[''])")
LOAD = f"import sys; sys.path.insert(0, {str(ROOT)!r}); import ddsc; ddsc.load(sys.argv[1], verify=False)"


def timed_once(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and exit code of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def paired(a: list[str], b: list[str], repeat: int) -> tuple[tuple, tuple]:
    """Median seconds, largest peak RSS and last exit code of two commands run alternately (A B A B ...)."""
    runs = [(timed_once(a), timed_once(b)) for _ in range(repeat)]
    summary = lambda rs: (statistics.median(r[0] for r in rs), max(r[1] for r in rs), rs[-1][2])  # noqa: E731
    return summary([r[0] for r in runs]), summary([r[1] for r in runs])


def commands(package: Path, out: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "ddsc validate": [python, str(ROOT / "build.py"), "validate", "--root", str(package)],
        "frictionless validate": [str(Path(python).with_name("frictionless")), "validate", str(package / "datapackage.json")],
        "pyarrow read (floor)": [python, "-c", FLOOR, str(package)],
        "ddsc.load": [python, "-c", LOAD, str(package)],
        "pandas read_csv(dtype=str)": [python, "-c", READ_CSV, str(package)],
        "ddsc full build": [python, str(ROOT / "build.py"), "--root", str(package), "--out", str(out)],
    }


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GiB memory, {platform.platform()}, Python {platform.python_version()}"


def measure(package: Path, out: Path, repeat: int, frictionless: bool, log) -> dict:
    cmd = commands(package, out)
    measured = {}
    if frictionless:
        measured["ddsc validate"], measured["frictionless validate"] = paired(cmd["ddsc validate"], cmd["frictionless validate"], repeat)
    else:
        measured["ddsc validate"] = paired(cmd["ddsc validate"], cmd["ddsc validate"], max(1, repeat // 2))[0]
    measured["pyarrow read (floor)"] = paired(cmd["pyarrow read (floor)"], cmd["pyarrow read (floor)"], max(1, repeat // 2))[0]
    measured["ddsc.load"], measured["pandas read_csv(dtype=str)"] = paired(cmd["ddsc.load"], cmd["pandas read_csv(dtype=str)"], repeat)
    shutil.rmtree(out, ignore_errors=True)
    measured["ddsc full build"] = timed_once(cmd["ddsc full build"])
    release = next(out.glob("ddsc-*.zip"), None)
    if release is not None:  # every file of the release judged: checksums, validation, exports, generated files
        measured["ddsc verify (release zip)"] = timed_once([sys.executable, str(ROOT / "build.py"), "verify", str(release)])
    for name, (seconds, rss, code) in measured.items():
        log(f"  {name:<28} {seconds:8.2f} s {rss:8.0f} MB exit {code}")
    return measured


def report(results: dict, numeric: dict, repeat: int) -> list[str]:
    lines = [f"Machine: {machine()}", "", f"Seconds are medians of {repeat} paired runs (ddsc and its peer alternating; above 100,000 rows as many as `--repeat-large` says); the full build is one run.", ""]
    for size, m in results.items():
        v, floor = m["ddsc validate"][0], m["pyarrow read (floor)"][0]
        lines += [f"### {size}", "", "| process | seconds | peak RSS (MB) | exit |", "|---|---|---|---|"]
        lines += [f"| {name} | {s:.2f} | {rss:.0f} | {code} |" for name, (s, rss, code) in m.items()]
        lines += ["", "| target | measured |", "|---|---|"]
        if "frictionless validate" in m:
            lines.append(f"| ddsc validate / frictionless validate | {v / m['frictionless validate'][0]:.2f}x (frictionless is {m['frictionless validate'][0] / v:.1f}x slower) |")
        lines.append(f"| full build / ddsc validate | {m['ddsc full build'][0] / v:.2f}x |")
        lines.append(f"| ddsc.load / pandas read_csv(dtype=str) | {m['ddsc.load'][0] / m['pandas read_csv(dtype=str)'][0]:.2f}x |")
        lines.append(f"| ddsc validate / pyarrow floor | {v / floor:.1f}x |")
        if "ddsc verify (release zip)" in m:
            lines.append(f"| verify peak RSS / validate peak RSS (at most 1.5x) | {m['ddsc verify (release zip)'][1] / m['ddsc validate'][1]:.2f}x |")
        lines.append("")
    if len(numeric) >= 2:
        small, large = min(numeric), max(numeric)
        per_million = lambda name: (numeric[large][name][0] - numeric[small][name][0]) / ((large - small) / 1e6)  # noqa: E731
        lines.append(f"Marginal cost per million event rows ({small:,} to {large:,}): ddsc validate {per_million('ddsc validate'):.2f} s, "
                     f"pyarrow floor {per_million('pyarrow read (floor)'):.2f} s ({per_million('ddsc validate') / max(per_million('pyarrow read (floor)'), 1e-9):.1f}x).")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", default="real,1000,100000,1000000", help="comma-separated sizes; 'real' is this repository's package")
    parser.add_argument("--repeat", type=int, default=7, help="paired runs per measurement (the median is reported)")
    parser.add_argument("--repeat-large", type=int, default=1, help="paired runs above 100,000 rows, where frictionless takes minutes")
    parser.add_argument("--frictionless-up-to", type=int, default=10**9, help="time frictionless only up to this many rows (it is slow)")
    parser.add_argument("--markdown", type=Path, help="also write the results to this Markdown file")
    args = parser.parse_args()
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    results, numeric = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.rows.split(","):
            real = size == "real"
            package = ROOT if real else write(int(size), Path(tmp) / f"pkg{size}")
            label = "real package (this repository)" if real else f"{int(size):,} event rows"
            log(f"{label}:")
            repeat = args.repeat if real or int(size) <= 100_000 else args.repeat_large
            results[label] = measure(package, Path(tmp) / f"dist{size}", repeat, real or int(size) <= args.frictionless_up_to, log)
            if not real:
                numeric[int(size)] = results[label]
                shutil.rmtree(package)
    text = "\n".join(report(results, numeric, args.repeat))
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
