"""The content rules of ddsc/validation/rules.py on small typed frames: an agreement left only signed for more than a
year without saying what was searched, and a program authority in US law without its act's Public Law and
date or a note saying why. Each is tested at its boundaries, apart from today's tables."""

import pandas as pd
import pytest

from ddsc.validation.rules import NO_ENTRY_INTO_FORCE, NOT_CONFIRMED, authority_problems, signed_problems


def _statutes(rows):
    columns = ["statute_id", "agreement_family", "status", "signed_date", "in_force_date", "end_date", "enacted_date", "notes", "instrument_type"]
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)
    for c in ("signed_date", "in_force_date", "end_date", "enacted_date"):
        frame[c] = pd.to_datetime(frame[c])
    for c in ("statute_id", "agreement_family", "status", "notes", "instrument_type"):
        frame[c] = frame[c].astype("string")
    return frame


def _agreement(sid, signed, **more):
    return {**dict(statute_id=sid, agreement_family="information_security", status="signed", signed_date=signed), **more}


def _found(rows, rule=signed_problems, **tables):
    frames = {"statutes": _statutes(rows), **tables}
    return [(p.table, p.line, p.column, p.kind) for p in rule(frames, {})]


def test_an_agreement_signed_a_year_ago_to_the_day_passes_and_a_day_more_is_located():
    rows = [_agreement("newest", "2025-12-31"), _agreement("a_year", "2024-12-31"), _agreement("a_year_and_a_day", "2024-12-30")]
    assert _found(rows) == [("statutes", 4, "status", "entry-into-force")]


@pytest.mark.parametrize("change", [dict(notes=f"{NO_ENTRY_INTO_FORCE}: searched MOFA."), dict(in_force_date="2021-01-01"),
                                    dict(status="in_force_date_unknown"), dict(agreement_family=None)])
def test_an_old_signature_passes_with_a_note_an_entry_into_force_another_status_or_no_family(change):
    rows = [_agreement("newest", "2025-12-31"), _agreement("old", "2020-01-01", **change)]
    assert _found(rows) == []


def test_the_newest_date_of_any_kind_sets_the_clock():
    rows = [_agreement("old", "2020-01-01", notes="searched nothing"), dict(statute_id="act", instrument_type="act", enacted_date="2021-01-02")]
    assert _found(rows) == [("statutes", 2, "status", "entry-into-force")]
    rows[1]["enacted_date"] = "2020-12-31"
    assert _found(rows) == []


def _authorities(rows):
    frame = pd.DataFrame(rows, columns=["program_id", "statute_id", "act_public_law", "act_enacted_date"])
    frame["act_enacted_date"] = pd.to_datetime(frame["act_enacted_date"])
    return frame.astype({"program_id": "string", "statute_id": "string", "act_public_law": "string"})


@pytest.mark.parametrize(("kind", "public_law", "enacted", "notes", "located"), [
    ("code_section", "114-328", "2016-12-23", "", False),
    ("code_section", None, "2016-12-23", "", True),
    ("act_section", "114-328", None, "", True),
    ("code_section", None, None, f"The enacting law was {NOT_CONFIRMED}.", False),
    ("act", None, None, "The enacting law was searched.", True),
    ("agreement", None, None, "", False),
])
def test_a_us_law_authority_needs_its_acts_public_law_and_date_or_a_note(kind, public_law, enacted, notes, located):
    statutes = [dict(statute_id="s", instrument_type=kind, notes=notes or None)]
    authorities = _authorities([("p", "s", public_law, enacted)])
    found = _found(statutes, authority_problems, program_authorities=authorities)
    assert found == ([("program_authorities", 2, "act_public_law", "act-unknown")] if located else [])
