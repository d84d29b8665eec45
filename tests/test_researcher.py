"""What researchers use: typed loading (pandas and R), SQLite and Parquet exports, codebook, citation, diff."""

import json
import re
import shutil
import sqlite3
import subprocess

import pandas as pd
import pyarrow.parquet as pq
import pytest

import ddsc
from ddsc.release.codebook import codebook, coverage
from ddsc.validation.validate import check
from tests.conftest import REQUIRE_CLIENTS, VERSION, ROOT, append_rows, run_out
from tests.fixtures.make_fixtures import HERE, assemble

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)


@pytest.mark.parametrize("where", ["folder", "zip", "package"])
def test_load_types_dates_integers_enums_and_keeps_na_text(release, where):
    path = {"folder": release, "zip": release.parent / f"{release.name}.zip", "package": ROOT}[where]
    tables = ddsc.load(path, verify=where != "package")
    assert pd.api.types.is_datetime64_any_dtype(tables["events"]["date"])
    assert str(tables["countries"]["cow_code"].dtype) == "Int64"
    category = tables["programs"]["category"]
    schema = json.loads((ROOT / "schemas" / "programs.json").read_text())
    levels = next(f for f in schema["fields"] if f["name"] == "category")["constraints"]["enum"]
    assert isinstance(category.dtype, pd.CategoricalDtype) and list(category.cat.categories) == levels
    assert tables["countries"].set_index("country_id").at["NAM", "iso2"] == "NA"
    assert tables["events"]["date"].notna().all()


def test_sqlite_export_declares_keys_and_passes_foreign_key_check(release):
    with sqlite3.connect(release / "ddsc.sqlite") as db:
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("SELECT count(*) FROM programs").fetchone()[0] == len(ddsc.load(ROOT, verify=False)["programs"])
        fks = db.execute("PRAGMA foreign_key_list(programs)").fetchall()
        assert {(row[2], row[3]) for row in fks} >= {("agencies", "lead_agency_id"), ("programs", "parent_program_id")}
        assert [row[1] for row in db.execute("PRAGMA table_info(events)") if row[5]] == ["event_id"]
        assert db.execute("SELECT typeof(cow_code) FROM countries WHERE country_id = 'JPN'").fetchone()[0] == "integer"
        assert db.execute("SELECT iso2 FROM countries WHERE country_id = 'NAM'").fetchone()[0] == "NA"
        documented = 'SELECT "references", levels FROM _columns WHERE table_name = ? AND column_name = ?'
        assert db.execute(documented, ("programs", "provider_country_id")).fetchone() == ("countries.country_id", None)
        assert db.execute(documented, ("programs", "name_en")).fetchone() == (None, None)  # missing, not an empty text
    db.close()


def test_parquet_export_has_schema_types(release):
    table = pq.read_table(release / "parquet" / "events.parquet")
    assert str(table.schema.field("date").type) == "date32[day]"  # a date in every Parquet reader, not a timestamp
    assert table.schema.field("date").metadata[b"description"].startswith(b"Date")
    plain = pd.read_parquet(release / "parquet" / "countries.parquet")
    assert str(plain["cow_code"].dtype) == "Int64" and str(pd.read_parquet(release / "parquet" / "events.parquet")["date"].iloc[0]) == "1945-09-02"
    assert str(table.schema.field("event_type").type).startswith("dictionary<values=string")
    assert str(pq.read_table(release / "parquet" / "countries.parquet").schema.field("cow_code").type) == "int64"


