"""The release opened with the real clients researchers use: frictionless, datasette (and a headless
Chromium on its pages), R, Stata files read back, sqlite3, DuckDB and the legacy ``datapackage``
library; and every command of both READMEs run as written."""

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ARTIFACTS, RELEASE, ROOT, client_env, code_blocks, need

pytestmark = pytest.mark.clients


def _run(args, cwd, timeout=300, env=None, **kw):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env or client_env(), **kw)


@pytest.fixture(scope="module")
def unpacked(release, tmp_path_factory) -> Path:
    """The release zip unpacked, as a researcher who downloaded it has it."""
    folder = tmp_path_factory.mktemp("unpacked") / RELEASE
    with zipfile.ZipFile(release.parent / f"{RELEASE}.zip") as archive:
        archive.extractall(folder)
    return folder


def _resources() -> list[str]:
    return [r["name"] for r in json.loads((ROOT / "datapackage.json").read_text())["resources"]]


def test_frictionless_validates_every_table_in_the_zip_and_reports_a_planted_defect(release, tmp_path):
    frictionless = need("frictionless")
    result = _run([frictionless, "validate", f"{RELEASE}.zip"], cwd=release.parent, env=dict(client_env(), COLUMNS="400"))
    assert result.returncode == 0, result.stdout + result.stderr
    for name in _resources():
        assert f"tables/{name}.csv" in result.stdout
    assert result.stdout.count("VALID") >= len(_resources())
    with zipfile.ZipFile(release.parent / f"{RELEASE}.zip") as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members["tables/countries.csv"] = members["tables/countries.csv"].replace(b",740,740,", b",7x0,740,", 1)
    bad = tmp_path / f"{RELEASE}.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = _run([frictionless, "validate", bad.name], cwd=tmp_path)
    assert result.returncode != 0
    assert "countries" in result.stdout and "type-error" in result.stdout


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode("utf-8", "replace")


def _browser():
    """Playwright driving Debian's chromium (no browser download)."""
    chromium = need("chromium")
    sync = pytest.importorskip("playwright.sync_api") if not __import__("os").environ.get("DDSC_REQUIRE_CLIENTS") else __import__("playwright.sync_api").sync_api
    return chromium, sync


WIDTH_JS = """([a, b]) => {
  const m = t => { const s = document.createElement('span'); s.style.fontSize = '16px'; s.textContent = t; document.body.appendChild(s);
                   const w = s.getBoundingClientRect().width; s.remove(); return w; };
  return [m(a), m(b)];
}"""


