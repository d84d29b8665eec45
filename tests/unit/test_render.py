"""Numbers are written as Python's shortest round-trip form without a trailing .0, every value on its own
(negative zero included), missing cells empty."""

import pandas as pd

from ddsc.package.render import cell_text


def test_numbers_are_written_in_their_shortest_round_trip_form():
    values = pd.Series([0.0, -0.0, 1500.0, 0.5, 1e20, 1e-7, 0.1 + 0.2, None, 2.5, 2.5, -3.0, 12345678901234567890.0], dtype="Float64")
    assert list(cell_text(values, "number").fillna("")) == [
        "0", "-0", "1500", "0.5", "1e+20", "1e-07", "0.30000000000000004", "", "2.5", "2.5", "-3", "1.2345678901234567e+19"]


def test_a_filtered_frame_keeps_its_index_and_its_missing_cells():
    values = pd.Series([None, 7.25, -0.0], index=[10, 3, 5], dtype="Float64")
    out = cell_text(values, "number")
    assert list(out.index) == [10, 3, 5] and out.isna().tolist() == [True, False, False] and list(out.dropna()) == ["7.25", "-0"]


from hypothesis import given, settings
from hypothesis import strategies as st

from ddsc.package.model import Table
from ddsc.package.render import to_csv

CELL = st.one_of(st.none(), st.text(alphabet=st.sampled_from(list(',"\r\n \t\'ab;日本\u00a0\u2028|')), max_size=6))


def _table(columns: int) -> Table:
    return Table.from_resource({"name": "t", "path": "tables/t.csv"}, {"fields": [{"name": f"c{i}", "type": "string"} for i in range(columns)]})


def _csv_module(rows: list[list], columns: int) -> bytes:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"c{i}" for i in range(columns)])
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue().encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=3).flatmap(lambda n: st.tuples(st.just(n), st.lists(st.lists(CELL, min_size=n, max_size=n), max_size=5))))
def test_the_csv_writer_quotes_exactly_as_pythons_csv_module(case):
    """to_csv writes in Arrow; every cell must come out as csv.writer writes it (commas, quotes, line breaks,
    empty cells, a lone empty cell on its row)."""
    columns, rows = case
    frame = pd.DataFrame(rows, columns=[f"c{i}" for i in range(columns)], dtype="string")
    assert to_csv(frame, _table(columns)) == _csv_module(rows, columns)


def test_rows_are_written_in_primary_key_order_numbers_as_numbers():
    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, {"fields": [{"name": "k", "type": "integer"}, {"name": "s", "type": "string"}], "primaryKey": ["k", "s"]})
    frame = pd.DataFrame({"k": pd.array([10, 9, 10, 2], dtype="Int64"), "s": pd.array(["b", "z", "a", "c"], dtype="string")})
    assert to_csv(frame, table).decode("utf-8").split("\n") == ["k,s", "2,c", "9,z", "10,a", "10,b", ""]
