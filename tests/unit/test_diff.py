"""diff keys rows on the whole primary key and shows old and new values."""

import pandas as pd

from ddsc.diff import render, table_diff

KEY = ["program_id", "country_id", "role"]


def _frame(rows):
    return pd.DataFrame(rows, columns=KEY + ["notes"])


def test_a_change_in_a_row_of_a_composite_key_is_found_with_old_and_new_values():
    old = _frame([["us_fms", "JPN", "recipient", "a"], ["us_fms", "AUS", "recipient", "b"]])
    new = _frame([["us_fms", "JPN", "recipient", "a"], ["us_fms", "AUS", "recipient", "c"], ["us_fms", "AUS", "partner", ""]])
    result = table_diff(old, new, KEY)
    assert result["changed"] == {("us_fms", "AUS", "recipient"): [("notes", "b", "c")]}
    assert result["added"] == [("us_fms", "AUS", "partner")] and result["removed"] == []
    text = render({"program_countries": result})
    assert "  ~ us_fms, AUS, recipient" in text and "      notes: 'b' -> 'c'" in text
