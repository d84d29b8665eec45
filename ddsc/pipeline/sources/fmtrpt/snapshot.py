"""The snapshot of the FMTR step: every ``<training>`` element of every raw XML file, in document order, as text
exactly as extracted (no cleaning), with its report, file, regional section, country and program heading."""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd

# =============================================================================================================
# snapshot: raw XML -> one text row per <training> element, in document order (no cleaning)
# =============================================================================================================

FIELDS = ("course_title", "us_unit", "student_unit", "location", "quantity", "start_date", "end_date", "total_cost", "page_number")
# The regional section a raw file holds, from its file name (``2018_2019_East_Asia_and_Pacific_fmtrpt_dedup``).
REGIONS = {
    "africa": "Africa",
    "east_asia_and_pacific": "East Asia and Pacific",
    "europe": "Europe",
    "near_east": "Near East",
    "newly_independent_states": "Newly Independent States",
    "south_asia": "South Asia",
    "south_asia_region": "South Asia",
    "south_central_asia": "South Central Asia",
    "western_hemisphere": "Western Hemisphere",
    "western_hemisphere_region": "Western Hemisphere",
    "all_regions": "All Regions",
}


def report_of(file: str) -> str:
    """``1999_2000/1999_2000_Africa_1_fmtrpt_dedup.xml.gz`` -> ``1999_2000`` (the report as the files name it)."""
    return file.split("/", 1)[0]


def region_of(file: str) -> str:
    stem = file.rsplit("/", 1)[-1].split("_fmtrpt_dedup", 1)[0]
    section = re.sub(r"_[0-9]+$", "", stem[len(report_of(file)) + 1:]).lower()
    return REGIONS[section]


class _Reader:
    """Streams one raw XML file (expat, about three times faster than building an ElementTree) into rows:
    ``countries/country[@name]/program[@name]/training/<field>``. Text is taken as is (None for an empty
    element); an element where a training or heading belongs that is neither is kept apart as stray."""

    def __init__(self, report: str, file: str, region: str, ordinal: Counter, block: Counter, rows: list, stray: list):
        self.report, self.file, self.region = report, file, region
        self.ordinal, self.block, self.rows, self.stray = ordinal, block, rows, stray
        self.stack: list[str] = []
        self.text: list[str] = []
        self.country = self.heading = None
        self.training: dict | None = None

    def start(self, name: str, attrs: dict) -> None:
        depth = len(self.stack)
        if depth == 1 and name == "country":
            self.country = attrs.get("name")
        elif depth == 2 and name == "program":
            self.heading = attrs.get("name")
            self.block[self.report] += 1
        elif depth == 3 and name == "training" and self.stack[-1] == "program":
            self.training = {}
        self.stack.append(name)
        self.text = []

    def data(self, text: str) -> None:
        self.text.append(text)

    def end(self, name: str) -> None:
        self.stack.pop()
        depth, text = len(self.stack), "".join(self.text) or None
        if depth == 4 and self.training is not None:
            self.training[name] = text
        elif depth == 3 and name == "training" and self.training is not None:
            self.ordinal[self.report] += 1
            self.rows.append((self.report, self.file, self.region, self.ordinal[self.report], self.block[self.report],
                              self.country, self.heading, *(self.training.get(f) for f in FIELDS)))
            self.training = None
        elif (depth == 2 and name not in ("c_name", "program")) or (depth == 3 and name not in ("p_name", "training")):
            self.stray.append((self.report, self.file, name, text))
        self.text = []


def load(files: dict[str, bytes]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every ``<training>`` element as a row of text (None where an element is absent or empty), numbered in
    document order within its report (files in manifest order, elements in file order), with the running
    number of its ``<program>`` element (its block); and every element found where a training or heading
    belongs that is neither (repeated column headers of the PDF), one row each."""
    import xml.parsers.expat

    rows, stray = [], []
    ordinal, block = Counter(), Counter()
    for file in files:  # manifest order
        reader = _Reader(report_of(file), file, region_of(file), ordinal, block, rows, stray)
        parser = xml.parsers.expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler, parser.CharacterDataHandler, parser.EndElementHandler = reader.start, reader.data, reader.end
        parser.Parse(files[file], True)
    columns = ["report_id", "file", "region", "ordinal", "block", "country", "heading", *FIELDS]
    frame = pd.DataFrame(rows, columns=columns)
    for name in ("country", "heading", *FIELDS):
        frame[name] = frame[name].astype("string")
    return frame, pd.DataFrame(stray, columns=["report_id", "file", "tag", "text"])
