"""A date after today is a ``future-date`` problem, at its cell: today itself is not, tomorrow is."""

from datetime import date, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ddsc.package.model import Field, Table
from ddsc.validation.rules import date_problems

TODAY = date(2026, 3, 15)
MODEL = {"events": Table("events", "tables/events.csv", (Field("event_id"), Field("date", "date")), ("event_id",), ())}


def _future(days: list[date], today: date | None = TODAY) -> list:
    frame = pd.DataFrame({"event_id": pd.array([f"e{i}" for i in range(len(days))], dtype="string"), "date": pd.to_datetime(pd.Series(days))})
    return [(p.table, p.line, p.column, p.kind) for p in date_problems({"events": frame}, MODEL, today) if p.kind == "future-date"]


def test_today_is_not_in_the_future_and_tomorrow_is():
    assert _future([TODAY - timedelta(days=1), TODAY, TODAY + timedelta(days=1), None]) == [("events", 4, "date", "future-date")]


def test_the_first_day_of_next_year_is_in_the_future_on_new_years_eve():
    assert _future([date(2026, 12, 31), date(2027, 1, 1)], today=date(2026, 12, 31)) == [("events", 3, "date", "future-date")]


def test_without_a_day_given_today_is_the_days_date():
    assert _future([date.today() - timedelta(days=1), date.today() + timedelta(days=2)], today=None) == [("events", 3, "date", "future-date")]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(min_value=-400, max_value=400), min_size=1, max_size=20))
def test_a_date_is_in_the_future_exactly_when_it_lies_after_today(offsets):
    found = _future([TODAY + timedelta(days=n) for n in offsets])
    assert [line for _, line, _, _ in found] == [i + 2 for i, n in enumerate(offsets) if n > 0]


def test_a_future_date_is_named_in_its_problem():
    frame = pd.DataFrame({"event_id": pd.array(["e0"], dtype="string"), "date": pd.to_datetime(pd.Series([TODAY + timedelta(days=1)]))})
    assert [p.message for p in date_problems({"events": frame}, MODEL, TODAY)] == ["date 2026-03-16 is in the future"]
