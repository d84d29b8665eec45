"""The fmtrpt step: each cleaning rule on small inputs, raw trainings found in the committed table, the
docs/fmtr.md's figures equal to the tables', and planted bad keys in a trimmed package located by validation.
(The byte-for-byte rebuild is the generic test in test_steps.py.)"""

import csv
import random
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pycountry
import pytest

from ddsc.pipeline.sources import fmtrpt
from ddsc.pipeline.sources.fmtrpt import cleaning, curation, figures
from ddsc.pipeline.raw import default_raw_root, manifest, read_raw
from tests.conftest import ROOT, append_rows, run, table_path

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)

RAW = default_raw_root(ROOT)


def s(*values) -> pd.Series:
    return pd.Series(list(values), dtype="string")


def _list(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series]


# --- cleaning rules: a string in, the cleaned value and the count out ------------------------------------

def test_strip_and_collapse_spaces():
    out, hit = cleaning.strip_spaces(s("ACSC Preparatory Course ", "Angola", "   ", None))
    assert _list(out) == ["ACSC Preparatory Course", "Angola", None, None] and hit.sum() == 2
    out, hit = cleaning.collapse_spaces(s("DLIELC,  Lackland AFB TX", "TECH   TRNG SCH", "one space"))
    assert _list(out) == ["DLIELC, Lackland AFB TX", "TECH TRNG SCH", "one space"] and hit.sum() == 2


def test_dash_placeholder():
    out, hit = cleaning.dash_placeholder(s("-", "- 0", "HQ- RABAT", "Mil-to-Mil"))
    assert _list(out) == [None, None, "HQ- RABAT", "Mil-to-Mil"] and hit.sum() == 2


def test_dates_fused():
    start, end, hit = cleaning.dates_fused(s("7/21/2008 1/23/2009", "6/4/2018", None), s(None, "7/26/2018", "9/8/2008 11/5/2008"))
    assert _list(start) == ["7/21/2008", "6/4/2018", "9/8/2008"]
    assert _list(end) == ["1/23/2009", "7/26/2018", "11/5/2008"] and hit.sum() == 2


def test_dates_fused_into_cost():
    cost, start, end, hit = cleaning.dates_fused_into_cost(s("1430 3/16/2009", "9 10/6/2008 11/7/2008", "$13,841", "ST-2 $31,000"),
                                                    s(None, None, "6/4/2018", None), s("5/12/2009", None, "7/26/2018", None))
    assert _list(cost) == ["1430", "9", "$13,841", "ST-2 $31,000"]
    assert _list(start) == ["3/16/2009", "10/6/2008", "6/4/2018", None]
    assert _list(end) == ["5/12/2009", "11/7/2008", "7/26/2018", None] and hit.sum() == 2


def test_location_fused_into_quantity():
    quantity, location, hit = cleaning.location_fused_into_quantity(s("1 Garmisch,", "1 39529-7099", "30 30", "4"),
                                                             s(None, "STENNIS SPACE CENTER, MS", "Jamaica", "Newport, RI"))
    assert _list(quantity) == ["1", "1", "30 30", "4"]
    assert _list(location) == ["Garmisch,", "STENNIS SPACE CENTER, MS 39529-7099", "Jamaica", "Newport, RI"] and hit.sum() == 2


def test_quantity_fused_into_title_only_on_rows_that_are_trainings():
    title, quantity, hit = cleaning.quantity_fused_into_title(s("AIRBORNE 1", "BA 201", "Senior Executive Seminar 07-6", "RANGER 1"),
                                                       s(None, None, None, "2"), pd.Series([True, False, True, True]))
    assert _list(title) == ["AIRBORNE", "BA 201", "Senior Executive Seminar 07-6", "RANGER 1"]
    assert _list(quantity) == ["1", None, None, "2"] and hit.sum() == 1


