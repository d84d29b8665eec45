"""The fmtrpt step's layers on a few more cases, on tiny XML reports, HTML pages, frames and curation files written
here: the actions the cleaning log names, notes for an empty raw value, costs too long for an integer, curated text
read as written, corrections past one for a report not built, a build whose XML holds no training, and the rows a
page skips."""

import pandas as pd

from ddsc.pipeline.sources import fmtrpt
from ddsc.pipeline.sources import fmtrpt_html as H
from ddsc.pipeline.sources.fmtrpt import cleaning, curation, snapshot
from tests.unit.test_fmtrpt_edges import CURATION, REPORT, TRAINING, _records, _xml
from tests.unit.test_fmtrpt_html_rules import HEADER, _country, _heading, _page, _row

FILE = f"{REPORT}/{REPORT}_Africa_fmtrpt_dedup.xml.gz"
PAGE = "2006_2007/Europe_2006_2007.html.gz"


def _strings(*values) -> pd.Series:
    return pd.Series(list(values), dtype="string")


def _write(root, files: dict) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def test_the_cleaning_log_names_spaces_trimmed_as_changed_and_a_date_far_from_its_fiscal_year_as_emptied():
    raw, _ = snapshot.load({FILE: _xml([("IMET, FY 2018", [{**TRAINING, "course_title": " COURSE"}, {**TRAINING, "start_date": "6/4/2106"}])])})
    log = cleaning.CleaningLog()
    df, _ = cleaning.clean(raw, log)
    assert _records(log.frame()) == [{"report_id": REPORT, "rule": "strip_spaces", "action": "changed", "rows": 1},
                                     {"report_id": REPORT, "rule": "date_out_of_range", "action": "emptied", "rows": 1}]
    assert _records(df[["ordinal", "course_title", "start_date_value", "notes"]]) == [
        {"ordinal": 1, "course_title": "COURSE", "start_date_value": pd.Timestamp("2018-06-04"), "notes": None},
        {"ordinal": 2, "course_title": "COURSE", "start_date_value": None, "notes": "start_date as extracted: '6/4/2106'"}]


def test_a_note_for_an_empty_raw_value_says_it_was_extracted_empty_and_keeps_the_notes_before_it():
    notes = cleaning.note_rows(_strings(None, "kept", None), pd.Series([True, True, False]), "reported total", _strings(None, None, "5"))
    assert _records(notes.to_frame("notes")) == [{"notes": "reported total as extracted: ''"}, {"notes": "kept; reported total as extracted: ''"},
                                                 {"notes": None}]


def test_a_cost_with_more_digits_than_an_integer_holds_is_read_as_a_decimal_number():
    cost, formatted, bare, bad = cleaning.parse_cost(_strings("$1,000", "123456789012345678901234567890", None))
    pd.testing.assert_series_equal(cost, pd.Series([1000.0, 1.2345678901234568e29, None], dtype="Float64"))
    assert formatted.tolist() == [True, False, False] and not bare.any() and not bad.any()


def test_a_curation_file_is_read_as_written_a_line_break_inside_a_quoted_value_included(tmp_path):
    (tmp_path / "reference").mkdir()
    (tmp_path / curation.COUNTRY_CURATION).write_bytes(b'name,country_id,notes\r\nIndochina,,"A region,\r\nnot a country."\r\n')
    assert curation._curation(tmp_path, curation.COUNTRY_CURATION, "name") == {
        "Indochina": {"name": "Indochina", "country_id": "", "notes": "A region,\r\nnot a country."}}


def test_the_corrections_after_one_for_a_report_not_being_built_still_apply():
    frame = pd.DataFrame({"report_id": [REPORT, REPORT], "ordinal": [1, 2], "country": _strings("Benin", "Angola"), "country_id": _strings("BEN", "AGO"),
                          "country_candidates": _strings(None, None), "notes": _strings(None, None)})
    base = dict(correction_id="c", country_printed="Benin", field="country_id", status="corrected", corrected_value="BFA", candidates="", reason="why",
                first_ordinal="", last_ordinal="")
    log = cleaning.CleaningLog()
    out = curation.apply_corrections(frame, [{**base, "report_id": "2019_2020"}, {**base, "report_id": REPORT}], log)
    assert _records(out[["country_id", "notes"]]) == [{"country_id": "BFA", "notes": "country corrected (reference/fmtr_corrections.csv): why"},
                                                     {"country_id": "AGO", "notes": None}]
    assert _records(log.frame()) == [{"report_id": REPORT, "rule": "correction_corrected", "action": "changed", "rows": 1}]


def test_the_pages_of_the_2006_2007_report_are_built_when_the_xml_files_hold_no_training(tmp_path):
    _write(tmp_path, {**CURATION, "tables/citations.csv": CURATION["tables/citations.csv"] + "fmtr_2006_2007,Foreign Military Training Report FY2006-2007\n"})
    page = _page(_country("Albania"), _heading("IMET - FY 2006 DoS Training"), _row("COURSE", "2", "X", "Y", "US", "300", "4/17/2006", "4/28/2006"),
                 _row("SECOND", "1", "X", "Y", "US", "50", "5/1/2006", "5/2/2006"))
    tables = fmtrpt.build({FILE: _xml([("IMET, FY 2018", [])])}, tmp_path, {PAGE: page})
    assert _records(tables["trainings"][["training_id", "report_id", "course_title", "students", "cost_usd", "citation_id"]]) == [
        {"training_id": "2006_2007_000001", "report_id": "2006_2007", "course_title": "COURSE", "students": 2, "cost_usd": 300, "citation_id": "fmtr_2006_2007_europe"},
        {"training_id": "2006_2007_000002", "report_id": "2006_2007", "course_title": "SECOND", "students": 1, "cost_usd": 50, "citation_id": "fmtr_2006_2007_europe"}]
    assert tables["fmtr_reports"]["report_id"].tolist() == ["2006_2007"]


def test_a_page_gives_the_rows_it_skips_with_their_report_file_kind_and_text():
    page = _page(_country("Albania"), _heading("IMET - FY 2006 DoS Training"), HEADER, _row("COURSE", "2", "X", "Y", "US", "300", "4/17/2006", "4/28/2006"),
                 _row("Albania FY 2006 Totals", "2", None, None, None, "$300", None, None, bold=True))
    _, stray = H.load({PAGE: page}, snapshot.FIELDS)
    assert _records(stray) == [
        {"report_id": "2006_2007", "file": PAGE, "tag": "header_row", "text": " | ".join(H.COLUMNS)},
        {"report_id": "2006_2007", "file": PAGE, "tag": "country_totals_row", "text": "Albania FY 2006 Totals | 2 |  |  |  | $300 |  | "}]
