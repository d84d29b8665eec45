"""Snapshot of the 2006-2007 Foreign Military Training Report (training in FY2006), which the State Department
published as six HTML pages, one per region, instead of a PDF: each page's table rows as text rows in the
form ``fmtrpt.load`` gives the extraction of the other reports, so that the same cleaning rules, curation and
cleaning log apply to them.

A page is one table. A row of one cell spanning the table names a country; a row whose first cell alone
holds bold text is a program heading ("IMET - FY 2006 DoS Training"); a row repeating the column names is
skipped (counted as a stray element, as the repeated column headers of the PDFs are); every other row is a
training element, in document order: the trainings, each block's "FY 2006 Program Totals" line and each
country's "<country> FY 2006 Totals" line (the cleaning rules drop the totals). Cells are taken in the
order of the column names: Course Title, Students, Location, Student's Unit, US Units, Total Cost, Start
Date, End Date. The pages have no page numbers: the locator of a row is its region's page (its official
address) and its country and program heading."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd

SOURCE_NAME = "fmtrpt_html"
REPORT = "2006_2007"
COLUMNS = ("Course Title", "Students", "Location", "Student's Unit", "US Units", "Total Cost", "Start Date", "End Date")
CELL_FIELDS = ("course_title", "quantity", "location", "student_unit", "us_unit", "total_cost", "start_date", "end_date")
REGIONS = {"Africa": "Africa", "East_Asia_and_Pacific": "East Asia and Pacific", "Europe": "Europe", "Near_East": "Near East",
           "South_Central_Asia": "South Central Asia", "Western_Hemisphere": "Western Hemisphere"}


def page_citation(file: str) -> str | None:
    """The citation of a page (``fmtr_2006_2007_near_east``); None for a file that is not one of the pages."""
    stem = file.rsplit("/", 1)[-1].split(f"_{REPORT}", 1)[0]
    return f"fmtr_{REPORT}_{stem.lower()}" if file.startswith(f"{REPORT}/") and stem in REGIONS else None


def region_of(file: str) -> str:
    """``2006_2007/Near_East_2006_2007.html.gz`` -> ``Near East``."""
    stem = file.rsplit("/", 1)[-1].split(f"_{REPORT}", 1)[0]
    return REGIONS[stem]


class _Rows(HTMLParser):
    """The rows of the page's tables: for each ``<tr>``, its cells as (text, bold, colspan). A cell left open
    ends where the next cell or row starts, as a browser ends it (the Fiji heading of the East Asia and
    Pacific page has no ``</TD></TR>``)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, bool, int]]] = []
        self.cell: list[str] | None = None
        self.bold = 0
        self.cell_bold = False
        self.span = 1

    def _close_cell(self):
        if self.cell is not None:
            self.rows[-1].append(("".join(self.cell), self.cell_bold, self.span))
            self.cell = None

    def handle_starttag(self, tag, attrs):
        if tag in ("tr", "td"):
            self._close_cell()
        if tag == "tr":
            self.rows.append([])
        elif tag == "td" and self.rows:
            self.cell, self.cell_bold = [], False
            self.span = int(dict(attrs).get("colspan") or 1) if str(dict(attrs).get("colspan") or "1").isdigit() else 1
        elif tag in ("b", "strong"):
            self.bold += 1
        elif tag in ("p", "br") and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "tr", "table"):
            self._close_cell()
        elif tag in ("b", "strong"):
            self.bold = max(self.bold - 1, 0)

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
            if self.bold and data.strip():
                self.cell_bold = True


def _text(cell: str) -> str | None:
    """A cell's text as the page shows it: paragraphs joined by a space, no-break spaces as spaces; None
    when nothing is left."""
    text = cell.replace("\xa0", " ")
    text = " ".join(part.strip() for part in text.split("\n") if part.strip())
    return text or None


COUNTRY_TOTALS_TAG = "country_totals_row"
COUNTRY_TOTALS = re.compile(r"^(?P<country>.+?),? FY ?2006 Totals$")


def page_rows(file: str, data: bytes) -> tuple[list[tuple], list[tuple]]:
    """The training elements of one page as (section, country, heading, cells...) in document order, where
    ``section`` numbers the country and program headings in the order met (a heading printed twice starts
    a new section, as a new ``<program>`` element of the extraction does); and the rows
    skipped as stray as (tag, text): the repeated column names, and each country's totals line (checked
    against its trainings by the tests, see ``country_totals``)."""
    parser = _Rows()
    parser.feed(data.decode("utf-8"))
    parser.close()
    rows, stray = [], []
    country = heading = None
    section = 0
    for cells in parser.rows:
        if not cells:
            continue
        texts = [_text(c[0]) for c in cells]
        if len(cells) == 1 and cells[0][2] > 1:
            country, heading, section = texts[0], None, section + 1
            continue
        if cells[0][1] and texts[0] and not any(texts[1:]):
            heading, section = texts[0], section + 1
            continue
        if tuple(texts) == COLUMNS:
            stray.append(("header_row", " | ".join(COLUMNS)))
            continue
        if len(cells) == len(COLUMNS) and cells[0][1] and COUNTRY_TOTALS.match(texts[0] or ""):
            stray.append((COUNTRY_TOTALS_TAG, " | ".join(t or "" for t in texts)))
            continue
        if len(cells) != len(COLUMNS):
            raise ValueError(f"{SOURCE_NAME}/{file}: a row of {len(cells)} cells, not {len(COLUMNS)}: {texts}")
        if country is None or heading is None:
            raise ValueError(f"{SOURCE_NAME}/{file}: a row before any country or program heading: {texts}")
        rows.append((section, country, heading, *texts))
    return rows, stray


def load(files: dict[str, bytes], fields: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every training element of the report as a row of text in ``fmtrpt.load``'s columns (``fields``: a
    field no page has, the page number, is empty), numbered in document order (pages in manifest order),
    with the running number of its program block; and the stray rows."""
    out, stray, ordinal, block = [], [], 0, 0
    for file, data in files.items():  # manifest order
        rows, skipped = page_rows(file, data)
        stray += [(REPORT, file, tag, text) for tag, text in skipped]
        previous = None
        for section, country, heading, *cells in rows:
            if section != previous:
                block += 1
                previous = section
            ordinal += 1
            values = dict(zip(CELL_FIELDS, cells))
            out.append((REPORT, file, region_of(file), ordinal, block, country, heading, *(values.get(f) for f in fields)))
    columns = ["report_id", "file", "region", "ordinal", "block", "country", "heading", *fields]
    frame = pd.DataFrame(out, columns=columns)
    for name in ("country", "heading", *fields):
        frame[name] = frame[name].astype("string")
    return frame, pd.DataFrame(stray, columns=["report_id", "file", "tag", "text"])
