"""Source step ``fmtrpt``: the training events of the Foreign Military Training Report (FMTR), from Security
Force Monitor's extraction of the report PDFs (``sources/fmtrpt/``), as five tables: ``trainings``,
``fmtr_reports``, ``fmtr_program_headings``, ``fmtr_program_totals`` and ``fmtr_cleaning_log``.

Four modules, one job each, in the owid/etl manner:

1. ``snapshot`` (``load``): every ``<training>`` element of every raw XML file, in document order, as text
   exactly as extracted (no cleaning), with its report, file, regional section, country and program heading;
2. ``cleaning`` (``clean``): each cleaning rule is a small named function that changes, splits, empties or
   drops values and returns which rows it touched; ``CleaningLog`` counts the rows per report and rule, and a
   value that cannot be parsed is emptied with its raw text kept in ``notes`` (nothing is dropped silently);
   the fiscal year of each row is read from its program heading;
3. ``curation`` (``curate``, ``reports``): countries mapped through ``reference/fmtr_countries.csv`` and
   pycountry, program headings mapped through ``reference/fmtr_program_labels.csv``, the reports' own
   "Program Totals" lines reconciled with their blocks, and the output tables built;
4. ``figures``: the figures docs/fmtr.md states, from the committed tables
   (``python -m ddsc.pipeline.sources.fmtrpt.figures`` rewrites them).

This module is the step: ``build`` runs the three layers over the raw files, ``STEP`` declares it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ddsc.pipeline.raw import read_raw
from ddsc.pipeline.sources import fmtrpt_html
from ddsc.pipeline.step import SOURCE, Step
from ddsc.pipeline.sources.fmtrpt.snapshot import FIELDS, load
from ddsc.pipeline.sources.fmtrpt.cleaning import CleaningLog, SKIPPED, clean
from ddsc.pipeline.sources.fmtrpt.curation import curate, reports

# =============================================================================================================
# the step
# =============================================================================================================

SOURCE_NAME = "fmtrpt"


def build(files: dict[str, bytes], root: Path, pages: dict[str, bytes] | None = None) -> dict[str, pd.DataFrame]:
    """The tables from the extraction's XML files and the 2006-2007 report's HTML pages (``fmtrpt_html``),
    the reports in order."""
    raw, stray = load(files)
    if pages:
        more, skipped = fmtrpt_html.load(pages, FIELDS)
        raw = pd.concat([raw, more], ignore_index=True).sort_values("report_id", kind="stable", ignore_index=True)
        stray = pd.concat([stray, skipped], ignore_index=True)
    log = CleaningLog()
    totals_rows = stray["tag"] == fmtrpt_html.COUNTRY_TOTALS_TAG
    log.add("stray_element", SKIPPED, stray["report_id"][~totals_rows])
    log.add("country_totals_line", SKIPPED, stray["report_id"][totals_rows])
    df, lines = clean(raw, log)
    tables = curate(df, lines, log, root)
    tables["fmtr_cleaning_log"] = log.frame()
    tables["fmtr_reports"] = reports(raw, tables, tables["fmtr_cleaning_log"], root)
    return tables


def run(root: Path, raw_root: Path | None = None) -> dict[str, pd.DataFrame]:
    return build(read_raw(root, SOURCE_NAME, raw_root), root, read_raw(root, fmtrpt_html.SOURCE_NAME, raw_root))


STEP = Step("fmtrpt", SOURCE, ("trainings", "fmtr_reports", "fmtr_program_headings", "fmtr_program_totals", "fmtr_cleaning_log"), run,
            sources=(SOURCE_NAME, fmtrpt_html.SOURCE_NAME), description="Foreign Military Training Report trainings (Security Force Monitor's extraction), cleaned and curated")