def test_cost_fused_into_student_unit_only_where_the_cost_cell_is_empty():
    unit, cost, hit = cleaning.cost_fused_into_student_unit(s("AIR ARM 10635", "IAF-AIR WING 25", "BATTALION NO. 1", "SIGNALS"),
                                                     s(None, "$", None, None), pd.Series([True, True, False, True]))
    assert _list(unit) == ["AIR ARM", "IAF-AIR WING 25", "BATTALION NO. 1", "SIGNALS"]
    assert _list(cost) == ["10635", "$", None, None] and hit.sum() == 1


def test_parse_cost():
    cost, formatted, bare, bad = cleaning.parse_cost(s("$1,234", "10211.88", "$", "ST-2 $31,000", "0", None))
    assert _list(cost)[:2] == [1234.0, 10211.88] and _list(cost)[4] == 0.0
    assert pd.isna(cost[2]) and pd.isna(cost[3]) and pd.isna(cost[5])
    assert (formatted.sum(), bare.sum(), bad.sum()) == (1, 1, 1)


def test_parse_dates():
    dates, short, bad = cleaning.parse_dates(s("6/4/2018", "1/29/01", "2/30/2009", "$1,177", None))
    assert _list(dates)[:2] == [pd.Timestamp("2018-06-04"), pd.Timestamp("2001-01-29")]
    assert dates[2:].isna().all() and (short.sum(), bad.sum()) == (1, 2)


def test_parse_integer_and_page():
    students, bad = cleaning.parse_integer(s("1", "45", "N/A", None))
    assert _list(students) == [1, 45, None, None] and bad.sum() == 1
    page, two, bad = cleaning.parse_page(s("12", "223 224", "7 7", "p", None))
    assert _list(page) == [12, 223, 7, None, None] and (two.sum(), bad.sum()) == (2, 1)


def test_dates_out_of_range_and_in_wrong_order():
    dates = pd.to_datetime(pd.Series(["2106-03-01", "2006-03-01", "1900-01-01"]))
    assert cleaning.date_out_of_range(dates, pd.Series([2006, 2006, 2006], dtype="Int64")).tolist() == [True, False, True]
    start, end = pd.to_datetime(pd.Series(["2004-09-20", "2004-01-01"])), pd.to_datetime(pd.Series(["2003-12-09", "2004-01-02"]))
    assert cleaning.end_before_start(start, end).tolist() == [True, False]


@pytest.mark.parametrize("heading, country, label, year", [
    ("IMET-1 - Fiscal Year 2018 Department of State Training", "Angola", "IMET-1", 2018),
    ("Western Hemisphere Region, Colombia, International Narcotics and Law Enforcement (INL), FY03", "Colombia", "International Narcotics and Law Enforcement (INL)", 2003),
    ("DOS Africa Region, Senegal, African Contingency Operations Training and Assistance,FY03", "Senegal", "African Contingency Operations Training and Assistance", 2003),
    ("International Military Education And  Training (IMET), FY 99", "Albania", "International Military Education And  Training (IMET)", 1999),
    ("Republic Of, International Military Education And Training (IMET), FY 00", "Cape Verde", "International Military Education And Training (IMET)", 2000),
    ("Section 1004 - DoD Drug Interdiction, FY 99", "Belize", "Section 1004 - DoD Drug Interdiction", 1999),
    ("Miscellaneous DoD-DoS Activities, FY", "Korea", "Miscellaneous DoD-DoS Activities", None),
])
def test_heading_parts(heading, country, label, year):
    assert cleaning.heading_parts(heading, country) == (label, year)


