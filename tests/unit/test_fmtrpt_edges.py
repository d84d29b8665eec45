"""The fmtrpt step's layers at their edges, on tiny XML reports, frames and curation files written here: the
regional section of a numbered file, what the cleaning log says each rule did, heading labels, the program
headings, the reconciliation of the reports' totals lines, the report rows, and the figures docs/fmtr.md states."""

import csv
import hashlib
from html import escape

import pandas as pd

from ddsc.pipeline.sources import fmtrpt
from ddsc.pipeline.sources.fmtrpt import cleaning, curation, figures, snapshot
from tests.conftest import make_package

REPORT = "2018_2019"
TRAINING = dict(course_title="COURSE", quantity="1", start_date="6/4/2018", end_date="7/26/2018", total_cost="100", page_number="1")


def _xml(blocks: list, country: str = "Angola") -> bytes:
    """A report file of one country: ``blocks`` is a list of (program heading, training elements as dicts of cells)."""
    parts = [f'<?xml version="1.0"?><countries><country name="{escape(country)}"><c_name>{escape(country)}</c_name>']
    for heading, elements in blocks:
        parts.append(f'<program name="{escape(heading)}"><p_name>{escape(heading)}</p_name>')
        parts += ["<training>" + "".join(f"<{k}>{escape(v)}</{k}>" for k, v in e.items()) + "</training>" for e in elements]
        parts.append("</program>")
    return ("".join(parts) + "</country></countries>").encode("utf-8")


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if pd.isna(v) else v) for k, v in r.items()} for r in frame.to_dict("records")]


def _heading_id(heading: str) -> str:
    return "h" + hashlib.sha1(heading.encode("utf-8")).hexdigest()[:10]


# --- the snapshot and the cleaning rules ------------------------------------------------------------------------

def test_a_numbered_file_of_a_regional_section_is_of_that_section():
    assert snapshot.region_of("1999_2000/1999_2000_Africa_1_fmtrpt_dedup.xml.gz") == "Africa"
    assert snapshot.region_of("1999_2000/1999_2000_East_Asia_and_Pacific_12_fmtrpt_dedup.xml.gz") == "East Asia and Pacific"
    assert snapshot.region_of("2001_2002/2001_2002_Western_Hemisphere_Region_fmtrpt_dedup.xml.gz") == "Western Hemisphere"


def test_the_cleaning_log_says_a_bare_dollar_sign_is_emptied_and_a_second_page_number_changed():
    raw, _ = snapshot.load({f"{REPORT}/{REPORT}_Africa_fmtrpt_dedup.xml.gz": _xml([("IMET, FY 2018", [
        TRAINING, {**TRAINING, "total_cost": "$"}, {**TRAINING, "page_number": "7 8"}])])})
    log = cleaning.CleaningLog()
    df, _ = cleaning.clean(raw, log)
    assert _records(log.frame()) == [{"report_id": REPORT, "rule": "cost_bare_dollar_sign", "action": "emptied", "rows": 1},
                                     {"report_id": REPORT, "rule": "page_two_numbers", "action": "changed", "rows": 1}]
    assert _records(df[["ordinal", "cost_usd", "page", "notes"]]) == [
        {"ordinal": 1, "cost_usd": 100, "page": 1, "notes": None}, {"ordinal": 2, "cost_usd": None, "page": 1, "notes": "total_cost as extracted: '$'"},
        {"ordinal": 3, "cost_usd": 100, "page": 7, "notes": "page as extracted: '7 8'"}]


def test_a_heading_label_loses_the_spaces_commas_and_dashes_around_it_with_or_without_a_fiscal_year():
    assert cleaning.heading_parts("Exchange -", "Angola") == ("Exchange", None)
    assert cleaning.heading_parts("Exchange,", "Angola") == ("Exchange", None)
    assert cleaning.heading_parts("- IMET, FY 2018", "Angola") == ("IMET", 2018)


# --- curation: program headings, totals lines, the step's tables ----------------------------------------------------

