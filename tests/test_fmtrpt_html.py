"""The 2006-2007 report from its HTML pages: the reader on small pages written here (rows, headings, skipped
rows, blocks, an unclosed cell, malformed rows), and on the raw pages: rows found in the committed table with
their values (read with a parser written apart from the step's), each country's printed totals equal to its
trainings, and the program blocks reconciled. (The byte-for-byte rebuild is the generic test in
test_steps.py.)"""

import csv
import html
import random
import re

import pandas as pd
import pycountry
import pytest

from ddsc.pipeline.sources.fmtrpt import cleaning, curation, snapshot
from ddsc.pipeline.sources import fmtrpt_html as H
from ddsc.pipeline.raw import default_raw_root, manifest, read_raw
from tests.conftest import ROOT, table_path

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)

RAW = default_raw_root(ROOT)
HEADER = "<TR>" + "".join(f"<TD><P>{c}</P></TD>" for c in H.COLUMNS) + "</TR>"


def _row(*cells, bold=False):
    wrap = (lambda c: f"<P><STRONG>{c}</STRONG></P>") if bold else (lambda c: f"<P>{c}</P>")
    return "<TR>" + "".join(f"<TD>{wrap(c if c is not None else '&nbsp;')}</TD>" for c in cells) + "</TR>"


def _country(name, closed=True):
    return f"<TR><TD bgColor=beige colSpan=8><B>{name}</B>" + (" </TD></TR>" if closed else " \n")


def _heading(text):
    return _row(text, *[None] * 7, bold=True)


def _page(*parts):
    return ("<html><body><table><TBODY>" + "".join(parts) + "</TBODY></table></body></html>").encode("utf-8")


FILE = "2006_2007/Europe_2006_2007.html.gz"
TRAINING = ("CIV-MIL RESP TO TERRORISM", "1", "MONTEREY, CA", "J-2 Directorate, MOD, Tirana", "-", "11628", "4/17/2006", "4/28/2006")


def test_a_small_page_gives_its_trainings_and_totals_in_document_order_with_their_blocks():
    page = _page(_country("Albania"), _heading("CTFP - FY 2006 DoD Training"), HEADER, _row(*TRAINING),
                 _row("SECOND COURSE", "2", "X", "Y", "-", "5", "5/1/2006", "5/2/2006"),
                 _row("FY 2006 Program Totals", "3", None, None, None, "$11,633", None, None),
                 _heading("CTFP - FY 2006 DoD Training"), HEADER, _row("THIRD", "1", "X", "Y", "-", "7", "6/1/2006", "6/2/2006"),
                 _row("Albania FY 2006 Totals", "4", None, None, None, "$11,640", None, None, bold=True),
                 _country("Andorra"), _row("Andorra FY 2006 Totals", "0", None, None, None, "$0", None, None, bold=True))
    frame, stray = H.load({FILE: page}, snapshot.FIELDS)
    assert list(frame["ordinal"]) == [1, 2, 3, 4]
    assert list(frame["block"]) == [1, 1, 1, 2]  # a heading repeated starts a new block, as a new <program> element does
    assert list(frame["course_title"]) == ["CIV-MIL RESP TO TERRORISM", "SECOND COURSE", "FY 2006 Program Totals", "THIRD"]
    first = frame.iloc[0]
    assert (first["quantity"], first["location"], first["student_unit"], first["us_unit"], first["total_cost"], first["start_date"], first["end_date"]) == TRAINING[1:]
    assert set(frame["country"]) == {"Albania"} and set(frame["region"]) == {"Europe"} and frame["page_number"].isna().all()
    assert sorted(stray["tag"]) == ["country_totals_row", "country_totals_row", "header_row", "header_row"]


def test_a_cell_left_open_ends_where_the_next_row_starts():
    page = _page(_country("Fiji", closed=False), _heading("IMET - FY 2006 DoS Training"), HEADER, _row(*TRAINING))
    frame, _ = H.load({FILE: page}, snapshot.FIELDS)
    assert list(frame["country"]) == ["Fiji"] and list(frame["heading"]) == ["IMET - FY 2006 DoS Training"]


