"""The reader of the 2006-2007 report's HTML pages on small pages written here: rows, headings, skipped rows,
blocks, an unclosed cell, paragraphs in a cell, malformed rows, and the leading list dash."""

import re

import pandas as pd
import pytest

from ddsc.pipeline.sources import fmtrpt_html as H
from ddsc.pipeline.sources.fmtrpt import cleaning, snapshot

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


def test_dash_bullet_removes_only_a_leading_list_dash():
    out, hit = cleaning.dash_bullet(pd.Series(["-National Academy (3) -Communications", "- 0", "-5", "--x", "HQ- RABAT", None], dtype="string"))
    assert [None if pd.isna(v) else v for v in out] == ["National Academy (3) -Communications", "- 0", "-5", "--x", "HQ- RABAT", None]
    assert list(hit) == [True, False, False, False, False, False]


def test_a_training_after_a_new_country_and_before_its_first_heading_stops_the_step():
    """A country row closes the heading before it: a row under the next country needs a heading of its own."""
    page = _page(_country("Albania"), _heading("IMET - FY 2006 DoS Training"), HEADER, _row(*TRAINING), _country("Andorra"), _row(*TRAINING))
    with pytest.raises(ValueError, match="before any country or program heading"):
        H.load({FILE: page}, snapshot.FIELDS)
