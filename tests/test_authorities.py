"""The derived table program_authorities: every row recomputed here, independently of the step, from the
CSV tables (a walk up parent_statute_id to the first act); a hand-edited cell fails the build."""

import csv
import io

import pytest

from ddsc.pipeline.repository import check_repository
from tests.conftest import ROOT, read_rows


def _act_of(statute_id: str, statutes: dict) -> str:
    seen = []
    while statute_id and statute_id not in seen:
        if statutes[statute_id]["instrument_type"] == "act":
            return statute_id
        seen.append(statute_id)
        statute_id = statutes[statute_id]["parent_statute_id"]
    return ""


def _section_with_public_law(statute_id: str, statutes: dict) -> str:
    seen = []
    while statute_id and statute_id not in seen:
        if statutes[statute_id]["instrument_type"] == "act_section" and statutes[statute_id]["public_law"]:
            return statute_id
        seen.append(statute_id)
        statute_id = statutes[statute_id]["parent_statute_id"]
    return ""


def test_every_authority_names_the_act_its_section_belongs_to():
    statutes = {s["statute_id"]: s for s in read_rows(ROOT, "statutes")}
    links = {(r["program_id"], r["statute_id"], r["relation"]): r for r in read_rows(ROOT, "program_statutes")}
    rows = read_rows(ROOT, "program_authorities")
    assert {(r["program_id"], r["statute_id"], r["relation"]) for r in rows} == set(links)
    for row in rows:
        act = _act_of(row["statute_id"], statutes)
        section = "" if act else _section_with_public_law(row["statute_id"], statutes)
        assert row["act_statute_id"] == act, row
        assert row["act_from"] == ("act" if act else "act_section" if section else ""), row
        source = statutes[act or section] if act or section else None
        assert row["act_public_law"] == (source["public_law"] if source else ""), row
        assert row["act_statutes_at_large"] == (statutes[act]["statutes_at_large"] if act else ""), row
        assert row["act_enacted_date"] == (source["enacted_date"] if source else ""), row
        link = links[(row["program_id"], row["statute_id"], row["relation"])]
        assert (row["citation_id"], row["locator"]) == (link["citation_id"], link["locator"])


def test_section_333_resolves_to_the_fy2017_ndaa():
    rows = {(r["program_id"], r["statute_id"]): r for r in read_rows(ROOT, "program_authorities")}
    row = rows[("us_section_333", "us_10usc333")]
    assert (row["act_statute_id"], row["act_public_law"]) == ("us_ndaa_fy2017", "114-328")


@pytest.mark.slow  # a build
def test_a_hand_edited_derived_cell_fails_the_build_at_its_line(package):
    path = package / "tables" / "program_authorities.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    header = rows[0]
    rows[1][header.index("locator")] = rows[1][header.index("locator")] + " (edited)"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    found = {(p.table, p.line, p.kind) for p in check_repository(package).problems}
    assert ("program_authorities", 2, "stale-derived") in found, found
