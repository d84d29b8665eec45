"""The steps at their edges, on tiny packages and raw lists written here: where raw files are looked for, the
descriptor's sources, the manifest and list readers, running a step (a broken derived table rebuilt, a named
source step without its raw files), a derived table checked against its rebuild, and the countries and
state_systems steps run end to end on tiny lists."""

import hashlib
import json
import locale
from pathlib import Path

import pandas as pd
import pycountry
import pytest

from ddsc.pipeline import raw
from ddsc.pipeline.repository import check_repository
from ddsc.pipeline.run import run_steps
from ddsc.pipeline.sources import countries as C
from ddsc.pipeline.sources import state_systems as S
from tests.conftest import make_package

# --- where raw files lie, and what the descriptor says of them --------------------------------------------------


def test_raw_files_are_looked_for_in_shared_sources_beside_the_checkout_unless_the_setting_names_a_folder(tmp_path, monkeypatch):
    (tmp_path / "repo").mkdir()
    monkeypatch.delenv(raw.SOURCES_ENV, raising=False)
    assert raw.default_raw_root(tmp_path / "repo") == tmp_path.resolve() / "shared" / "sources"
    monkeypatch.setenv(raw.SOURCES_ENV, "")
    assert raw.default_raw_root(tmp_path / "repo") == tmp_path.resolve() / "shared" / "sources"
    monkeypatch.setenv(raw.SOURCES_ENV, str(tmp_path / "elsewhere"))
    assert raw.default_raw_root(tmp_path / "repo") == tmp_path / "elsewhere"


def test_the_descriptor_sources_give_each_citation_with_the_origin_and_version_its_source_states(tmp_path):
    about = {
        "b_lists": {"citation": "B", "origin": "https://example.org/b", "version": "7"},
        "a_reports": {"citation": "unused", "citations": ["A1", "A2"], "origin": "https://example.org/a", "version": ""},
        "c_package": {"citation": "C", "origin": "", "version": "26.2.16"},
        "d_texts": {"citation": "D"},
    }
    for folder, meta in about.items():
        (tmp_path / "sources" / folder).mkdir(parents=True)
        (tmp_path / "sources" / folder / "source.json").write_text(json.dumps(meta), encoding="utf-8")
    (tmp_path / "sources" / "e_notes").mkdir()  # a folder without source.json is no source
    assert raw.descriptor_sources(tmp_path) == [
        {"title": "A1", "path": "https://example.org/a"}, {"title": "A2", "path": "https://example.org/a"},
        {"title": "B", "path": "https://example.org/b", "version": "7"}, {"title": "C", "version": "26.2.16"}, {"title": "D"}]


def test_a_manifest_is_read_as_csv_so_a_quoted_line_break_in_a_value_is_kept_as_written(tmp_path):
    (tmp_path / "sources" / "lists").mkdir(parents=True)
    text = 'file,sha256,bytes,notes\r\na.csv,00ff,3,"first line\r\nsecond line"\r\nb.csv,ff00,4,\r\n'
    (tmp_path / "sources" / "lists" / "MANIFEST.csv").write_bytes(text.encode("utf-8"))
    assert raw.manifest(tmp_path, "lists") == [{"file": "a.csv", "sha256": "00ff", "bytes": "3", "notes": "first line\r\nsecond line"},
                                               {"file": "b.csv", "sha256": "ff00", "bytes": "4", "notes": ""}]


def test_a_list_is_read_as_utf_8_and_comma_separated_unless_told_otherwise():
    assert raw.text_rows("name,code\nCôte d’Ivoire,437\n".encode("utf-8")) == [{"name": "Côte d’Ivoire", "code": "437"}]
    assert raw.text_rows("name\tcode\nCote D\u2019Ivoire\t437\n".encode("cp1252"), "cp1252", "\t") == [{"name": "Cote D\u2019Ivoire", "code": "437"}]


# --- running steps, and derived tables against their rebuild ------------------------------------------------

AUTHORITIES = ("countries", "agencies", "statutes", "programs", "citations", "program_statutes", "program_authorities")