def test_datasette_opens_on_data_with_japanese_rendered_and_links_that_answer(unpacked):
    datasette = need("datasette")
    chromium, sync = _browser()
    command = next(line for lang, text in code_blocks(unpacked / "README.md") if lang == "sh" for line in text.splitlines() if line.startswith("datasette "))
    assert command.startswith("datasette ddsc.sqlite -m metadata.json")
    assert _free(8001), "port 8001 (datasette's default) is in use"
    server = subprocess.Popen([datasette, *command.split()[1:]], cwd=unpacked, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=client_env())
    base = "http://127.0.0.1:8001"
    try:
        for _ in range(100):
            if not _free(8001):
                break
            time.sleep(0.2)
        assert _get(f"{base}/ddsc/programs")[0] == 200
        assert _get(f"{base}/ddsc/agreements_in_force?year=2020")[0] == 200
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        with sync.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{base}/ddsc/programs", wait_until="load")
            page.screenshot(path=str(ARTIFACTS / "programs.png"))
            rows = page.locator("table.rows-and-columns tbody tr")
            visible = [box for box in (rows.nth(i).bounding_box() for i in range(min(rows.count(), 10))) if box and box["y"] + box["height"] <= 900]
            assert len(visible) >= 3, "fewer than three table rows on the first screen"
            heads = page.locator("table.rows-and-columns thead th")
            assert all(heads.nth(i).bounding_box()["x"] + heads.nth(i).bounding_box()["width"] <= 1400 for i in range(3)), "the first columns overflow the window"
            japanese = page.locator("table.rows-and-columns td", has_text="プログラム").first
            assert japanese.count() == 1 and japanese.is_visible()
            glyph, missing = page.evaluate(WIDTH_JS, ["日本語", "\ue000\ue001\ue002"])
            assert glyph > missing * 1.3, f"Japanese renders as boxes (width {glyph} against {missing}); install fonts-noto-cjk"
            page.goto(f"{base}/ddsc/programs?lead_agency_id=us_dsca", wait_until="load")
            link = page.locator('table.rows-and-columns a[href="/ddsc/agencies/us_dsca"]').first
            assert link.inner_text().strip() == "Defense Security Cooperation Agency"
            link.click()
            page.wait_for_load_state("load")
            assert page.url.endswith("/ddsc/agencies/us_dsca") and "Defense Security Cooperation Agency" in page.content()
            page.goto(f"{base}/", wait_until="load")  # the home page links the first questions
            page.locator('a[href="/ddsc/agreements_in_force"]').first.click()
            page.wait_for_load_state("load")
            assert page.url.endswith("/ddsc/agreements_in_force")
            page.goto(f"{base}/ddsc/trainings?report_id=2016_2017&_size=5", wait_until="load")
            report = page.locator('table.rows-and-columns a[href="/ddsc/fmtr_reports/2016_2017"]').first
            assert report.inner_text().strip() == "FMTR 2016-2017"  # each report's own short label, not a shared title
            page.goto(f"{base}/ddsc/programs/us_fms", wait_until="load")
            page.screenshot(path=str(ARTIFACTS / "program-row.png"))
            assert "Foreign Military Sales" in page.content()
            page.locator('a[href="/ddsc/citations_of_a_record?table_name=programs"]').first.click()  # from the row's page
            page.wait_for_load_state("load")
            page.goto(page.url + "&record_id=us_fms", wait_until="load")
            assert page.locator("table.rows-and-columns tbody tr").count() >= 1
            browser.close()
        print(f"screenshots kept: {ARTIFACTS}")
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_r_reader_shipped_in_the_release_loads_every_table_with_its_classes(unpacked, release):
    rscript = need("Rscript")
    result = _run([rscript, str(ROOT / "tests" / "test_read_ddsc.R"), ".", str(release.parent / f"{RELEASE}.zip")], cwd=unpacked)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("R column classes ok") == 2


def test_r_reader_refuses_a_zip_slip_entry_and_writes_nothing_outside(unpacked, tmp_path):
    rscript = need("Rscript")
    target = tmp_path / "outside" / "pwned"
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("datapackage.json", "{}")
        archive.writestr("../" * 12 + str(target).lstrip("/"), "pwned")
    result = _run([rscript, "-e", f'source("R/read_ddsc.R"); read_ddsc("{evil}")'], cwd=unpacked)
    assert result.returncode != 0
    assert "points outside the release" in result.stderr
    assert not target.exists()


def test_stata_files_read_back_with_labels_dates_and_integers(release):
    from ddsc.release.export import stata_label, stata_labels

    desc = json.loads((release / "datapackage.json").read_text())
    for resource in desc["resources"]:
        schema = json.loads((release / resource["schema"]).read_text())
        with pd.io.stata.StataReader(release / "stata" / f"{resource['name']}.dta") as reader:
            frame = reader.read()
            labels = reader.variable_labels()
            assert reader.data_label == stata_label(resource.get("title") or resource["name"])
        assert list(frame.columns) == [f["name"] for f in schema["fields"]]
        assert len(set(labels.values())) == len(labels), resource["name"]  # no two variables of a file read the same in describe
        expected = stata_labels({f["name"]: f["description"] for f in schema["fields"]})
        for field in schema["fields"]:
            assert labels[field["name"]] == expected[field["name"]]
            assert len(labels[field["name"]]) <= 80 and "`" not in labels[field["name"]]
            if field.get("type") == "date":
                assert pd.api.types.is_datetime64_any_dtype(frame[field["name"]]), field["name"]
            if field.get("type") == "integer":
                assert pd.api.types.is_integer_dtype(frame[field["name"]]) or frame[field["name"]].isna().any(), field["name"]
    programs = pd.read_stata(release / "stata" / "programs.dta")  # enums come back as categoricals from their value labels
    levels = next(f for f in json.loads((release / "schemas" / "programs.json").read_text())["fields"] if f["name"] == "category")["constraints"]["enum"]
    assert isinstance(programs["category"].dtype, pd.CategoricalDtype) and set(programs["category"].dropna()) <= set(levels)
    countries = pd.read_stata(release / "stata" / "countries.dta")
    assert countries.set_index("country_id").at["NAM", "iso2"] == "NA"
    assert countries.set_index("country_id").at["JPN", "cow_code"] == 740


