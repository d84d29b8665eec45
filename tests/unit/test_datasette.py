"""The datasette metadata written with a release: the column that labels a linked row."""

import pandas as pd

from ddsc.release.export import label_column
from ddsc.package.model import Table


def test_a_label_column_is_one_that_tells_every_row_apart():
    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, {"fields": [{"name": "t_id"}, {"name": "name_en"}, {"name": "title"}], "primaryKey": ["t_id"]})
    frame = lambda names, titles: pd.DataFrame({"t_id": ["a", "b"], "name_en": names, "title": titles}, dtype="string")  # noqa: E731
    assert label_column(table, frame(["A", "B"], ["T", "T"])) == "name_en"
    assert label_column(table, frame(["A", "A"], ["T", "U"])) == "title"  # a name given twice cannot label a link
    assert label_column(table, frame(["A", None], ["T", "T"])) is None  # neither tells the rows apart: the key is shown


def test_a_short_label_comes_before_names_and_titles():
    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, {"fields": [{"name": "t_id"}, {"name": "label"}, {"name": "title"}], "primaryKey": ["t_id"]})
    frame = lambda labels: pd.DataFrame({"t_id": ["a", "b"], "label": labels, "title": ["T", "U"]}, dtype="string")  # noqa: E731
    assert label_column(table, frame(["FMTR 2016-2017", "FMTR 2017-2018"])) == "label"
    assert label_column(table, frame(["FMTR 2016-2017", "FMTR 2016-2017"])) == "title"
