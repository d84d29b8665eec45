"""The documentation site of a release (``site/``): static HTML that opens from the file system with no
network. A home page (what the data covers, the figures, how to cite, the files with their checksums) and
one page per table (its columns with type, constraints, levels and examples, its row count and years, the
tables it links to and from). Each figure is drawn from the release's own tables by the query printed
under it, so a changed table changes the figure."""

from __future__ import annotations

import html
import io
from dataclasses import dataclass

import pandas as pd

SITE = "site"
FONTS = '"Noto Sans CJK JP", "Noto Sans JP", "Hiragino Sans", "Yu Gothic", sans-serif'
CSS = f"""body{{font-family:{FONTS};margin:0 auto;max-width:72em;padding:1em 2em;line-height:1.5;color:#222}}
table{{border-collapse:collapse;width:100%;table-layout:fixed;margin:1em 0}}
th,td{{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left;overflow-wrap:anywhere}}
th{{background:#f3f3f3}} code{{overflow-wrap:anywhere}} img{{max-width:100%;height:auto;border:1px solid #ddd}}
pre{{white-space:pre-wrap;overflow-wrap:anywhere;background:#f7f7f7;padding:.6em}} figure{{margin:2em 0}}
nav a{{margin-right:1em}}
"""


@dataclass(frozen=True)
class Figure:
    name: str
    title: str
    caption: str
    query: str  # pandas code over `t`, the dict of tables ddsc.load() returns; it ends by naming `data`
    kind: str  # how `data` is drawn: "stacked" (index = x, one column per series), "barh", "lines"
    xlabel: str = ""
    ylabel: str = ""


FIGURES = (
    Figure("trainings_by_region", "US training events per fiscal year, by region",
           "Training events of the Foreign Military Training Report, each fiscal year counted once (counted rows only), by the report's region.",
           't["trainings"][t["trainings"]["counted"]].pivot_table(index="fiscal_year", columns="region", values="training_id", aggfunc="count", fill_value=0)',
           "stacked", "fiscal year", "training events"),
    Figure("students_and_cost", "Students trained and cost per fiscal year",
           "Students (thousands) and cost (US$ million) of the counted training events per fiscal year.",
           'counted = t["trainings"][t["trainings"]["counted"]]\n'
           'data = counted.groupby("fiscal_year").agg(students_thousands=("students", "sum"), cost_usd_million=("cost_usd", "sum"))\n'
           'data = data.assign(students_thousands=data["students_thousands"] / 1e3, cost_usd_million=data["cost_usd_million"] / 1e6)',
           "lines", "fiscal year", "thousands of students; US$ million"),
    Figure("top_recipients", "The 15 countries with the most US training events, FY1999-FY2020",
           "Counted training events per country over all fiscal years; the names are countries.name_en.",
           'counted = t["trainings"][t["trainings"]["counted"]]\n'
           'names = t["countries"].set_index("country_id")["name_en"]\n'
           'data = counted["country_id"].value_counts().head(15).rename(index=names).iloc[::-1].to_frame("training events")',
           "barh", "training events", ""),
    Figure("agreements_in_force", "Japan's agreements in force at the end of each year, by family",
           "Agreements of statutes with an agreement_family, in force on 31 December (entered into force by then, not ended by then).",
           's = t["statutes"].dropna(subset=["agreement_family", "in_force_date"])\n'
           'years = range(s["in_force_date"].dt.year.min(), pd.Timestamp.today().year + 1)\n'
           'data = pd.DataFrame({y: s[(s["in_force_date"] <= f"{y}-12-31") & ~(s["end_date"] <= f"{y}-12-31")].groupby("agreement_family").size() for y in years}).T.fillna(0)',
           "lines", "year", "agreements in force on 31 December"),
    Figure("osa_by_recipient", "Official Security Assistance by fiscal year and recipient",
           "Amounts of the OSA grants (projects of the program jp_osa), in 100 million yen, by Japanese fiscal year and recipient.",
           'osa = t["projects"][t["projects"]["program_id"] == "jp_osa"]\n'
           'data = osa.pivot_table(index="fiscal_year", columns="recipient_country_id", values="amount", aggfunc="sum", fill_value=0) / 1e8',
           "stacked", "Japanese fiscal year", "100 million yen"),
)


