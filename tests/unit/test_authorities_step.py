"""The authorities step on small frames: each program's authority with the act it belongs to, found up
parent_statute_id (the nearest act), or, where no act is reached, the Public Law and date of the nearest act
section that states them (the Statutes at Large page and title, the act's, left empty)."""

import pandas as pd

from ddsc.pipeline.derived import authorities

COLUMNS = ["statute_id", "parent_statute_id", "instrument_type", "title_en", "public_law", "statutes_at_large", "enacted_date", "enacted_date_precision", "code_citation"]
STATUTES = [
    ("ndaa", None, "act", "NDAA FY2017", "114-328", "130 Stat. 2000", "2016-12-23", "day", None),
    ("ndaa_1241", "ndaa", "act_section", "Sec. 1241", "114-328", None, "2016-12-23", "day", None),
    ("usc_333", "ndaa_1241", "code_section", "10 U.S.C. 333", None, None, None, None, "10 U.S.C. 333"),
    ("faa", None, "act", "FAA", "87-195", "75 Stat. 424", "1961-09-04", "day", None),
    ("faa_505", "faa", "act_section", "Sec. 505", "99-83", None, "1985-08-08", "day", None),  # amended later: the act still wins
    ("lost_sec", None, "act_section", "Sec. 7", None, None, None, None, None),
    ("lost_sub", "lost_sec", "act_section", "Sec. 7(a)", None, None, None, None, None),
    ("found_sec", None, "act_section", "Sec. 8", "101-1", None, "1989-01-01", "year", None),
    ("found_code", "found_sec", "code_section", "22 U.S.C. 9", None, None, None, None, "22 U.S.C. 9"),
    ("mid_sec", "found_sec", "act_section", "Sec. 8(b)", None, None, None, None, None),
    ("treaty", None, "agreement", "A treaty", None, None, None, None, None),
    ("omnibus", None, "act", "Appropriations Act, 2015", "113-235", "128 Stat. 2130", "2014-12-16", "day", None),
    ("division", "omnibus", "act", "Division C: Defense Appropriations Act, 2015", None, None, "2014-12-16", "day", None),
    ("division_sec", "division", "act_section", "Sec. 9012", "113-235", None, "2014-12-16", "day", None),
    ("loop_a", "loop_b", "code_section", "A", None, None, None, None, None),
    ("loop_b", "loop_a", "code_section", "B", None, None, None, None, None),
]


def _run(links: list[tuple[str, str]]) -> pd.DataFrame:
    statutes = pd.DataFrame(STATUTES, columns=COLUMNS).astype("string")
    statutes["enacted_date"] = pd.to_datetime(statutes["enacted_date"])
    program_statutes = pd.DataFrame([(p, s, "authorizes", "c", f"loc {i}") for i, (p, s) in enumerate(links)],
                                    columns=["program_id", "statute_id", "relation", "citation_id", "locator"]).astype("string")
    out = authorities.run({"statutes": statutes, "program_statutes": program_statutes})["program_authorities"]
    return out.set_index("statute_id")


def _row(frame, sid, columns):
    return [None if pd.isna(v) else v for v in frame.loc[sid, columns]]


ACT = ["act_statute_id", "act_from", "act_title_en", "act_public_law", "act_statutes_at_large", "act_enacted_date", "act_enacted_date_precision", "hierarchy"]


def test_an_authority_takes_the_nearest_act_up_its_hierarchy():
    out = _run([("p", "usc_333"), ("p", "ndaa"), ("q", "faa_505")])
    assert _row(out, "usc_333", ACT) == ["ndaa", "act", "NDAA FY2017", "114-328", "130 Stat. 2000", pd.Timestamp("2016-12-23"), "day", "usc_333 > ndaa_1241 > ndaa"]
    assert _row(out, "ndaa", ACT)[:2] == ["ndaa", "act"] and out.loc["ndaa", "hierarchy"] == "ndaa"
    assert _row(out, "faa_505", ACT)[:6] == ["faa", "act", "FAA", "87-195", "75 Stat. 424", pd.Timestamp("1961-09-04")]


def test_an_act_within_an_act_is_the_nearest_act_even_without_its_own_public_law():
    out = _run([("p", "division_sec")])
    assert _row(out, "division_sec", ACT) == ["division", "act", "Division C: Defense Appropriations Act, 2015", None, None, pd.Timestamp("2014-12-16"), "day",
                                              "division_sec > division > omnibus"]


def test_without_an_act_the_nearest_section_stating_a_public_law_gives_its_law_and_date_only():
    out = _run([("p", "found_code"), ("p", "mid_sec")])
    for sid in ("found_code", "mid_sec"):
        assert _row(out, sid, ACT)[:7] == [None, "act_section", None, "101-1", None, pd.Timestamp("1989-01-01"), "year"]
    assert out.loc["mid_sec", "hierarchy"] == "mid_sec > found_sec"


def test_an_authority_reaching_neither_an_act_nor_a_section_with_a_public_law_has_none():
    out = _run([("p", "lost_sub"), ("p", "treaty"), ("p", "loop_a")])
    for sid in ("lost_sub", "treaty", "loop_a"):
        assert _row(out, sid, ACT)[:7] == [None] * 7
    assert out.loc["loop_a", "hierarchy"] == "loop_a > loop_b"  # a loop (refused by validation) still ends


def test_each_link_keeps_its_own_columns_citation_and_locator():
    out = _run([("p", "usc_333"), ("q", "treaty")]).reset_index()
    columns = ["program_id", "statute_id", "relation", "statute_title_en", "code_citation", "citation_id", "locator"]
    assert [_row(out, i, columns) for i in out.index] == [
        ["p", "usc_333", "authorizes", "10 U.S.C. 333", "10 U.S.C. 333", "c", "loc 0"], ["q", "treaty", "authorizes", "A treaty", None, "c", "loc 1"]]
    assert str(out["act_enacted_date"].dtype).startswith("datetime64")
    assert str(_run([("q", "treaty")])["act_enacted_date"].dtype).startswith("datetime64")  # a date column with no date in it