def _package(tmp_path: Path, keep: tuple[str, ...] = AUTHORITIES) -> Path:
    """The minimal fixture package with only the resources ``keep`` in its descriptor (by default the authorities
    step's table and the tables it needs)."""
    root = make_package(tmp_path / "pkg")
    desc = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"] = [r for r in desc["resources"] if r["name"] in keep]
    (root / "datapackage.json").write_text(json.dumps(desc, indent=2) + "\n", encoding="utf-8")
    return root


def _edit_line(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_bytes().split(b"\n")
    assert old.encode() in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old.encode(), new.encode(), 1)
    path.write_bytes(b"\n".join(lines))


def test_a_derived_table_that_no_longer_validates_is_rebuilt_from_the_core_tables_alone(tmp_path):
    root = _package(tmp_path)
    path = root / "tables" / "program_authorities.csv"
    built = path.read_bytes()
    _edit_line(path, 2, "1968-10-22", "22 October 1968")  # not a date: the package is invalid, its core tables are not
    said = []
    assert run_steps(root, ["authorities"], log=said.append) == 0
    assert said == ["authorities: wrote tables/program_authorities.csv"]
    assert path.read_bytes() == built and sorted(p.name for p in path.parent.glob(".*")) == []


def test_a_named_source_step_without_its_raw_files_fails_naming_the_missing_folder(tmp_path):
    root = _package(tmp_path)
    said = []
    assert run_steps(root, ["countries"], raw_root=tmp_path / "raw", log=said.append) == 1
    assert said == ["countries: state_systems: raw files not found at state_systems/ (set DDSC_SOURCES to the folder that holds state_systems/)"]


def test_a_derived_table_edited_by_hand_is_refused_at_its_first_differing_line(tmp_path):
    root = _package(tmp_path)
    _edit_line(root / "tables" / "program_authorities.csv", 3, "n. 9", "n. 10")
    report = check_repository(root)
    assert [(p.table, p.line, p.column, p.message, p.kind) for p in report.problems] == [
        ("program_authorities", 3, "", "derived table differs from its rebuild by step 'authorities' (first at this line); run: build.py run authorities", "stale-derived")]
    assert report.tables == {}


# --- the countries and state_systems steps on tiny lists ------------------------------------------------------

COW = ("stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
       "JPN,740,Japan,1816,1,1,2024,12,31,2024\n"
       "GDR,265,German Democratic Republic,1954,3,25,1990,10,2,2024\n")
GW_HEADER = "statenumber\tstateid\tcountryname\tstart\tend\n"
GW = GW_HEADER + "740\tJPN\tJapan\t1816-01-01\t2020-12-31\n265\tGDR\tGerman Democratic Republic\t1949-10-07\t1990-10-02\n"
MICRO = GW_HEADER + "54\tDMA\tDominica\t1978-11-03\t2020-12-31\n"
STATE_CURATION = "system,code,country_id,notes\ngw,54,DMA,Not in the COW list written here.\n"
COUNTRY_CURATION = ("country_id,name_en,iso2,iso3,iso_numeric,cow_code,gw_code,start_date,end_date,name_ja,notes\n"
                    "DDR,,,,,,,,,ドイツ民主共和国,A former state.\n")