def _stata_notes(path: Path) -> dict[str, list[str]]:
    """The notes Stata's ``notes list`` shows, read from the file's characteristics section: var[note1..n]."""
    import re
    import struct

    data = path.read_bytes()
    order = "<" if b"<byteorder>LSF</byteorder>" in data[:200] else ">"
    section = data[data.index(b"<characteristics>") + 17 : data.index(b"</characteristics>")]
    notes: dict[str, list[str]] = {}
    while section.startswith(b"<ch>"):
        (length,) = struct.unpack(order + "I", section[4:8])
        body = section[8 : 8 + length]
        variable, name = (body[i : i + 129].split(b"\0")[0].decode() for i in (0, 129))
        if re.fullmatch(r"note[1-9][0-9]*", name):
            notes.setdefault(variable, []).append(body[258:].rstrip(b"\0").decode("utf-8"))
        section = section[8 + length + 5 :]
    assert section == b"", "characteristics section not fully read"
    return notes


def test_stata_files_read_with_pyreadstat_give_labels_values_dates_and_full_descriptions(release):
    pyreadstat = pytest.importorskip("pyreadstat")
    from ddsc.release.export import stata_label, stata_labels, stata_note

    desc = json.loads((release / "datapackage.json").read_text())
    for resource in desc["resources"]:
        schema = json.loads((release / resource["schema"]).read_text())
        path = release / "stata" / f"{resource['name']}.dta"
        frame, meta = pyreadstat.read_dta(str(path), apply_value_formats=False)
        assert len(set(meta.column_labels)) == len(meta.column_labels), resource["name"]  # describe shows no two identical labels
        assert meta.file_label == stata_label(resource.get("title") or resource["name"])
        assert meta.number_rows == len(pd.read_csv(release / resource["path"], dtype=str, keep_default_na=False))
        notes = _stata_notes(path)
        assert notes["_dta"] == [stata_note(resource.get("description") or resource.get("title") or resource["name"])]
        assert stata_note(resource.get("description", "")) in meta.notes  # pyreadstat shows the dataset's note
        for field in schema["fields"]:
            name = field["name"]
            assert meta.column_names_to_labels[name] == stata_labels({f["name"]: f["description"] for f in schema["fields"]})[name]
            assert notes[name] == [stata_note(field["description"])] and "`" not in notes[name][0]
            if field.get("type") == "date":
                assert meta.original_variable_types[name] == "%td", name
            enum = field.get("constraints", {}).get("enum")
            if enum:  # labelled integers: 1 = the first level, missing as .
                assert meta.variable_value_labels[name] == {i: level for i, level in enumerate(enum, 1)}
                assert frame[name].dropna().isin(range(1, len(enum) + 1)).all(), name
    programs, meta = pyreadstat.read_dta(str(release / "stata" / "programs.dta"), apply_value_formats=True)
    csv = pd.read_csv(release / "tables" / "programs.csv", dtype=str, keep_default_na=False, na_values=[""])
    merged = csv.merge(programs, on="program_id", suffixes=("", "_dta"))
    assert len(merged) == len(csv)
    assert (merged["category"] == merged["category_dta"]).all()
    started = merged["start_date"].notna()
    assert (pd.to_datetime(merged.loc[started, "start_date"]).dt.date == pd.to_datetime(merged.loc[started, "start_date_dta"]).dt.date).all()
    assert merged.loc[~started, "start_date_dta"].isna().all()