def test_a_small_report_is_cleaned_and_counted(tmp_path):
    """Two program blocks, one with a Program Totals line and a fragment row: trainings, drops and the log reconcile."""
    xml = b"""<?xml version="1.0"?><countries><country name="Angola"><c_name>Angola</c_name>
      <program name="IMET-1 - Fiscal Year 2018 Department of State Training"><p_name>x</p_name>
        <training><course_title>ACSC  Course </course_title><start_date>6/4/2018 </start_date><end_date>7/26/2018</end_date>
          <quantity>1 </quantity><total_cost>$13,841 </total_cost><page_number>1</page_number></training>
        <training><course_title>SPANISH</course_title><page_number>1</page_number></training>
        <training><course_title>Fiscal Year 2018 Program Totals</course_title><quantity>1</quantity><total_cost>$13,841</total_cost><page_number>1</page_number></training>
      </program>
      <program name="Exchange - Fiscal Year 2018 Department of Defense Training">
        <training><course_title>AIRBORNE 1</course_title><start_date>2/30/2018</start_date><total_cost>$</total_cost><page_number>2</page_number></training>
        <location>Location </location>
      </program></country></countries>"""
    (tmp_path / "reference").mkdir()
    for name in (curation.COUNTRY_CURATION, curation.PROGRAM_CURATION, curation.REPORT_CURATION, curation.CORRECTION_CURATION):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "citations.csv").write_bytes((ROOT / "tables" / "citations.csv").read_bytes())
    tables = fmtrpt.build({"2018_2019/2018_2019_Africa_fmtrpt_dedup.xml.gz": xml}, tmp_path)
    trainings = tables["trainings"].reset_index(drop=True)
    assert trainings["training_id"].tolist() == ["2018_2019_000001", "2018_2019_000004"]
    assert trainings["course_title"].tolist() == ["ACSC Course", "AIRBORNE"]
    assert trainings["students"].tolist() == [1, 1] and trainings["cost_usd"][0] == 13841 and pd.isna(trainings["cost_usd"][1])
    assert trainings["program_id"].tolist()[0] == "us_imet" and pd.isna(trainings["program_id"][1])
    assert trainings["program_label"].tolist() == ["IMET-1", "Exchange"] and trainings["country_printed"].tolist() == ["Angola", "Angola"]
    assert trainings["counted"].tolist() == [True, True] and trainings["country_id"].tolist() == ["AGO", "AGO"]  # the 2019-2020 correction is not this report's
    assert trainings["notes"][1] == "total_cost as extracted: '$'; start_date as extracted: '2/30/2018'"
    log = tables["fmtr_cleaning_log"].set_index("rule")["rows"].to_dict()
    assert log["program_totals_line"] == 1 and log["fragment_row"] == 1 and log["stray_element"] == 1
    assert log["quantity_fused_into_title"] == 1 and log["date_not_a_date"] == 1 and log["cost_bare_dollar_sign"] == 1
    report = tables["fmtr_reports"].iloc[0]
    assert (report["training_elements"], report["trainings"], report["program_totals_lines"], report["other_dropped_rows"]) == (4, 2, 1, 1)
    totals = tables["fmtr_program_totals"].iloc[0]
    assert (totals["rows"], totals["rows_cost_usd"], bool(totals["matches"])) == (1, 13841.0, True)


# --- the committed tables against the raw files and the README ------------------------------------------

def _need_raw():
    if not (RAW / "fmtrpt").is_dir():
        pytest.skip(f"raw files of 'fmtrpt' are not beside the checkout ({RAW.name}/fmtrpt); CI has them")


def _simple(text):
    return None if text is None or not text.strip() else re.sub(r"\s+", " ", text.strip())


