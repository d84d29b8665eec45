"""Shared helpers: a scratch copy of the real package that a test can break."""

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from ddsc.cli import main

ROOT = Path(__file__).resolve().parents[1]
VERSION = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["version"]
RELEASE = f"ddsc-{VERSION}"
VENV_BIN = Path(__file__).resolve().parents[1] / ".venv" / "bin"
REQUIRE_CLIENTS = os.environ.get("DDSC_REQUIRE_CLIENTS") == "1"  # set by .ci/run: a missing client fails instead of skipping
PACKAGE_FILES = ("datapackage.json", "CITATION.cff", "CHANGES.md", "README.md", "schemas", "tables", "reference", "sources")


def shared(compute):
    """``compute()`` once, for the tests that read it. Under mutmut, which runs for each mutant only the tests
    that called the mutated function while it collected its stats, it is computed again in each test during
    that collection (so that each test that reads it is known to call what it computes) and once per mutant."""
    cache = {}

    def get():
        run = os.environ.get("MUTANT_UNDER_TEST")
        if run == "stats" or run not in cache:
            cache.clear()
            cache[run] = compute()
        return cache[run]

    return get


def per_test_while_mutmut_records(fixture_name: str, config) -> str:
    """A fixture's scope: the module's, but each test's while mutmut records which tests call which function (as
    ``shared``), so that every test reading the fixture is run against the mutants of what it computes."""
    return "function" if os.environ.get("MUTANT_UNDER_TEST") == "stats" else "module"


def make_package(dest: Path) -> Path:
    """The minimal fixture (cut from the real tables) with the repository's schemas and the files a release
    carries, assembled at ``dest``."""
    from tests.fixtures.make_fixtures import HERE, assemble

    root = assemble(HERE / "minimal", dest)
    for name in ("README.md", "LICENSE", ".zenodo.json", "pyproject.toml", "R"):
        src = ROOT / name
        if src.exists():
            (shutil.copytree if src.is_dir() else shutil.copyfile)(src, root / name)
    return root


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A small valid package to break or build (``make_package``). Tests of behaviour use it; the real package
    is built once per run (``release``)."""
    return make_package(tmp_path / "pkg")


@pytest.fixture
def real_package(tmp_path: Path) -> Path:
    """A copy of the repository's whole data package (for the few tests about the real tables)."""
    root = tmp_path / "real"
    root.mkdir()
    for name in PACKAGE_FILES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, root / name)
    return root


def table_path(root: Path, table: str) -> Path:
    return root / "tables" / f"{table}.csv"


def read_rows(root: Path, table: str) -> list[dict]:
    with table_path(root, table).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def append_rows(root: Path, table: str, rows: list[dict]) -> int:
    """Append rows (missing columns empty); returns the CSV line number of the first appended row."""
    path = table_path(root, table)
    header = next(csv.reader([path.read_text(encoding="utf-8").split("\n", 1)[0]]))
    first_line = len(path.read_text(encoding="utf-8").splitlines()) + 1
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([[row.get(name, "") for name in header] for row in rows])
    with path.open("a", encoding="utf-8", newline="") as handle:
        handle.write(out.getvalue())
    return first_line


def run(args: list[str], capsys) -> tuple[int, str]:
    """Run the CLI in-process; returns the exit code and what it printed to stderr."""
    code = main(args)
    return code, capsys.readouterr().err


def run_out(args: list[str], capsys) -> tuple[int, str]:
    """Run the CLI in-process; returns the exit code and what it printed to stdout."""
    code = main(args)
    return code, capsys.readouterr().out


def _build_once(shared: Path, name: str, root: Path | None = None) -> Path:
    """The release of ``root`` (the repository's package; the minimal package when None), built into
    ``shared/name`` unless it is there: under a lock, so that whoever comes second (a worker, or the build
    started at session start) waits and reuses it. Returns the release folder (its zip lies beside it)."""
    import fcntl

    out = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / RELEASE / "SHA256SUMS").is_file():
            if root is None:
                root = make_package(shared / f"{name}-package")
            assert main(["--root", str(root), "--out", str(out)]) == 0
    return out / RELEASE


def _build_shared_release(shared: Path) -> Path:
    return _build_once(shared, "shared-release", ROOT)