def _lists(tmp_path: Path, root: Path) -> Path:
    """The three state lists as raw files with their manifest, and the curation files; returns the raw root."""
    files = {"cow_statelist2024.csv": COW.encode("utf-8"), "ksgmdw.txt": GW.encode("cp1252"), "microstates.txt": MICRO.encode("cp1252")}
    (tmp_path / "raw" / "state_systems").mkdir(parents=True)
    (root / "sources" / "state_systems").mkdir(parents=True, exist_ok=True)
    lines = ["file,sha256,bytes"]
    for name, data in files.items():
        (tmp_path / "raw" / "state_systems" / name).write_bytes(data)
        lines.append(f"{name},{hashlib.sha256(data).hexdigest()},{len(data)}")
    (root / "sources" / "state_systems" / "MANIFEST.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "reference").mkdir(exist_ok=True)
    (root / "reference" / "state_curation.csv").write_text(STATE_CURATION, encoding="utf-8")
    (root / "reference" / "country_curation.csv").write_text(COUNTRY_CURATION, encoding="utf-8")
    return tmp_path / "raw"


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


JAPAN = {"country_id": "JPN", "name_en": "Japan", "name_ja": "日本", "iso2": "JP", "iso3": "JPN", "iso_numeric": "392", "cow_code": "740",
         "gw_code": "740", "start_date": None, "end_date": None, "notes": C.ISO_NOTE}
GDR = {"country_id": "DDR", "name_en": "German Democratic Republic", "name_ja": "ドイツ民主共和国", "iso2": "DD", "iso3": "DDR", "iso_numeric": "278",
       "cow_code": "265", "gw_code": "265", "start_date": None, "end_date": None, "notes": "A former state."}


def test_the_countries_step_gives_every_iso_country_and_the_curated_former_states_with_their_state_codes(tmp_path):
    root = _package(tmp_path, ("countries",))
    out = C.run(root, _lists(tmp_path, root))
    assert list(out) == ["countries"]
    frame = out["countries"].set_index("country_id", drop=False)
    assert len(frame) == len(pycountry.countries) + 1 and frame.index.is_unique and (frame.dtypes == "string").all()
    assert _records(frame.loc[["JPN", "DDR"]]) == [JAPAN, GDR]
    assert frame.loc["DMA", "gw_code"] == "54" and pd.isna(frame.loc["DMA", "cow_code"])


@pytest.fixture
def ascii_locale():
    """The C locale's encoding (ASCII) as the one a file opened without an encoding is read in, for one test."""
    saved = locale.setlocale(locale.LC_CTYPE)
    locale.setlocale(locale.LC_CTYPE, "C")
    try:
        yield
    finally:
        locale.setlocale(locale.LC_CTYPE, saved)


def test_the_country_curation_is_read_as_utf_8_whatever_the_locale(tmp_path, ascii_locale):
    root = _package(tmp_path, ("countries",))
    frame = C.run(root, _lists(tmp_path, root))["countries"].set_index("country_id")
    assert frame.loc["DDR", "name_ja"] == "ドイツ民主共和国"


def test_the_state_systems_step_links_each_state_to_its_country_and_lists_every_spell(tmp_path):
    root = tmp_path / "pkg"
    raw_root = _lists(tmp_path, root)
    (root / "tables").mkdir()
    (root / "tables" / "countries.csv").write_text("country_id,name_en,cow_code\nDDR,German Democratic Republic,265\nJPN,Japan,740\nDMA,Dominica,\n", encoding="utf-8")
    out = S.run(root, raw_root)
    assert list(out) == ["states", "state_memberships"]
    assert _records(out["states"]) == [
        {"system": "cow", "code": 740, "abbreviation": "JPN", "name": "Japan", "country_id": "JPN", "microstate": None, "citation_id": "cow_2024", "notes": None},
        {"system": "cow", "code": 265, "abbreviation": "GDR", "name": "German Democratic Republic", "country_id": "DDR", "microstate": None, "citation_id": "cow_2024", "notes": None},
        {"system": "gw", "code": 740, "abbreviation": "JPN", "name": "Japan", "country_id": "JPN", "microstate": False, "citation_id": "gleditsch_ward_1999", "notes": None},
        {"system": "gw", "code": 265, "abbreviation": "GDR", "name": "German Democratic Republic", "country_id": "DDR", "microstate": False,
         "citation_id": "gleditsch_ward_1999", "notes": None},
        {"system": "gw", "code": 54, "abbreviation": "DMA", "name": "Dominica", "country_id": "DMA", "microstate": True, "citation_id": "gleditsch_microstates",
         "notes": "Not in the COW list written here."}]
    assert [tuple(r.values()) for r in _records(out["state_memberships"])] == [
        ("cow", 740, pd.Timestamp("1816-01-01"), pd.Timestamp("2024-12-31"), True, "JPN", "Japan"),
        ("cow", 265, pd.Timestamp("1954-03-25"), pd.Timestamp("1990-10-02"), False, "GDR", "German Democratic Republic"),
        ("gw", 740, pd.Timestamp("1816-01-01"), pd.Timestamp("2020-12-31"), True, "JPN", "Japan"),
        ("gw", 265, pd.Timestamp("1949-10-07"), pd.Timestamp("1990-10-02"), False, "GDR", "German Democratic Republic"),
        ("gw", 54, pd.Timestamp("1978-11-03"), pd.Timestamp("2020-12-31"), True, "DMA", "Dominica")]
    assert list(out["state_memberships"]) == ["system", "code", "start_date", "end_date", "censored", "abbreviation", "name"]