def test_200_raw_trainings_are_in_the_table_with_their_values():
    """Trainings drawn at random (fixed seed) from the raw XML, read here without the step's code, are found
    under their report and ordinal with the same course, dates, cost, students, country and page. (The
    ordinal counts ``<training>`` elements in document order: the files before one are counted, not parsed;
    the trainings are drawn from 30 files drawn at random.)"""
    _need_raw()
    files = read_raw(ROOT, "fmtrpt", RAW)
    rng = random.Random(20)
    names = [row["file"] for row in manifest(ROOT, "fmtrpt")]
    drawn = set(rng.sample(names, 30))
    raw, ordinal = [], {}
    for name in names:
        report = name.split("/")[0]
        if name not in drawn:
            ordinal[report] = ordinal.get(report, 0) + files[name].count(b"<training>")
            continue
        for country in ET.fromstring(files[name]):
            for training in country.iter("training"):
                ordinal[report] = ordinal.get(report, 0) + 1
                values = {child.tag: _simple(child.text) for child in training}
                raw.append((f"{report}_{ordinal[report]:06d}", _simple(country.get("name")), values))
    candidates = [r for r in raw if r[2].get("course_title") and not r[2]["course_title"].endswith("Program Totals") and r[2].get("quantity")]
    chosen = rng.sample(candidates, 200)
    wanted = {c[0] for c in chosen}
    frame = pd.read_csv(table_path(ROOT, "trainings"), dtype=str, keep_default_na=False)
    table = {r["training_id"]: r for r in frame[frame["training_id"].isin(wanted)].to_dict("records")}
    countries = {r["name"]: r["country_id"] for r in csv.DictReader((ROOT / curation.COUNTRY_CURATION).open(encoding="utf-8"))}
    unresolved = {(r["report_id"], r["country_printed"]) for r in csv.DictReader((ROOT / curation.CORRECTION_CURATION).open(encoding="utf-8"))
                  if r["status"] == "unresolved"}
    checked = 0
    for key, country, values in chosen:
        row = table[key]
        expected_country = countries[country] if country in countries else pycountry.countries.lookup(country).alpha_3
        if (key[:9], country) in unresolved:
            expected_country = ""
        assert row["country_printed"] == country, key
        assert row["country_id"] == expected_country, key
        assert row["course_title"] and values["course_title"].startswith(row["course_title"]), key
        if re.fullmatch(r"[0-9]+", values.get("quantity") or ""):
            assert row["students"] == str(int(values["quantity"])), key
        cost = values.get("total_cost") or ""
        if re.fullmatch(r"\$?[0-9][0-9,]*(\.[0-9]+)?", cost):
            assert float(row["cost_usd"]) == float(cost.replace("$", "").replace(",", "")), key
        for name in ("start_date", "end_date"):
            found = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", values.get(name) or "")
            if found and row[name]:
                month, day, year = (int(g) for g in found.groups())
                assert row[name] == f"{year:04d}-{month:02d}-{day:02d}", key
        if re.fullmatch(r"[0-9]+", values.get("page_number") or ""):
            assert row["page"] == values["page_number"], key
        checked += 1
    assert checked == 200


def test_readme_figures_equal_the_tables():
    readme = (ROOT / "docs" / "fmtr.md").read_text(encoding="utf-8")
    assert figures.figures_from_package(ROOT) in readme, "run: python -m ddsc.pipeline.sources.fmtrpt"


def test_the_reports_reconcile_raw_elements_with_trainings_and_counted_drops():
    reports = pd.read_csv(table_path(ROOT, "fmtr_reports"))
    log = pd.read_csv(table_path(ROOT, "fmtr_cleaning_log"))
    dropped = log[log["action"] == "dropped"].groupby("report_id")["rows"].sum().reindex(reports["report_id"], fill_value=0).to_numpy()
    assert (reports["training_elements"].to_numpy() == reports["trainings"].to_numpy() + dropped).all()
    trainings = pd.read_csv(table_path(ROOT, "trainings"), usecols=["report_id"])["report_id"].value_counts()
    assert trainings.reindex(reports["report_id"]).tolist() == reports["trainings"].tolist()


# --- validation locates a bad key in a trainings row (a trimmed copy of the package) -------------------

@pytest.fixture
def small_package(package):
    """The package with trainings cut to its first five rows."""
    path = table_path(package, "trainings")
    with path.open(encoding="utf-8") as handle:
        head = [next(handle) for _ in range(6)]
    path.write_text("".join(head), encoding="utf-8")
    return package


@pytest.mark.parametrize("column, value, target", [
    ("program_id", "us_no_such_program", "programs.program_id"),
    ("country_id", "ZZZ", "countries.country_id"),
])
def test_a_planted_unknown_key_in_trainings_fails_validation_with_its_location(small_package, capsys, column, value, target):
    row = dict(next(csv.DictReader(table_path(small_package, "trainings").open(encoding="utf-8"))))
    row.update({"training_id": "2020_2021_999999", column: value})
    line = append_rows(small_package, "trainings", [row])
    code, err = run(["validate", "--root", str(small_package)], capsys)
    assert code == 1
    assert f"trainings:{line}:{column}: '{value}' not found in {target}" in err