def test_polars_reads_parquet_dates_as_dates_and_every_row(release):
    pl = pytest.importorskip("polars")
    events = pl.read_parquet(release / "parquet" / "events.parquet")
    assert events.schema["date"] == pl.Date
    csv = pd.read_csv(release / "tables" / "events.csv", dtype=str, keep_default_na=False, na_values=[""])
    assert events.height == len(csv)
    assert sorted(str(d) for d in events["date"].to_list()) == sorted(csv["date"])
    trainings = pl.read_parquet(release / "parquet" / "trainings.parquet")
    assert trainings.height == len(pd.read_csv(release / "tables" / "trainings.csv", usecols=[0], dtype=str))
    assert trainings.schema["fiscal_year"] == pl.Int64


def test_sqlite_declares_types_checks_and_documents_every_column(release):
    with sqlite3.connect(release / "ddsc.sqlite") as db:
        types = {row[1]: row[2] for row in db.execute("PRAGMA table_info(events)")}
        assert types["date"] == "DATE" and types["event_id"] == "TEXT"
        assert {row[1]: row[2] for row in db.execute("PRAGMA table_info(projects)")}["amount"] == "REAL"
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            db.execute("UPDATE programs SET category = 'not-a-category' WHERE program_id = 'us_fms'")
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            db.execute("UPDATE countries SET cow_code = 5000 WHERE country_id = 'JPN'")
        documented = {(t, c) for t, c in db.execute('SELECT table_name, column_name FROM "_columns"')}
        for name in _resources():
            schema = json.loads((release / "schemas" / f"{name}.json").read_text())
            assert {(name, f["name"]) for f in schema["fields"]} <= documented
        assert db.execute("""SELECT description FROM "_columns" WHERE table_name = 'events' AND column_name = 'date'""").fetchone()[0].startswith("Date")
    db.close()


def test_legacy_datapackage_library_reads_every_resource_with_relations(release):
    datapackage = pytest.importorskip("datapackage")
    package = datapackage.Package(str(release / "datapackage.json"))
    assert package.valid, package.errors
    for resource in package.resources:
        rows = resource.read(relations=True, keyed=True)
        assert len(rows) == len(pd.read_csv(release / resource.descriptor["path"], dtype=str, keep_default_na=False)), resource.name


def test_parquet_files_carry_pandas_types_and_descriptions(release):
    import pyarrow.parquet as pq

    projects = pd.read_parquet(release / "parquet" / "projects.parquet")
    assert str(projects["fiscal_year"].dtype) == "Int64" and str(projects["amount"].dtype) == "Float64"
    assert str(projects["agreement_date"].dropna().iloc[0]) == projects["agreement_date"].dropna().iloc[0].isoformat() and isinstance(projects["currency"].dtype, pd.CategoricalDtype)
    schema = pq.read_schema(release / "parquet" / "projects.parquet")
    assert all(schema.field(name).metadata and schema.field(name).metadata[b"description"] for name in schema.names)


# --- every command of both READMEs, as written ------------------------------------------------------


def _run_block(lang: str, text: str, cwd: Path):
    """Run one README block in ``cwd`` with the client its language names; returns its output."""
    if lang == "sh":
        for line in (l for l in text.splitlines() if l.strip()):
            if line.startswith("datasette "):
                continue  # served and checked in test_datasette_serves_documented_pages_and_chromium_renders_the_programs_table
            program = line.split()[0]
            need("sqlite3" if program == "sqlite3" else program if program not in ("cd", ".venv/bin/python") else "bash")
            result = _run(["bash", "-e", "-c", line], cwd=cwd)
            assert result.returncode == 0, f"{line}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
        return
    if lang == "python":
        result = _run([sys.executable, "-c", text], cwd=cwd)
    elif lang == "r":
        result = _run([need("Rscript"), "-e", text], cwd=cwd)
    elif lang == "sql":
        duckdb = pytest.importorskip("duckdb")
        with duckdb.connect() as con:
            con.execute(f"SET file_search_path = '{cwd}'")
            assert con.sql(text).fetchall()
        return
    elif lang == "stata":
        # No Stata here: the file each `use` names is read with pandas' Stata reader instead, the note
        # each `notes list` names is read from the file's characteristics, and the file a `merge 1:1 KEYS
        # using` names must hold KEYS, unique together, as Stata requires.
        used = None
        for line in text.splitlines():
            if line.startswith("use "):
                used = cwd / line.split('"')[1]
                assert pd.read_stata(used).shape[0] > 0
            elif line.startswith("merge 1:1 "):
                keys = line.split(" using ")[0].split()[2:]
                frame = pd.read_stata(cwd / line.split('"')[1], convert_categoricals=False)
                assert keys and not frame.duplicated(keys).any() and frame[keys].notna().all().all(), line
            else:
                assert line.startswith("notes list ") and used is not None, line
                assert _stata_notes(used)[line.split()[-1]][0]
        return
    else:
        pytest.fail(f"no runner for a {lang} block")
    assert result.returncode == 0, f"{text}\n{result.stderr[-2000:]}"
    assert result.stdout.strip(), text


