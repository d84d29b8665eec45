"""Numbers are written as Python's shortest round-trip form without a trailing .0, every value on its own
(negative zero included), missing cells empty."""

import pandas as pd

from ddsc.render import cell_text


def test_numbers_are_written_in_their_shortest_round_trip_form():
    values = pd.Series([0.0, -0.0, 1500.0, 0.5, 1e20, 1e-7, 0.1 + 0.2, None, 2.5, 2.5, -3.0, 12345678901234567890.0], dtype="Float64")
    assert list(cell_text(values, "number").fillna("")) == [
        "0", "-0", "1500", "0.5", "1e+20", "1e-07", "0.30000000000000004", "", "2.5", "2.5", "-3", "1.2345678901234567e+19"]


def test_a_filtered_frame_keeps_its_index_and_its_missing_cells():
    values = pd.Series([None, 7.25, -0.0], index=[10, 3, 5], dtype="Float64")
    out = cell_text(values, "number")
    assert list(out.index) == [10, 3, 5] and out.isna().tolist() == [True, False, False] and list(out.dropna()) == ["7.25", "-0"]