def test_program_headings_are_one_row_per_heading_as_written_sorted_by_heading():
    frame = pd.DataFrame({"heading": ["IMET, FY 2018", "Exchange, FY 2017", "IMET, FY 2018", "IMET, FY 2017"], "label": ["IMET", "Exchange", "IMET", "IMET"],
                          "report_id": ["r2", "r1", "r2", "r1"], "fiscal_year": pd.array([2018, 2017, 2018, 2017], dtype="Int64")})
    labels = {"IMET": {"program_id": "us_imet", "notes": ""}, "Exchange": {"program_id": "", "notes": "Not a program."}}
    assert _records(curation.program_headings(frame, labels)) == [
        {"heading_id": _heading_id("Exchange, FY 2017"), "heading": "Exchange, FY 2017", "program_label": "Exchange", "program_id": None,
         "fiscal_year_first": 2017, "fiscal_year_last": 2017, "trainings": 1, "notes": "Not a program."},
        {"heading_id": _heading_id("IMET, FY 2017"), "heading": "IMET, FY 2017", "program_label": "IMET", "program_id": "us_imet",
         "fiscal_year_first": 2017, "fiscal_year_last": 2017, "trainings": 1, "notes": None},
        {"heading_id": _heading_id("IMET, FY 2018"), "heading": "IMET, FY 2018", "program_label": "IMET", "program_id": "us_imet",
         "fiscal_year_first": 2018, "fiscal_year_last": 2018, "trainings": 2, "notes": None}]


def test_a_totals_line_is_reconciled_with_its_block_keeping_its_place_and_its_notes():
    s = lambda *values: pd.array(list(values), dtype="string")  # noqa: E731
    lines = pd.DataFrame({"report_id": REPORT, "block": [1, 2, 3], "ordinal": [5, 9, 12], "fiscal_year": pd.array([2018, 2018, 2018], dtype="Int64"),
                          "counted": [True, False, True], "country_id": s("AGO", None, "BEN"), "heading_id": s("h1", "h2", "h3"),
                          "region": s("Africa", "Africa", "Europe"), "total_cost": s("$1,000", "n/a", "$10"), "quantity": s("3", "x", None),
                          "page_number": s("12", "13 14", None), "notes": s(None, "country corrected (reference/fmtr_corrections.csv): why", None)})
    trainings = pd.DataFrame({"report_id": REPORT, "block": [1, 1, 2], "cost_usd": pd.array([500, 495.5, None], dtype="Float64"),
                              "students": pd.array([1, 2, 1], dtype="Int64")})
    assert _records(curation._reconcile(lines, trainings)) == [
        {"totals_id": f"{REPORT}_000005", "report_id": REPORT, "fiscal_year": 2018, "counted": True, "country_id": "AGO", "heading_id": "h1", "region": "Africa",
         "page": 12, "reported_students": 3, "reported_cost_usd": 1000, "rows": 2, "rows_with_cost": 2, "rows_students": 3, "rows_cost_usd": 995.5,
         "difference_usd": -4.5, "matches": True, "notes": None},
        {"totals_id": f"{REPORT}_000009", "report_id": REPORT, "fiscal_year": 2018, "counted": False, "country_id": None, "heading_id": "h2", "region": "Africa",
         "page": 13, "reported_students": None, "reported_cost_usd": None, "rows": 1, "rows_with_cost": 0, "rows_students": 1, "rows_cost_usd": 0.0,
         "difference_usd": None, "matches": None, "notes": "country corrected (reference/fmtr_corrections.csv): why; reported total as extracted: 'n/a'"},
        {"totals_id": f"{REPORT}_000012", "report_id": REPORT, "fiscal_year": 2018, "counted": True, "country_id": "BEN", "heading_id": "h3", "region": "Europe",
         "page": None, "reported_students": None, "reported_cost_usd": 10, "rows": 0, "rows_with_cost": 0, "rows_students": 0, "rows_cost_usd": 0.0,
         "difference_usd": -10.0, "matches": False, "notes": None}]


CURATION = {
    curation.COUNTRY_CURATION: "name,country_id,notes\n",
    curation.PROGRAM_CURATION: "label,program_id,notes\nIMET,us_imet,\nExchange,,Not a program.\n",
    curation.REPORT_CURATION: f"report_id,notes\n{REPORT},Read from the PDF.\n",
    curation.CORRECTION_CURATION: "correction_id,report_id,country_printed,field,status,corrected_value,candidates,first_ordinal,last_ordinal,reason\n",
    "tables/citations.csv": f"citation_id,title\nfmtr_{REPORT},Foreign Military Training Report FY2018-2019\n",
}