def test_every_command_of_the_release_readme_runs_as_written(unpacked):
    blocks = code_blocks(unpacked / "README.md")
    assert {lang for lang, _ in blocks} == {"sh", "python", "r", "stata", "sql"}
    for lang, text in blocks:
        _run_block(lang, text, unpacked)


def test_every_command_of_the_repository_readme_runs_as_written(tmp_path):
    """The set-up commands are the first two lines of ``.ci/run``'s README steps; the others run in a copy of
    the repository whose release was built by the first of them."""
    blocks = code_blocks(ROOT / "README.md")
    setup = blocks[0][1].splitlines()
    ci = (ROOT / ".ci" / "run").read_text()
    assert all(line in ci for line in setup), "the README's set-up commands must be those .ci/run runs"
    work = tmp_path / "repo"
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(".git", ".venv*", "dist", "__pycache__", "*.egg-info"))
    (work / ".venv").symlink_to(ROOT / ".venv")
    assert _run([str(ROOT / ".venv" / "bin" / "python"), "build.py"], cwd=work).returncode == 0
    for lang, text in blocks[1:]:
        _run_block(lang, text, work)


# A character drawn in the page's font: its pixels differ from those of two private-use characters, which no
# font has (a missing glyph is drawn as the same box for both).
GLYPH_JS = """(text) => {
  const c = document.createElement('canvas'); c.width = 64; c.height = 64;
  const x = c.getContext('2d'); x.font = '40px ' + getComputedStyle(document.body).fontFamily;
  const px = t => { x.clearRect(0, 0, 64, 64); x.fillText(t, 4, 48); return Array.from(x.getImageData(0, 0, 64, 64).data).join(','); };
  const box = px('\\ue000');
  return box === px('\\ue001') && px(text) !== box;
}"""


SITE_JS = """() => {
  const imgs = [...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]);
  const links = [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'));
  return {imgs, links, width: document.documentElement.scrollWidth};
}"""


def test_the_site_opens_offline_with_its_figures_links_and_japanese(unpacked):
    """Every page of site/ from the file system, no network: images load, every link names a file the
    release holds, nothing overflows a 1400 px window, and Japanese renders with a CJK font."""
    chromium, sync = _browser()
    site = unpacked / "site"
    pages = sorted(site.rglob("*.html"))
    assert (site / "index.html") in pages and len(pages) == len(_resources()) + 1
    with sync.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.route("http*://**", lambda route: route.abort())  # offline: any web request fails
        for path in pages:
            page.goto(path.as_uri(), wait_until="load")
            found = page.evaluate(SITE_JS)
            assert all(ok for _, ok in found["imgs"]), (path.name, found["imgs"])
            assert found["width"] <= 1400, (path.name, found["width"])
            for href in found["links"]:
                target = (path.parent / href.split("#")[0]).resolve()
                assert target.is_file() and unpacked.resolve() in target.parents, (path.name, href)
        page.goto((site / "index.html").as_uri(), wait_until="load")
        assert len(page.evaluate(SITE_JS)["imgs"]) == 5
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "site-home.png"), full_page=True)
        page.goto((site / "tables" / "jp_activities.html").as_uri(), wait_until="load")
        page.screenshot(path=str(ARTIFACTS / "site-jp_activities.png"))
        assert page.locator("td", has_text="日豪").first.is_visible()
        assert page.evaluate(GLYPH_JS, "日"), "Japanese renders as empty boxes in the site's font; install fonts-noto-cjk"
        browser.close()