def _run_folder(tmp_path_factory) -> Path:
    """One folder per test run, seen by every xdist worker (each worker's basetemp lies inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _kept(markexpr: str, marks: set[str]) -> bool:
    """Whether ``-m markexpr`` keeps a test carrying exactly ``marks``."""
    if not markexpr:
        return True
    from _pytest.mark.expression import Expression

    return Expression.compile(markexpr).evaluate(lambda name, **_: name in marks)


def _selects_release_tests(markexpr: str) -> bool:
    """Whether ``-m markexpr`` keeps a test marked slow or clients (the only tests that read the release)."""
    return _kept(markexpr, {"slow"}) or _kept(markexpr, {"clients"}) or _kept(markexpr, {"slow", "clients"})


MODULE_MARK = re.compile(r"^pytestmark = pytest\.mark\.(slow|clients)\b", re.MULTILINE)


def pytest_ignore_collect(collection_path, config):
    """A test module marked slow or clients as a whole is not imported when ``-m`` leaves that marker out: the
    fast tier then imports, and pytest rewrites the asserts of, only the modules it runs."""
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    text = collection_path.read_text(encoding="utf-8")
    found = MODULE_MARK.search(text)
    if not found:
        return None
    markexpr = config.getoption("markexpr", "")
    others = set(re.findall(r"pytest\.mark\.(slow|clients)\b", text))  # a test of the module may carry the other marker too
    if not _kept(markexpr, {found.group(1)}) and not _kept(markexpr, others | {found.group(1)}):
        return True
    return None


def pytest_sessionstart(session):
    """With xdist workers, start building the release at once in the background, beside the tests, so that
    the first test that needs it does not leave its worker idle for the whole build."""
    config = session.config
    if os.environ.get("PYTEST_XDIST_WORKER") or not config.getoption("numprocesses", None) or config.getoption("collectonly"):
        return
    unit = ROOT / "tests" / "unit"
    if config.args and all(Path(arg.split("::")[0]).resolve().is_relative_to(unit) for arg in config.args):
        return  # the unit tests never read the release
    if not _selects_release_tests(config.getoption("markexpr", "")):
        return  # only slow and client tests read the release: the fast tier (-m "not clients and not slow") builds none
    import subprocess
    import sys

    shared = config._tmp_path_factory.getbasetemp()  # the run's folder; each worker's basetemp lies inside it
    script = f"import sys; sys.path.insert(0, {str(ROOT)!r}); from pathlib import Path; from tests.conftest import _build_shared_release; _build_shared_release(Path({str(shared)!r}))"
    config._ddsc_release_build = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def pytest_sessionfinish(session):
    """A test that needs the release waits for the build, so a build still running now served no test: stop it."""
    build = getattr(session.config, "_ddsc_release_build", None)
    if build is not None and build.poll() is None:
        build.terminate()
        build.wait()


@pytest.fixture(scope="session")
def release(tmp_path_factory) -> Path:
    """The release folder built once per test run from the repository's package (its zip lies beside it),
    shared by the xdist workers of the run (the build starts with the session; a worker that needs it
    first waits for it). Tests read it and never change it (they copy what they break)."""
    return _build_shared_release(_run_folder(tmp_path_factory))


@pytest.fixture(scope="session")
def built_minimal(tmp_path_factory) -> Path:
    """The minimal package's release, built once per test run and shared by the workers; never changed."""
    return _build_once(_run_folder(tmp_path_factory), "minimal-release")


@pytest.fixture
def built(built_minimal, package, tmp_path, capsys) -> Path:
    """A copy of the release of ``package`` (the minimal package, built once per run), in ``tmp_path/dist``
    with its zip and lock file beside it, for a test to verify, tamper with or build over."""
    out = tmp_path / "dist"
    shutil.copytree(built_minimal.parent, out)  # as the build left it: the folder, the zip and the lock file
    capsys.readouterr()
    return out / RELEASE


def need(program: str) -> str:
    """The path of a client program; the test skips without it, or fails under DDSC_REQUIRE_CLIENTS=1."""
    path = shutil.which(program) or (str(VENV_BIN / program) if (VENV_BIN / program).exists() else None)
    if path is None:
        (pytest.fail if REQUIRE_CLIENTS else pytest.skip)(f"{program} is not installed")
    return path


def client_env() -> dict:
    """The environment the README's commands assume: this repository's virtual environment first on PATH."""
    return {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def code_blocks(path: Path) -> list[tuple[str, str]]:
    """The fenced code blocks of a Markdown file as (language, text)."""
    return re.findall(r"^```(\w+)\n(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S)


ARTIFACTS = ROOT / "dist" / "screenshots"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Name the build artifacts the client tests kept (screenshots), whichever worker took them."""
    for shot in sorted(ARTIFACTS.glob("*.png")) if ARTIFACTS.is_dir() else []:
        terminalreporter.write_line(f"artifact kept: {shot}")
