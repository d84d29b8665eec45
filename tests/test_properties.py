"""Property-based tests of the validator: generated valid rows pass; any single injected defect is
caught and located at its table, line and column."""

import os
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pytest
from ddsc.validation.validate import validate
from tests.conftest import append_rows
from tests.fixtures.make_fixtures import HERE, assemble

pytestmark = pytest.mark.slow  # full-size: the real package, release or raw files (pytest -m "not slow" leaves it out)

EXAMPLES = int(os.environ.get("DDSC_PROPERTY_EXAMPLES", "20"))  # raise for a longer run
TEXT = st.from_regex(r"[A-Za-z日本防衛][A-Za-z0-9 ,\"'日本防衛()]{0,30}[A-Za-z0-9日本防衛.)]", fullmatch=True)
DAY = st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31))


@st.composite
def events(draw):
    """A list of valid event rows with unique keys and consistent precisions."""
    rows = []
    for index in range(draw(st.integers(min_value=1, max_value=6))):
        day = draw(DAY)
        precision = draw(st.sampled_from(["day", "month", "year"]))
        day = {"day": day, "month": day.replace(day=1), "year": day.replace(month=1, day=1)}[precision]
        rows.append(dict(
            event_id=f"ev_{day:%Y%m%d}_gen{index}", date=day.isoformat(), date_precision=precision,
            title_en=draw(TEXT), event_type=draw(st.sampled_from(["summit", "enactment", "pledge"])),
            statute_id=draw(st.sampled_from(["", "us_aeca", "us_isaeca_1976"])), description_en=draw(st.one_of(st.just(""), TEXT)),
        ))
    return rows


DEFECTS = {
    "date": ("date", "2016-02-30"),
    "date_precision": ("date_precision", "week"),
    "event_type": ("event_type", "party"),
    "event_id": ("event_id", "EV bad"),
    "title_en": ("title_en", ""),
    "statute_id": ("statute_id", "us_nowhere"),
    "future": ("date", "2999-01-01"),
    "formula": ("description_en", "@SUM(A1)"),
}


def _package(tmp: str, rows: list[dict]) -> Path:
    root = assemble(HERE / "minimal", Path(tmp) / "pkg")
    append_rows(root, "events", rows)
    append_rows(root, "record_citations", [dict(table_name="events", record_id=r["event_id"], citation_id="watanabe_us_chapter", locator="sec. 1") for r in rows])
    return root


@settings(max_examples=EXAMPLES // 2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_generated_valid_rows_pass(rows):
    with tempfile.TemporaryDirectory() as tmp:
        assert [str(p) for p in validate(_package(tmp, rows))] == []


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events(), st.sampled_from(sorted(DEFECTS)), st.data())
def test_any_single_defect_is_caught_and_located(rows, defect, data):
    target = data.draw(st.integers(min_value=0, max_value=len(rows) - 1))
    column, value = DEFECTS[defect]
    broken = [dict(r) for r in rows]
    broken[target][column] = value
    with tempfile.TemporaryDirectory() as tmp:
        root = _package(tmp, rows[:0])
        first_line = append_rows(root, "events", broken)
        cited = [r["event_id"] for r in rows]
        append_rows(root, "record_citations", [dict(table_name="events", record_id=i, citation_id="watanabe_us_chapter", locator="sec. 1") for i in cited])
        problems = validate(root)
    assert problems, (defect, broken[target])
    assert any(p.table == "events" and p.line == first_line + target and p.column == column for p in problems), [str(p) for p in problems]
