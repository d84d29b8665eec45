"""The steps at their boundaries, on tiny packages, raw files and pages written here: the message of a step that
writes two tables, the fmtrpt step reading both its raw folders from the folder it is given, the cleaning log of
fused dates, the reconciliation of a report's elements, and the cells, bold text and spans of the 2006-2007 pages."""

import gzip
import hashlib

import pandas as pd
import pytest

from ddsc.pipeline.run import run_steps
from ddsc.pipeline.sources import fmtrpt
from ddsc.pipeline.sources import fmtrpt_html as H
from ddsc.pipeline.sources.fmtrpt import curation
from tests.unit.test_fmtrpt_edges import CURATION, REPORT, TRAINING, _records, _xml
from tests.unit.test_fmtrpt_html_rules import HEADER, _country, _heading, _page, _row
from tests.unit.test_step_edges import _lists, _package

# --- running steps ------------------------------------------------------------------------------------------


def test_a_step_that_writes_two_tables_names_both_separated_by_a_comma(tmp_path):
    root = _package(tmp_path, ("countries", "citations", "states", "state_memberships"))
    (root / "tables" / "countries.csv").write_text("country_id,name_en,cow_code\nDDR,German Democratic Republic,265\nJPN,Japan,740\nDMA,Dominica,\n", encoding="utf-8")
    said = []
    assert run_steps(root, ["state_systems"], raw_root=_lists(tmp_path, root), log=said.append) == 0
    assert said == ["state_systems: wrote tables/states.csv, wrote tables/state_memberships.csv"]
    said.clear()
    assert run_steps(root, ["state_systems"], raw_root=tmp_path / "raw", log=said.append) == 0
    assert said == ["state_systems: unchanged"]


# --- the fmtrpt step ----------------------------------------------------------------------------------------

XML_FILE = f"{REPORT}/{REPORT}_Africa_fmtrpt_dedup.xml.gz"
PAGE_FILE = "2006_2007/Europe_2006_2007.html.gz"


def _curation(root):
    files = {**CURATION, "tables/citations.csv": CURATION["tables/citations.csv"] + "fmtr_2006_2007,Foreign Military Training Report FY2006-2007\n"}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def _raw(root, raw_root, source: str, files: dict[str, bytes]) -> None:
    """``files`` gzipped into ``raw_root/source`` and listed in the package's manifest of ``source``."""
    lines = ["file,sha256,bytes"]
    for name, data in files.items():
        path = raw_root / source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(data))
        lines.append(f"{name},{hashlib.sha256(data).hexdigest()},{len(data)}")
    (root / "sources" / source).mkdir(parents=True, exist_ok=True)
    (root / "sources" / source / "MANIFEST.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_fmtrpt_step_reads_the_extraction_and_the_pages_from_the_raw_folder_it_is_given(tmp_path, monkeypatch):
    monkeypatch.setenv("DDSC_SOURCES", str(tmp_path / "elsewhere"))  # the default folder holds nothing
    root, raw_root = tmp_path / "pkg", tmp_path / "given"
    _curation(root)
    _raw(root, raw_root, "fmtrpt", {XML_FILE: _xml([("IMET, FY 2018", [TRAINING])])})
    page = _page(_country("Albania"), _heading("IMET - FY 2006 DoS Training"), HEADER, _row("COURSE", "2", "X", "Y", "Z", "300", "4/17/2006", "4/28/2006"))
    _raw(root, raw_root, "fmtrpt_html", {PAGE_FILE: page})
    tables = fmtrpt.run(root, raw_root)
    assert _records(tables["trainings"][["training_id", "region", "students", "cost_usd"]]) == [
        {"training_id": "2006_2007_000001", "region": "Europe", "students": 2, "cost_usd": 300},
        {"training_id": f"{REPORT}_000001", "region": "Africa", "students": 1, "cost_usd": 100}]


def test_two_dates_fused_in_the_start_date_cell_are_split_and_counted_as_dates_fused(tmp_path):
    _curation(tmp_path)
    fused = {**TRAINING, "start_date": "6/4/2018 7/26/2018"}
    del fused["end_date"]
    tables = fmtrpt.build({XML_FILE: _xml([("IMET, FY 2018", [fused])])}, tmp_path)
    assert _records(tables["trainings"][["start_date", "end_date"]]) == [{"start_date": pd.Timestamp("2018-06-04"), "end_date": pd.Timestamp("2018-07-26")}]
    assert _records(tables["fmtr_cleaning_log"]) == [{"report_id": REPORT, "rule": "dates_fused", "action": "changed", "rows": 1}]


def test_a_report_whose_elements_do_not_add_up_to_its_trainings_and_counted_drops_stops_the_step(tmp_path):
    _curation(tmp_path)
    blocks = [("IMET, FY 2018", [TRAINING, {**TRAINING, "course_title": "FY 2018 Program Totals", "total_cost": "$100"}])]
    tables = fmtrpt.build({XML_FILE: _xml(blocks)}, tmp_path)
    log = tables["fmtr_cleaning_log"]
    raw, _ = fmtrpt.load({XML_FILE: _xml(blocks)})
    assert len(curation.reports(raw, tables, log, tmp_path)) == 1
    uncounted = log[log["rule"] != "program_totals_line"]
    with pytest.raises(ValueError) as err:
        curation.reports(raw, tables, uncounted, tmp_path)
    assert str(err.value) == "raw training elements do not reconcile with trainings and counted drops"


# --- the cells of the 2006-2007 pages -----------------------------------------------------------------------


def _cells(html: str) -> list:
    parser = H._Rows()
    parser.feed(html)
    parser.close()
    return parser.rows


def test_a_cell_after_a_bold_one_is_bold_only_if_its_own_text_is():
    assert _cells("<TABLE><TR><TD><B>a</B></TD><TD>b</TD><TD><STRONG><B>c</B></STRONG>d</TD><TD>e</TD></TR></TABLE>") == [
        [("a", True, 1), ("b", False, 1), ("cd", True, 1), ("e", False, 1)]]


def test_a_cell_left_open_ends_where_the_next_cell_starts_keeping_its_text_and_span():
    assert _cells("<TABLE><TR><TD colSpan=2>a<TD>b<TD><B>c</B></TR></TABLE>") == [[("a", False, 2), ("b", False, 1), ("c", True, 1)]]


def test_a_span_that_is_not_a_whole_number_counts_as_one_column():
    assert _cells('<TABLE><TR><TD colspan="all">a</TD><TD COLSPAN=" 3">b</TD><TD colspan="">c</TD><TD colspan=8>d</TD></TR></TABLE>') == [
        [("a", False, 1), ("b", False, 1), ("c", False, 1), ("d", False, 8)]]
