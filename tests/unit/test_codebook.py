"""The codebook's statement of the years each panel column covers."""

import pandas as pd

from ddsc.release.codebook import _spans, coverage
from ddsc.package.model import Table


def test_years_are_written_as_ranges_split_at_every_gap_of_one_year():
    assert _spans([1999, 2000, 2001, 2003]) == "1999–2001, 2003"
    assert _spans([2005, 2007]) == "2005, 2007" and _spans([2005, 2006]) == "2005–2006" and _spans([]) == "none"


def test_coverage_is_read_only_for_tables_keyed_by_year_and_ignores_empty_cells():
    panel = Table.from_resource({"name": "p", "path": "tables/p.csv"}, {"fields": [{"name": "code", "type": "integer"}, {"name": "year", "type": "integer"}, {"name": "n", "type": "integer"}], "primaryKey": ["code", "year"]})
    other = Table.from_resource({"name": "c", "path": "tables/c.csv"}, {"fields": [{"name": "c_id"}, {"name": "year", "type": "integer"}], "primaryKey": ["c_id"]})
    frame = pd.DataFrame({"code": [2, 2, 2], "year": [2000, 2001, 2002], "n": pd.array([None, 1, 0], dtype="Int64")})
    found = coverage({"p": panel, "c": other}, {"p": frame, "c": pd.DataFrame({"c_id": ["a"], "year": [2000]})})
    assert found == {"p": {"code": "2000–2002", "n": "2001–2002"}}
