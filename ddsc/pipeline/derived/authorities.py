"""Derived step ``authorities``: each program's authorities with the act each belongs to, resolved through
the section-to-act hierarchy (``statutes.parent_statute_id``), so that "the Public Law that created a
program" is one read of one table instead of joins and a walk up the hierarchy.

Where the hierarchy reaches no act row but an act section of it holds its own Public Law and enactment
date (the act itself has no row), the act's Public Law and date are the section's (``act_from``
``act_section``); the Statutes at Large page and title, which would be the act's, stay empty."""

from __future__ import annotations

import pandas as pd

from ddsc.pipeline.step import DERIVED, Step

ACT, SECTION = "act", "act_section"
ACT_FIELDS = ("title_en", "public_law", "statutes_at_large", "enacted_date", "enacted_date_precision")


def _chain(statute_id: str, parent: dict) -> list[str]:
    """The statute, its parent, the parent's parent ... (a cycle is refused by validation before this runs)."""
    chain = [statute_id]
    while isinstance(parent.get(chain[-1]), str) and parent[chain[-1]] not in chain:
        chain.append(parent[chain[-1]])
    return chain


def run(tables: dict) -> dict[str, pd.DataFrame]:
    statutes = tables["statutes"].set_index("statute_id")
    links = tables["program_statutes"]
    parent = {k: (v if pd.notna(v) else None) for k, v in statutes["parent_statute_id"].items()}
    kind = statutes["instrument_type"].astype("string")
    rows = []
    for link in links.itertuples(index=False):
        chain = _chain(link.statute_id, parent)
        act = next((s for s in chain if kind.get(s) == ACT), None)
        section = None if act else next((s for s in chain if kind.get(s) == SECTION and pd.notna(statutes.at[s, "public_law"])), None)
        own = statutes.loc[link.statute_id]
        row = {
            "program_id": link.program_id, "statute_id": link.statute_id, "relation": link.relation,
            "statute_title_en": own["title_en"], "code_citation": own["code_citation"], "statute_statutes_at_large": own["statutes_at_large"],
            "act_statute_id": act, "act_from": ACT if act else (SECTION if section else pd.NA), "hierarchy": " > ".join(chain),
        }
        for column in ACT_FIELDS:
            if act:
                row[f"act_{column}"] = statutes.at[act, column]
            elif section and column in ("public_law", "enacted_date", "enacted_date_precision"):
                row[f"act_{column}"] = statutes.at[section, column]
            else:
                row[f"act_{column}"] = pd.NA
        row.update({"citation_id": link.citation_id, "locator": link.locator})
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame["act_enacted_date"] = pd.to_datetime(frame["act_enacted_date"])
    return {"program_authorities": frame}


STEP = Step("authorities", DERIVED, ("program_authorities",), run,
            description="each program's authorities with the act each belongs to (Public Law, Statutes at Large, enactment)")
