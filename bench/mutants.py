"""A seeded random sample of mutmut's mutants, run and scored per area.

    python bench/mutants.py run verify            # mutmut runs the first sample of one area (its names drawn again, same seed)
    python bench/mutants.py --round 2 run         # a second sample of every area, of mutants the first did not draw
    python bench/mutants.py report                # the score of each area's sample, with its 95% interval and survivors
    python bench/mutants.py run checks diff       # the areas run whole before the rounds, sampled the same way

mutmut (``[tool.mutmut]`` in pyproject.toml) lists every mutant of the mutated modules in ``mutants/**/*.meta``
once ``mutmut run`` has generated them. Running all of them costs hours per module, so each area's score is
measured on a uniform random sample of its mutants, drawn with a fixed seed from the sorted list of names: the
same sample on any machine whose ``ddsc/`` is the same. The interval is Wilson's, for a proportion estimated
from a sample.
"""

import argparse
import json
import math
import random
import subprocess
import sys
from pathlib import Path

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parents[1]
SEED = 33
SIZE = 60
AREAS = {  # an area: the modules whose mutants are drawn together
    "panels": ["ddsc/pipeline/derived/panels.py"],
    "fmtrpt": ["ddsc/pipeline/sources/fmtrpt/"],
    "steps": ["ddsc/pipeline/derived/authorities.py", "ddsc/pipeline/raw.py", "ddsc/pipeline/repository.py",
              "ddsc/pipeline/run.py", "ddsc/pipeline/steps.py", "ddsc/pipeline/sources/countries.py",
              "ddsc/pipeline/sources/fmtrpt_html.py", "ddsc/pipeline/sources/state_systems.py"],
    "rules": ["ddsc/validation/rules.py"],
    "export": ["ddsc/release/export.py"],
    "verify": ["ddsc/release/verify.py"],
    "checks": ["ddsc/validation/checks.py"],
    "diff": ["ddsc/release/diff.py"],
}
KILLED = {"killed", "timeout", "caught by type check", "segfault"}  # a test failed; the mutant made a test hang or crash
SURVIVED = {"survived", "no tests"}  # every test passed; no test calls the mutated function


def _metas(area: str) -> list[Path]:
    found = []
    for prefix in AREAS[area]:
        found += [meta for meta in (ROOT / "mutants").glob("ddsc/**/*.py.meta")
                  if meta.relative_to(ROOT / "mutants").as_posix().removesuffix(".meta").startswith(prefix)]
    return sorted(found)


def results(area: str) -> dict[str, int | None]:
    """Every mutant of the area, with mutmut's exit code (None where it has not run)."""
    codes = {}
    for meta in _metas(area):
        codes.update(json.loads(meta.read_text())["exit_code_by_key"])
    return codes


def sample(area: str, round_: int = 1, size: int = SIZE) -> list[str]:
    """The mutants of round ``round_``: drawn from those no earlier round drew, so that a round written after the
    tests for the survivors of the rounds before it measures the tests on mutants they were not written for."""
    earlier = {name for r in range(1, round_) for name in sample(area, r, size)}
    names = sorted(set(results(area)) - earlier)
    seed = f"{SEED}:{area}" + (f":{round_}" if round_ > 1 else "")
    return sorted(random.Random(seed).sample(names, min(size, len(names))))


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (centre - half, centre + half)


def report(areas: list[str], round_: int) -> None:
    print("| area | mutants | sample run | killed | survived | score | 95% interval |")
    print("|---|---|---|---|---|---|---|")
    survivors = []
    for area in areas:
        codes = results(area)
        drawn = sample(area, round_)
        ran = [(name, status_by_exit_code[codes[name]]) for name in drawn]
        ran = [(name, status) for name, status in ran if status in KILLED | SURVIVED]
        killed = sum(status in KILLED for _, status in ran)
        low, high = wilson(killed, len(ran))
        score = f"{killed / len(ran):.0%}" if ran else ""
        print(f"| {area} | {len(codes):,} | {len(ran)} of {len(drawn)} | {killed} | {len(ran) - killed} | {score} | {low:.0%}-{high:.0%} |")
        survivors += [f"{name} ({status})" for name, status in ran if status in SURVIVED]
    print("\nsurvivors:", *survivors, sep="\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "report", "list"])
    parser.add_argument("areas", nargs="*", default=list(AREAS))
    parser.add_argument("--round", type=int, default=1, dest="round_", help="which sample: each round draws mutants no earlier round drew")
    parser.add_argument("--children", type=int, default=2)
    args = parser.parse_args(argv)
    if args.command == "report":
        report(args.areas, args.round_)
        return 0
    def drawn() -> list[str]:
        return [name for area in args.areas for name in sample(area, args.round_)]

    if args.command == "list":
        print(*drawn(), sep="\n")
        return 0
    mutmut = [str(Path(sys.executable).parent / "mutmut"), "run", "--max-children", str(args.children)]
    if not drawn():  # no mutants/ yet: mutmut lists the mutants when it starts, and stops at a name that matches none
        subprocess.call([*mutmut, "ddsc.none.x_none__mutmut_1"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not drawn():
            sys.exit("mutmut listed no mutants of these areas (mutants/)")
    code = subprocess.call([*mutmut, *drawn()], cwd=ROOT)
    # mutmut lists the mutants of a changed module anew when it starts, after the names above were drawn from the
    # old list: draw again from the new one and run what has no result yet
    codes = {name: code for area in args.areas for name, code in results(area).items()}
    missing = [name for name in drawn() if codes.get(name) is None]
    return subprocess.call([*mutmut, *missing], cwd=ROOT) if missing else code


if __name__ == "__main__":
    sys.exit(main())
