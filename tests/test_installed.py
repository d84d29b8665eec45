"""The installed package works from any folder: with the README's editable install, ``import ddsc`` reads
the installed data (the repository's package), and the ``ddsc`` command cites it and verifies a release,
from a folder that holds no package. Run as separate processes from an empty temporary folder."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)

DDSC = Path(sys.executable).parent / "ddsc"


def _run(args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture
def elsewhere(tmp_path):
    folder = tmp_path / "somewhere"
    folder.mkdir()
    return folder


def test_load_and_panel_read_the_installed_data_from_an_empty_folder(elsewhere):
    code = ("import json, ddsc; t = ddsc.load(); cy = ddsc.panel('country_years', system='COW', tables=t); "
            "print(json.dumps([len(t['programs']), list(cy.columns[:2]), str(ddsc.api.installed_data())]))")
    result = _run([sys.executable, "-c", code], elsewhere)
    assert result.returncode == 0, result.stderr
    count, columns, where = json.loads(result.stdout)
    assert count == sum(1 for _ in (ROOT / "tables" / "programs.csv").open(encoding="utf-8")) - 1
    assert columns == ["ccode", "year"] and Path(where).resolve() == ROOT.resolve()


def test_the_command_cites_the_installed_version_and_verifies_a_release_from_an_empty_folder(elsewhere, release):
    if not DDSC.exists():
        pytest.skip("the ddsc command is not installed in this environment (pip install -e .)")
    version = next(line.split('"')[1] for line in (ROOT / "CITATION.cff").read_text(encoding="utf-8").splitlines() if line.startswith("version:"))
    cited = _run([str(DDSC), "cite"], elsewhere)
    assert cited.returncode == 0 and f"(Version {version})" in cited.stdout, cited.stderr
    zipped = elsewhere / "release.zip"
    shutil.copyfile(release.parent / f"{release.name}.zip", zipped)
    verified = _run([str(DDSC), "verify", "release.zip"], elsewhere)
    assert verified.returncode == 0 and "verified" in verified.stderr, verified.stderr
    helped = _run([str(DDSC), "validate", "--help"], elsewhere)
    assert "ddsc validate" in helped.stdout and "build.py" not in helped.stdout


def test_without_a_package_here_or_installed_the_error_says_what_to_do(elsewhere, monkeypatch):
    import ddsc.api as api

    monkeypatch.chdir(elsewhere)
    monkeypatch.setattr(api, "installed_data", lambda: None)
    with pytest.raises(api.ReleaseError, match="name a release folder or zip"):
        api.load()


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory) -> Path:
    """The wheel built as the README says, installed (without its dependencies, which this environment has)
    into a folder of its own: ``PYTHONPATH`` puts it before the editable install."""
    out = tmp_path_factory.mktemp("wheel")
    built = _run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out / "dist")], out)
    assert built.returncode == 0, built.stderr
    wheel = next((out / "dist").glob("ddsc-*.whl"))
    assert wheel.stat().st_size < 20_000_000, f"the wheel is {wheel.stat().st_size:,} bytes"
    installed = _run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(out / "site"), str(wheel)], out)
    assert installed.returncode == 0, installed.stderr
    return out / "site"


def test_the_wheel_loads_cites_and_verifies_its_own_data_from_an_empty_folder(wheel_site, elsewhere, release):
    import os

    env = dict(os.environ, PYTHONPATH=str(wheel_site))
    code = ("import json, ddsc; from ddsc.cli import main; t = ddsc.load(); cy = ddsc.panel('country_years', system='gw', tables=t); "
            "print(json.dumps([ddsc.__file__, str(ddsc.api.installed_data()), len(t['jp_activities']), list(cy.columns[:2])]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    module, data, activities, columns = json.loads(result.stdout)
    assert Path(module).is_relative_to(wheel_site) and Path(data) == wheel_site / "ddsc" / "_data"
    assert activities == sum(1 for _ in (ROOT / "tables" / "jp_activities.csv").open(encoding="utf-8")) - 1 and columns == ["gwcode", "year"]
    shutil.copyfile(release.parent / f"{release.name}.zip", elsewhere / "release.zip")
    for args, expect in ((["cite", "--table", "trainings"], "Security Force Monitor"), (["verify", "release.zip"], "verified")):
        run = subprocess.run([sys.executable, "-c", f"import sys; from ddsc.cli import main; sys.exit(main({args!r}))"], cwd=elsewhere,
                             capture_output=True, text=True, timeout=600, env=env)
        assert run.returncode == 0 and expect in run.stdout + run.stderr, run.stderr