def test_committed_codebook_is_current():
    report = check(ROOT)
    desc = json.loads((ROOT / "datapackage.json").read_text())
    assert (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8") == codebook(desc, report.model, report.rows, coverage(report.model, report.tables)) + "\n"


def test_codebook_lists_every_column_with_levels(release):
    text = (release / "docs" / "codebook.md").read_text(encoding="utf-8")
    for name in ("programs", "record_citations"):
        schema = json.loads((ROOT / "schemas" / f"{name}.json").read_text())
        assert f"## {name}" in text
        assert all(f"| `{f['name']}` |" in text for f in schema["fields"])
    assert "`state_budget_other_executes`" in text


def test_cite_prints_the_format_asked_for(capsys):
    code, out = run_out(["cite", "--root", str(ROOT)], capsys)
    assert code == 0
    assert f"(Version {VERSION}) [Data set]." in out and "@misc" not in out
    code, out = run_out(["cite", "--format", "bibtex", "--root", str(ROOT)], capsys)
    assert code == 0 and "[Data set]" not in out
    assert "@misc{ddsc_" + VERSION.replace(".", "_") + "," in out and "version = {" + VERSION + "}" in out


def test_diff_reports_added_removed_and_changed_rows(tmp_path, capsys):
    old = assemble(HERE / "minimal", tmp_path / "old")
    new = assemble(HERE / "minimal", tmp_path / "new")
    append_rows(new, "events", [dict(event_id="ev_2016_zz_new", date="2016-01-01", date_precision="day", title_en="New", event_type="summit")])
    path = new / "tables" / "programs.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Foreign Military Financing", "Foreign Military Financing Program"), encoding="utf-8")
    lines = [l for l in path.read_text(encoding="utf-8").splitlines() if not l.startswith("us_dsca_defense_trade,")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out = run_out(["diff", str(old), "--root", str(new), "--no-verify"], capsys)
    assert code == 0
    assert "events: 1 added, 0 removed, 0 changed" in out and "  + ev_2016_zz_new" in out
    assert "programs: 0 added, 1 removed, 1 changed" in out
    assert "  - us_dsca_defense_trade" in out and "  ~ us_fmf\n      name_en: 'Foreign Military Financing' -> 'Foreign Military Financing Program'" in out
    assert "countries: 0 added, 0 removed, 0 changed" in out


def test_descriptor_stays_readable_by_r_frictionless():
    desc = json.loads((ROOT / "datapackage.json").read_text())
    for res in desc["resources"]:
        assert res["profile"] == "tabular-data-resource"
        assert not res["path"].startswith(("/", ".."))
        schema = json.loads((ROOT / res["schema"]).read_text())
        assert schema["missingValues"] == [""]
        header = (ROOT / res["path"]).read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        assert header == [f["name"] for f in schema["fields"]]


def test_load_without_argument_reads_the_package_in_the_working_directory(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert len(ddsc.load()["programs"]) == len(ddsc.load(ROOT, verify=False)["programs"])


def test_wheel_bundles_the_data_for_load(tmp_path):
    import sys
    import zipfile

    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv*", "dist", "build", "*.egg-info", "__pycache__", "tests"))
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(source)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    names = zipfile.ZipFile(next(tmp_path.glob("ddsc-*.whl"))).namelist()
    assert {"ddsc/api.py", "ddsc/_data/datapackage.json", "ddsc/_data/tables/programs.csv", "ddsc/_data/schemas/programs.json"} <= set(names)
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "ddsc").rglob("*.py")}
    assert modules <= set(names), f"not in the wheel (list their folders in pyproject.toml): {sorted(modules - set(names))}"


def test_the_installed_package_and_command_work_from_any_folder(tmp_path):
    """The README's set-up installs ``ddsc`` into the environment: a script elsewhere imports it and the
    ``ddsc`` command runs."""
    python, command = ROOT / ".venv" / "bin" / "python", ROOT / ".venv" / "bin" / "ddsc"
    if not command.exists():
        (pytest.fail if REQUIRE_CLIENTS else pytest.skip)("run the README's set-up command first (it installs the package)")
    script = f"import ddsc; t = ddsc.load({str(ROOT)!r}, verify=False); print(len(t['programs']))"
    result = subprocess.run([str(python), "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and int(result.stdout) > 0, result.stderr
    result = subprocess.run([str(command), "cite", "--root", str(ROOT)], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0 and "[Data set]" in result.stdout, result.stderr


def test_the_readme_coverage_table_states_each_table_s_rows_and_years():
    """Recounted from the CSV files: rows, and the years of `year`, `fiscal_year` or `start_date`."""
    import csv

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Coverage", 1)[1].split("###", 1)[0]
    stated = re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| ([0-9,]+) \| ([0-9-]*) \|$", section, re.M)
    assert {"trainings", "jp_activities", "country_years_cow", "dyad_years_gw"} <= {name for name, _, _ in stated}
    for name, rows, years in stated:
        with (ROOT / "tables" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            table = list(csv.DictReader(f))
        assert int(rows.replace(",", "")) == len(table), name
        column = next((c for c in ("year", "fiscal_year", "start_date") if c in table[0]), None)
        values = [r[column][:4] for r in table if column and r[column]]
        assert years == (f"{min(values)}-{max(values)}" if values else ""), name