def test_paragraphs_of_a_cell_are_joined_by_one_space_and_no_break_spaces_are_spaces():
    cells = list(TRAINING)
    cells[3] = "-National Academy (3)</P><P>-Communications&nbsp;Institute (1)"
    frame, _ = H.load({FILE: _page(_country("Chile"), _heading("IMET - FY 2006 DoS Training"), _row(*cells))}, snapshot.FIELDS)
    assert frame.loc[0, "student_unit"] == "-National Academy (3) -Communications Institute (1)"


@pytest.mark.parametrize("parts, message", [
    ((_country("Chile"), _heading("IMET - FY 2006 DoS Training"), _row(*TRAINING[:7])), "7 cells"),
    ((_heading("IMET - FY 2006 DoS Training"), _row(*TRAINING)), "before any country"),
    ((_country("Chile"), _row(*TRAINING)), "before any country or program heading"),
])
def test_a_malformed_page_stops_the_step_naming_the_file(parts, message):
    with pytest.raises(ValueError, match=re.escape(FILE)) as err:
        H.load({FILE: _page(*parts)}, snapshot.FIELDS)
    assert message in str(err.value)


def test_each_page_has_its_citation_and_region():
    assert H.page_citation("2006_2007/Near_East_2006_2007.html.gz") == "fmtr_2006_2007_near_east"
    assert H.page_citation("2007_2008/2007_2008_Africa_1_fmtrpt_dedup.xml.gz") is None
    assert H.region_of("2006_2007/South_Central_Asia_2006_2007.html.gz") == "South Central Asia"
    cited = {r["citation_id"]: r for r in pd.read_csv(table_path(ROOT, "citations"), dtype=str, keep_default_na=False).to_dict("records")}
    for row in manifest(ROOT, H.SOURCE_NAME):
        assert cited[H.page_citation(row["file"])]["url"] == row["official_url"]


def test_dash_bullet_removes_only_a_leading_list_dash():
    out, hit = cleaning.dash_bullet(pd.Series(["-National Academy (3) -Communications", "- 0", "-5", "--x", "HQ- RABAT", None], dtype="string"))
    assert [None if pd.isna(v) else v for v in out] == ["National Academy (3) -Communications", "- 0", "-5", "--x", "HQ- RABAT", None]
    assert list(hit) == [True, False, False, False, False, False]


# --- against the raw pages --------------------------------------------------------------------------------

def _need_raw():
    if not (RAW / H.SOURCE_NAME).is_dir():
        pytest.skip(f"raw files of {H.SOURCE_NAME!r} are not beside the checkout; CI has them")


def _rows_apart(data: bytes):
    """The table rows of a page read with a tolerant regular-expression reader (not the step's parser):
    (country, heading, cells) for every row of eight cells, and the country totals rows."""
    text = data.decode("utf-8")
    body = text[text.index("<TBODY>"):]
    rows, totals, country, heading = [], [], None, None
    for chunk in re.split(r"<TR>", body)[1:]:
        cells = [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", c)).replace("\xa0", " ")).strip()
                 for c in re.split(r"<TD[^>]*>", chunk)[1:]]
        if not cells:
            continue
        if "colSpan=8" in chunk.split("<TD", 2)[1][:40]:
            country, heading = cells[0], None
            cells = cells[1:]
            if not cells:
                continue
        if len(cells) != 8:
            continue
        if re.search(r"<(STRONG|B)>", chunk, re.I) and cells[0] and not any(cells[1:]):
            heading = cells[0]
        elif cells[0].endswith("FY 2006 Totals"):
            totals.append((country, cells))
        elif cells[0] != "Course Title":
            rows.append((country, heading, cells))
    return rows, totals