def test_each_training_and_totals_line_names_its_heading_and_each_report_its_title(tmp_path):
    for rel, text in CURATION.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    blocks = [("IMET, FY 2018", [TRAINING, {**TRAINING, "course_title": "FY 2018 Program Totals", "total_cost": "$100"}]), ("Exchange, FY 2018", [TRAINING])]
    tables = fmtrpt.build({f"{REPORT}/{REPORT}_Africa_fmtrpt_dedup.xml.gz": _xml(blocks)}, tmp_path)
    imet, exchange = _heading_id("IMET, FY 2018"), _heading_id("Exchange, FY 2018")
    assert _records(tables["trainings"][["training_id", "heading_id", "program_id"]]) == [
        {"training_id": f"{REPORT}_000001", "heading_id": imet, "program_id": "us_imet"}, {"training_id": f"{REPORT}_000003", "heading_id": exchange, "program_id": None}]
    assert tables["fmtr_program_totals"]["heading_id"].tolist() == [imet]
    assert _records(tables["fmtr_reports"]) == [{
        "report_id": REPORT, "label": "FMTR 2018-2019", "title": "Foreign Military Training Report FY2018-2019", "fiscal_year_first": 2018, "fiscal_year_last": 2018,
        "fiscal_year_rule": "Headings name FY2018 (2 trainings); each training takes the fiscal year its heading names.", "files": 1, "regions": 1,
        "training_elements": 3, "trainings": 2, "program_totals_lines": 1, "other_dropped_rows": 0, "totals_matching": 1, "citation_id": f"fmtr_{REPORT}",
        "notes": "Read from the PDF."}]


# --- the figures of docs/fmtr.md --------------------------------------------------------------------------------

FIGURES = """<!-- fmtrpt figures: start (python -m ddsc.pipeline.sources.fmtrpt.figures) -->

- Program headings: 3 as written (2 labels); 2 map to a DDSC program (1 labels, 1 programs), covering 4 of the 5 trainings (80.0%); 1 headings (1 labels, 1 trainings) map to none.
- Program Totals lines: 4 (in the reports of 2017_2018, 2018_2019; 1 of them untitled, in 2007-2008), 1 without an amount.
- Blocks whose trainings add up to their total within 1%: 1 (25.0%); not within 1%: 2 (2017_2018: 2).
- Of those 2, 1 have trainings without a cost in the extraction (the cost cell is empty): extraction gaps. In the other 1 every training has a cost: \
in 1 the students do not add up either (rows missing from or misplaced in the extraction), in 0 the cost alone differs (a misprinted total or row, or a misread digit).
- In report 2018_2019 2 costs are a bare '$' (left empty) and 0 of its 1 totals lines match, consistent with the '$' standing for zero.

| report | fiscal years | Africa | Europe | Western Hemisphere | trainings |
|---|---|---:|---:|---:|---:|
| 2017_2018 | 2017-2018 | 2 | 1 |  | 3 |
| 2018_2019 | 2018 |  | 2 | 1 | 3 |
| all | | 2 | 3 | 1 | 6 |

<!-- fmtrpt figures: end -->"""


def test_the_figures_count_headings_totals_lines_and_trainings_per_report_and_region():
    headings = pd.DataFrame({"program_label": ["IMET", "IMET", "Exchange"], "program_id": pd.array(["us_imet", "us_imet", None], dtype="string"), "trainings": [3, 1, 1]})
    totals = pd.DataFrame({"report_id": ["2017_2018"] * 3 + ["2018_2019"], "matches": pd.array([True, False, False, None], dtype="boolean"),
                           "rows": [2, 2, 2, 1], "rows_with_cost": [2, 1, 2, 1], "rows_students": [2, 2, 3, 1],
                           "reported_students": pd.array([2, 2, 4, None], dtype="Int64"), "reported_cost_usd": [10.0, 20.0, 30.0, None]})
    log = pd.DataFrame({"report_id": ["2017_2018", "2018_2019", "2018_2019"], "rule": ["untitled_totals_line", "cost_bare_dollar_sign", "fragment_row"], "rows": [1, 2, 5]})
    reports = pd.DataFrame({"report_id": ["2017_2018", "2018_2019"], "fiscal_year_first": [2017, 2018], "fiscal_year_last": [2018, 2018],
                            "totals_matching": [1, 0], "program_totals_lines": [3, 1]})
    coverage = pd.DataFrame({"report_id": ["2017_2018"] * 3 + ["2018_2019"] * 3, "region": ["Europe", "Africa", "Africa", "Western Hemisphere", "Europe", "Europe"]})
    assert figures.readme_figures(totals, reports, log, headings, coverage) == FIGURES


def test_the_figures_of_a_package_are_read_from_its_fmtr_tables(tmp_path):
    root = make_package(tmp_path / "pkg")
    counts = {}
    for table in ("fmtr_program_totals", "fmtr_program_headings", "trainings"):
        with (root / "tables" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            counts[table] = len(list(csv.DictReader(handle)))
    text = figures.figures_from_package(root)
    assert text.startswith(figures.FIGURES_START) and text.endswith(figures.FIGURES_END)
    assert f"\n- Program headings: {counts['fmtr_program_headings']:,} as written" in text
    assert f"\n- Program Totals lines: {counts['fmtr_program_totals']:,} (" in text
    assert text.split("\n| all | | ")[1].split("\n")[0].endswith(f" | {counts['trainings']:,} |")
