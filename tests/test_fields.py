"""The shortcuts that make field checks fast give the same answers as checking every cell."""

import pandas as pd
import pyarrow
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddsc.fields import SAMPLE, _dates, absent, by_value, distinct, repeated_values


def _arrow_series(chunks: list[list]) -> pd.Series:
    return pd.Series(pd.arrays.ArrowExtensionArray(pyarrow.chunked_array([pyarrow.array(c, pyarrow.string()) for c in chunks])))


def test_dates_parsed_once_per_distinct_value_across_chunks():
    series = _arrow_series([["2001-01-01", "2016-02-29", None], ["2016-02-29", "2015-02-29", "2016-2-3", "2001-01-01"]])
    expected = [pd.Timestamp("2001-01-01"), pd.Timestamp("2016-02-29"), pd.NaT, pd.Timestamp("2016-02-29"), pd.NaT, pd.NaT, pd.Timestamp("2001-01-01")]
    assert _dates(series).tolist() == expected


VALUES = st.sampled_from(["ok", "fine", " padded", "=formula", None])


@settings(max_examples=30, deadline=None)
@given(st.lists(VALUES, min_size=1, max_size=40), st.integers(0, 2 * SAMPLE))
def test_by_value_fails_exactly_the_cells_that_fail_one_by_one(head, position):
    """A long repetitive column is checked per distinct value; a failing value then fails exactly its cells."""
    cells = (head * (2 * SAMPLE // len(head) + 1))[: 2 * SAMPLE]
    cells[position % len(cells)] = " padded"
    series = _arrow_series([cells])
    test = lambda s: s == s.str.strip()  # noqa: E731
    cellwise = test(series).fillna(True).astype(bool)
    assert by_value(test, repeated_values(series))(series).fillna(True).astype(bool).tolist() == cellwise.tolist()
    assert not cellwise.all()


def test_by_value_passes_a_long_clean_column_without_checking_each_cell():
    series = _arrow_series([["ok", "fine", None] * SAMPLE])
    calls = []

    def test(s):
        calls.append(len(s))
        return s == s.str.strip()

    assert by_value(test, repeated_values(series))(series).all()
    assert calls == [2]  # only the two distinct values were checked


def test_columns_that_do_not_repeat_are_checked_cell_by_cell():
    assert repeated_values(_arrow_series([[f"id{i}" for i in range(2 * SAMPLE)]])) is None
    assert repeated_values(_arrow_series([["ok"] * SAMPLE])) is None  # short enough to check every cell


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("a", "1"), ("a", "2"), ("b", "1")], True),
        ([("a", "1"), ("b", "1"), ("a", "1")], False),
        ([("a", None), ("a", None)], False),
    ],
)
def test_distinct_rows(rows, expected):
    frame = pd.DataFrame(rows, columns=["x", "y"], dtype=pd.ArrowDtype(pyarrow.string()))
    assert distinct(frame, ["x", "y"]) is expected


def test_absent_gives_the_rows_of_values_not_in_the_key_in_row_order():
    values = _arrow_series([["b", None, "z", "a"], ["y", "b"]])
    assert absent(values, ["a", "b", None]) == [2, 4]
