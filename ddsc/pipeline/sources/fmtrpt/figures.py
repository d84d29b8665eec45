"""The figures docs/fmtr.md states, computed from the committed tables (a test checks that they equal the
tables'): ``python -m ddsc.pipeline.sources.fmtrpt.figures`` rewrites them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ddsc.package.descriptor import read_model
from ddsc.package.read import read_text
from ddsc.package.source import Source

# =============================================================================================================
# the figures README.md states (a test checks that they equal the tables')
# =============================================================================================================

README = "docs/fmtr.md"
FIGURES_START, FIGURES_END = "<!-- fmtrpt figures: start (python -m ddsc.pipeline.sources.fmtrpt.figures) -->", "<!-- fmtrpt figures: end -->"
REGION_ORDER = ["Africa", "East Asia and Pacific", "Europe", "Near East", "Newly Independent States", "South Asia", "South Central Asia", "Western Hemisphere", "All Regions"]


def readme_figures(totals: pd.DataFrame, reports_: pd.DataFrame, log: pd.DataFrame, headings: pd.DataFrame, coverage: pd.DataFrame) -> str:
    """The heading mapping, the reconciliation of the Program Totals lines and the coverage table, as Markdown,
    from the tables (``coverage``: report_id and region of every training)."""
    mapped = headings[headings["program_id"].notna()]
    labels = headings.groupby("program_label")["program_id"].first()
    mapping = (f"- Program headings: {len(headings):,} as written ({labels.size:,} labels); {len(mapped):,} map to a DDSC program "
               f"({int(labels.notna().sum()):,} labels, {mapped['program_id'].nunique():,} programs), covering {int(mapped['trainings'].sum()):,} "
               f"of the {int(headings['trainings'].sum()):,} trainings ({mapped['trainings'].sum() / headings['trainings'].sum():.1%}); "
               f"{len(headings) - len(mapped):,} headings ({int(labels.isna().sum()):,} labels, {int(headings['trainings'].sum() - mapped['trainings'].sum()):,} trainings) map to none.")
    matches = totals["matches"].astype("boolean")
    n, ok = len(totals), int(matches.fillna(False).sum())
    bad = totals[matches.eq(False).fillna(False).astype(bool)]
    gaps = bad[bad["rows_with_cost"] < bad["rows"]]
    full = bad[bad["rows_with_cost"] == bad["rows"]]
    students_differ = int((full["rows_students"] != full["reported_students"]).sum())
    untitled = int(log.loc[log["rule"] == "untitled_totals_line", "rows"].sum())
    by_report = bad.groupby("report_id").size().sort_values(ascending=False)
    worst = ", ".join(f"{r}: {k:,}" for r, k in by_report.items())
    no_total = int(totals["reported_cost_usd"].isna().sum())
    bare = log[log["rule"] == "cost_bare_dollar_sign"].set_index("report_id")["rows"]
    bare_text = "; ".join(
        f"in report {r} {k:,} costs are a bare '$' (left empty) and {int(reports_.set_index('report_id').at[r, 'totals_matching']):,} of its "
        f"{int(reports_.set_index('report_id').at[r, 'program_totals_lines']):,} totals lines match, consistent with the '$' standing for zero"
        for r, k in bare.items())
    lines = [
        mapping,
        f"- Program Totals lines: {n:,} (in the reports of {', '.join(sorted(totals['report_id'].unique()))}; {untitled:,} of them untitled, in 2007-2008)"
        + (f", {no_total:,} without an amount" if no_total else "") + ".",
        f"- Blocks whose trainings add up to their total within 1%: {ok:,} ({ok / n:.1%}); not within 1%: {len(bad):,} ({worst}).",
        f"- Of those {len(bad):,}, {len(gaps):,} have trainings without a cost in the extraction (the cost cell is empty): extraction gaps. "
        f"In the other {len(full):,} every training has a cost: in {students_differ:,} the students do not add up either (rows missing from "
        f"or misplaced in the extraction), in {len(full) - students_differ:,} the cost alone differs (a misprinted total or row, or a misread digit).",
    ]
    if bare_text:
        lines.append(f"- {bare_text[0].upper()}{bare_text[1:]}.")
    regions = [r for r in REGION_ORDER if r in set(coverage["region"])]
    table = coverage.groupby(["report_id", "region"]).size().unstack(fill_value=0).reindex(columns=regions, fill_value=0)
    years = reports_.set_index("report_id")
    head = "| report | fiscal years | " + " | ".join(regions) + " | trainings |"
    rule = "|---|---|" + "---:|" * (len(regions) + 1)
    rows = []
    for report, counts in table.iterrows():
        first, last = int(years.at[report, "fiscal_year_first"]), int(years.at[report, "fiscal_year_last"])
        fy = f"{first}" if first == last else f"{first}-{last}"
        rows.append(f"| {report} | {fy} | " + " | ".join(f"{v:,}" if v else "" for v in counts) + f" | {int(counts.sum()):,} |")
    rows.append("| all | | " + " | ".join(f"{int(v):,}" for v in table.sum()) + f" | {int(table.to_numpy().sum()):,} |")
    return "\n".join([FIGURES_START, "", *lines, "", head, rule, *rows, "", FIGURES_END])


def figures_from_package(root: Path) -> str:
    """``readme_figures`` from the committed tables of the package at ``root``, read and typed as validation
    reads them."""
    source = Source(root)
    model = read_model(source)[1]

    def read(name: str) -> pd.DataFrame:
        return model[name].typed(read_text(source, model[name]))

    return readme_figures(read("fmtr_program_totals"), read("fmtr_reports"), read("fmtr_cleaning_log"), read("fmtr_program_headings"),
                          read("trainings")[["report_id", "region"]])


def write_readme_figures(root: Path) -> bool:
    """Rewrite the figures block of docs/fmtr.md from the tables; returns whether it changed."""
    path = root / README
    text = path.read_text(encoding="utf-8")
    start, end = text.index(FIGURES_START), text.index(FIGURES_END) + len(FIGURES_END)
    new = text[:start] + figures_from_package(root) + text[end:]
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    print("docs/fmtr.md figures", "rewritten" if write_readme_figures(Path(__file__).resolve().parents[4]) else "unchanged")