def test_rows_read_apart_from_the_step_are_in_the_table_with_their_values():
    _need_raw()
    pages = read_raw(ROOT, H.SOURCE_NAME, RAW)
    everything = []
    for file in pages:
        rows, _ = _rows_apart(pages[file])
        everything += [(file, *r) for r in rows]
    trainings = pd.read_csv(table_path(ROOT, "trainings"), dtype=str, keep_default_na=False)
    mine = trainings[trainings["report_id"] == H.REPORT].reset_index(drop=True)
    by_id = {int(t.split("_")[-1]): row for t, row in zip(mine["training_id"], mine.to_dict("records"))}
    rng = random.Random(2006)
    # the ordinals count every eight-cell row that is not a heading, a header or a country total
    assert len(everything) == len(mine) + int(pd.read_csv(table_path(ROOT, "fmtr_reports")).set_index("report_id").loc[H.REPORT, ["program_totals_lines", "other_dropped_rows"]].sum())
    sample = rng.sample(range(len(everything)), 300)
    checked = 0
    for i in sample:
        file, country, heading, cells = everything[i]
        key = i + 1
        if key not in by_id:
            continue
        row = by_id[key]
        assert row["country_printed"] == country and row["course_title"] == (cells[0] or ""), key
        assert row["students"] == (cells[1] if re.fullmatch(r"[0-9]+", cells[1]) else row["students"]), key
        if re.fullmatch(r"\$?[0-9][0-9,]*(\.[0-9]+)?", cells[5]):
            assert float(row["cost_usd"]) == float(cells[5].replace("$", "").replace(",", "")), key
        m = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", cells[6])
        if m and row["start_date"]:
            assert row["start_date"] == f"{int(m[3]):04d}-{int(m[1]):02d}-{int(m[2]):02d}", key
        assert row["citation_id"] == H.page_citation(file) and row["page"] == "", key
        checked += 1
    assert checked > 250


def test_each_countrys_printed_totals_equal_the_sum_of_its_program_totals():
    """The report's "<country> FY 2006 Totals" lines, read apart from the step, against the Program Totals
    lines the step kept for the country (students and cost): the blocks are cut where the report cuts them,
    and each block's trainings are checked against its line in ``fmtr_program_totals.matches``."""
    _need_raw()
    pages = read_raw(ROOT, H.SOURCE_NAME, RAW)
    curated = {r["name"]: r["country_id"] for r in csv.DictReader((ROOT / curation.COUNTRY_CURATION).open(encoding="utf-8"))}
    totals = pd.read_csv(table_path(ROOT, "fmtr_program_totals"), keep_default_na=False, na_values=[""])
    blocks = totals[totals["report_id"] == H.REPORT]
    checked = 0
    for file in pages:
        for _, cells in _rows_apart(pages[file])[1]:
            country = cells[0].removesuffix(" FY 2006 Totals")  # the name the totals line prints, not the section's heading
            code = curated[country] if country in curated else pycountry.countries.lookup(country).alpha_3
            mine = blocks[(blocks["country_id"] == code) & (blocks["region"] == H.region_of(file))]
            assert float(cells[5].replace("$", "").replace(",", "")) == pytest.approx(mine["reported_cost_usd"].sum(), abs=0.5), country
            assert int(cells[1]) == mine["reported_students"].sum(), country
            checked += 1
    assert checked == 149


def test_the_program_blocks_reconcile_with_their_printed_totals():
    totals = pd.read_csv(table_path(ROOT, "fmtr_program_totals"), keep_default_na=False, na_values=[""])
    blocks = totals[totals["report_id"] == H.REPORT]
    assert len(blocks) > 400 and blocks["matches"].astype(bool).mean() >= 0.98
    trainings = pd.read_csv(table_path(ROOT, "trainings"), dtype=str, keep_default_na=False, na_values=[""])
    fy = trainings[trainings["fiscal_year"] == "2006"]
    assert set(fy["report_id"]) == {H.REPORT} and (fy["counted"] == "true").all()