def figure_data(figure: Figure, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The frame a figure draws: its query run over ``tables`` (constant code of this module, never input)."""
    scope = {"t": tables, "pd": pd}
    code = figure.query if "\n" in figure.query or figure.query.startswith("data") else f"data = {figure.query}"
    exec(code, scope)  # noqa: S102 - the queries are this module's own constants, printed on the site
    return scope["data"]


def draw(figure: Figure, data: pd.DataFrame) -> bytes:
    """The figure as SVG; equal data give equal bytes (no date, a fixed id salt, text kept as text, one font)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # The figures' text is Latin, set in DejaVu Sans, which ships with matplotlib: the text's layout, and so the
    # bytes, do not depend on the fonts a machine has (verify draws every figure again and compares the bytes).
    with plt.rc_context({"svg.hashsalt": "ddsc", "svg.fonttype": "none", "font.size": 9, "font.family": "sans-serif",
                         "font.sans-serif": ["DejaVu Sans"]}):
        fig, ax = plt.subplots(figsize=(9, 4.2))
        if figure.kind == "stacked":
            data.plot.bar(stacked=True, ax=ax, width=0.85)
        elif figure.kind == "barh":
            data.plot.barh(ax=ax, legend=False)
        else:
            data.plot(ax=ax, drawstyle="steps-post" if figure.name == "agreements_in_force" else "default")
        ax.set_title(figure.title)
        ax.set_xlabel(figure.xlabel)
        ax.set_ylabel(figure.ylabel)
        if figure.kind != "barh":
            ax.legend(fontsize=7, ncol=2, frameon=False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
        plt.close(fig)
    return out.getvalue()


def _page(title: str, body: str, depth: int) -> str:
    up = "../" * depth
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<link rel="stylesheet" href="{up}style.css"></head><body>\n<nav><a href="{up}index.html">DDSC home</a>'
            f'<a href="{up}../docs/codebook.md">Codebook</a></nav>\n{body}\n</body></html>\n')


def _years(table, frame: pd.DataFrame) -> str:
    """The years a table spans: of its year or fiscal_year, else of its start_date or date."""
    for name in ("year", "fiscal_year", "start_date", "date"):
        if name in table.field_names and frame[name].notna().any():
            low, high = frame[name].min(), frame[name].max()
            return f"{getattr(low, 'year', low)}-{getattr(high, 'year', high)}"
    return ""


def _constraints(f, table) -> str:
    c = dict(f.constraints)
    parts = ["required" if c.pop("required", False) or f.name in table.primary_key else "optional"]
    c.pop("enum", None)
    parts += [f"{k} {v}" for k, v in c.items() if v not in (False, None)]
    return "; ".join(parts)


def table_page(name: str, table, frame: pd.DataFrame, model: dict) -> str:
    spec = {s["name"]: s for s in table.schema.get("fields", [])}
    rows = "".join(
        f"<tr><td><code>{html.escape(f.name)}</code></td><td>{html.escape(f.type)}</td><td>{html.escape(_constraints(f, table))}</td>"
        f"<td>{html.escape(', '.join(map(str, f.enum or [])))}</td><td>{html.escape(f.description)}</td>"
        f"<td>{html.escape(str(spec.get(f.name, {}).get('example', '')))}</td></tr>" for f in table.fields)
    to = sorted({fk.resource for fk in table.foreign_keys if fk.resource in model and fk.resource != name})
    came = sorted(n for n, t in model.items() if n != name and any(fk.resource == name for fk in t.foreign_keys))
    link = lambda names: ", ".join(f'<a href="{html.escape(n)}.html">{html.escape(n)}</a>' for n in names) or "none"  # noqa: E731
    years = _years(table, frame)
    body = (f"<h1>{html.escape(name)}</h1>\n<p>{html.escape(table.description)}</p>\n"
            f"<p>Rows: {len(frame):,}. Primary key: <code>{html.escape(', '.join(table.primary_key))}</code>."
            + (f" Years: {years}." if years else "") + f' File: <a href="../../{html.escape(table.path)}">{html.escape(table.path)}</a>.</p>\n'
            f"<p>Links to: {link(to)}. Linked from: {link(came)}.</p>\n"
            '<table><colgroup><col style="width:14%"><col style="width:7%"><col style="width:14%"><col style="width:15%"><col style="width:35%"><col style="width:15%"></colgroup>'
            f"<thead><tr><th>column</th><th>type</th><th>constraints</th><th>levels</th><th>description</th><th>example</th></tr></thead><tbody>{rows}</tbody></table>")
    return _page(f"DDSC: {name}", body, 1)


def home_page(report, files: dict[str, str], citation: str, works: list[str], figures: list[tuple[Figure, str]]) -> str:
    desc = report.descriptor
    tables = "".join(f'<tr><td><a href="tables/{html.escape(n)}.html">{html.escape(n)}</a></td><td>{len(report.tables[n]):,}</td>'
                     f"<td>{html.escape(_years(t, report.tables[n]))}</td><td>{html.escape(t.description)}</td></tr>" for n, t in report.model.items())
    figs = "".join(f'<figure id="{f.name}"><img src="figures/{f.name}.svg" alt="{html.escape(f.title)}" width="900" height="420">'
                   f"<figcaption>{html.escape(f.caption)}</figcaption><details><summary>The query that made it (pandas, after "
                   f"<code>t = ddsc.load()</code>)</summary><pre>{html.escape(f.query)}</pre></details></figure>" for f, _ in figures)
    downloads = "".join(f'<tr><td><a href="../{html.escape(p)}">{html.escape(p)}</a></td><td><code>{digest}</code></td></tr>' for p, digest in sorted(files.items()))
    body = (f"<h1>{html.escape(desc.get('title', 'DDSC'))} {html.escape(str(desc.get('version', '')))}</h1>\n"
            f"<p>{html.escape(desc.get('description', ''))}</p>\n<h2>What each table holds</h2>\n"
            '<table><colgroup><col style="width:20%"><col style="width:9%"><col style="width:9%"><col style="width:62%"></colgroup>'
            f"<thead><tr><th>table</th><th>rows</th><th>years</th><th>what it answers</th></tr></thead><tbody>{tables}</tbody></table>\n"
            f"<h2>Figures</h2>\n{figs}\n<h2>How to cite</h2>\n<p>{html.escape(citation)}</p>\n"
            "<p>Cite also the works the tables you use rest on (<code>ddsc cite --table NAME</code> names them for each table):</p>\n<ul>"
            + "".join(f"<li>{html.escape(w)}</li>" for w in works) + "</ul>\n"
            "<h2>Files and their SHA-256 checksums</h2>\n<p>The whole release is checked by <code>ddsc verify</code> against its "
            "<code>SHA256SUMS</code>.</p>\n<table><colgroup><col style=\"width:40%\"><col style=\"width:60%\"></colgroup>"
            f"<thead><tr><th>file</th><th>SHA-256</th></tr></thead><tbody>{downloads}</tbody></table>")
    return _page(f"DDSC {desc.get('version', '')}", body, 0)


def site_files(report, citation_file: str | None, files: dict[str, str]) -> dict[str, bytes]:
    """Every file of ``site/`` as the release holds it, from the validated ``report``, the text of its
    ``CITATION.cff`` (None when it has none) and ``files``, the release's other files with their checksums.
    The same inputs give the same bytes: ``verify`` compares a release's site with them."""
    from ddsc.release import cite
    from ddsc.package.cff import read_cff

    meta = (read_cff(citation_file)[0] if citation_file is not None else None) or {}
    citation = cite.apa(meta) if meta else ""
    works = [cite.reference_apa(r) for r in meta.get("references") or [] if isinstance(r, dict)]
    out, drawn = {}, []
    for figure in FIGURES:
        try:
            data = figure_data(figure, report.tables)
        except KeyError:  # a package without the tables a figure reads (the minimal fixtures) has no such figure
            continue
        if data.empty:
            continue
        out[f"{SITE}/figures/{figure.name}.svg"] = draw(figure, data)
        drawn.append((figure, f"{SITE}/figures/{figure.name}.svg"))
    for name, table in report.model.items():
        out[f"{SITE}/tables/{name}.html"] = table_page(name, table, report.tables[name], report.model).encode("utf-8")
    out[f"{SITE}/style.css"] = CSS.encode("utf-8")
    out[f"{SITE}/index.html"] = home_page(report, files, citation, works, drawn).encode("utf-8")
    return out
