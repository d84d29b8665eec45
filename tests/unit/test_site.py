"""The documentation site: each figure's data recounted by hand on tiny tables (counted rows only, the
31 December boundary of an agreement in force), a changed table changes the figure while equal tables give
equal bytes, and every page links only to files the release holds."""

import re

import pandas as pd

from ddsc.release.site import FIGURES, draw, figure_data, table_page
from ddsc.package.model import Table

FIG = {f.name: f for f in FIGURES}


def _trainings(rows):
    return pd.DataFrame(rows, columns=["training_id", "fiscal_year", "counted", "region", "students", "cost_usd", "country_id"])


def test_training_events_per_year_and_region_count_only_the_counted_rows():
    t = {"trainings": _trainings([("a", 2001, True, "Europe", 3, 10.0, "FRA"), ("b", 2001, True, "Europe", 1, 5.0, "FRA"),
                                  ("c", 2001, False, "Europe", 9, 9.0, "FRA"), ("d", 2002, True, "Africa", 2, 1.0, "AGO")])}
    data = figure_data(FIG["trainings_by_region"], t)
    assert data.loc[2001, "Europe"] == 2 and data.loc[2002, "Africa"] == 1 and data.loc[2001, "Africa"] == 0
    sums = figure_data(FIG["students_and_cost"], t)
    assert sums.loc[2001, "students_thousands"] == 4 / 1e3 and sums.loc[2001, "cost_usd_million"] == 15 / 1e6


def test_top_recipients_are_named_and_ordered_by_counted_events():
    t = {"trainings": _trainings([(str(i), 2001, True, "x", 1, 1.0, c) for i, c in enumerate(["COL"] * 3 + ["EGY"] * 2 + ["JOR"])] + [("z", 2001, False, "x", 1, 1.0, "JOR")] * 5),
         "countries": pd.DataFrame({"country_id": ["COL", "EGY", "JOR"], "name_en": ["Colombia", "Egypt", "Jordan"]})}
    data = figure_data(FIG["top_recipients"], t)
    assert list(data.index) == ["Jordan", "Egypt", "Colombia"] and list(data.iloc[:, 0]) == [1, 2, 3]


def test_an_agreement_is_in_force_at_the_end_of_a_year_from_its_entry_into_force_until_its_end():
    d = lambda v: pd.Timestamp(v) if v else pd.NaT  # noqa: E731
    statutes = pd.DataFrame({"agreement_family": ["raa", "raa", "raa"], "in_force_date": [d("2020-12-31"), d("2021-01-01"), d("2019-06-01")],
                             "end_date": [pd.NaT, pd.NaT, d("2020-12-31")]})
    data = figure_data(FIG["agreements_in_force"], {"statutes": statutes})
    assert data.loc[2019, "raa"] == 1  # the third, in force from June 2019
    assert data.loc[2020, "raa"] == 1  # the first enters on 31 December; the third ends that day
    assert data.loc[2021, "raa"] == 2


def test_a_changed_table_changes_the_figure_and_equal_tables_give_equal_bytes():
    figure = FIG["osa_by_recipient"]
    projects = pd.DataFrame({"program_id": ["jp_osa", "jp_osa", "other"], "fiscal_year": [2023, 2024, 2023], "recipient_country_id": ["PHL", "FJI", "PHL"],
                             "amount": [6e8, 4e8, 1e9]})
    data = figure_data(figure, {"projects": projects})
    assert data.loc[2023, "PHL"] == 6 and data.loc[2024, "FJI"] == 4  # in 100 million yen; other programs left out
    first = draw(figure, data)
    assert first == draw(figure, figure_data(figure, {"projects": projects.copy()}))
    assert b"<svg" in first and b"Date" not in first
    changed = projects.assign(amount=[6e8, 5e8, 1e9])
    assert draw(figure, figure_data(figure, {"projects": changed})) != first


def test_a_table_page_documents_every_column_and_links_to_and_from():
    child = Table.from_resource({"name": "child", "path": "tables/child.csv", "description": "Children."},
                                {"fields": [{"name": "child_id", "description": "Key"}, {"name": "kind", "constraints": {"enum": ["a", "b"]}},
                                            {"name": "parent_id"}], "primaryKey": ["child_id"],
                                 "foreignKeys": [{"fields": "parent_id", "reference": {"resource": "parent", "fields": "parent_id"}}]})
    parent = Table.from_resource({"name": "parent", "path": "tables/parent.csv"}, {"fields": [{"name": "parent_id"}], "primaryKey": ["parent_id"]})
    model = {"child": child, "parent": parent}
    page = table_page("child", child, pd.DataFrame({"child_id": ["x"], "kind": ["a"], "parent_id": ["p"]}), model)
    assert all(f"<code>{c}</code>" in page for c in ("child_id", "kind", "parent_id")) and "a, b" in page
    assert 'Links to: <a href="parent.html">parent</a>' in page and "Linked from: none" in page
    back = table_page("parent", parent, pd.DataFrame({"parent_id": ["p"]}), model)
    assert 'Linked from: <a href="child.html">child</a>' in back
    assert re.search(r'href="\.\./\.\./tables/child\.csv"', page)


def test_a_table_that_references_itself_is_linked_neither_to_nor_from_itself():
    program = Table.from_resource({"name": "programs", "path": "tables/programs.csv"},
                                  {"fields": [{"name": "program_id"}, {"name": "parent_id"}], "primaryKey": ["program_id"],
                                   "foreignKeys": [{"fields": "parent_id", "reference": {"resource": "programs", "fields": "program_id"}}]})
    page = table_page("programs", program, pd.DataFrame({"program_id": ["a"], "parent_id": [None]}), {"programs": program})
    assert "Links to: none. Linked from: none." in page


def test_a_year_column_empty_in_every_row_gives_way_to_the_start_date():
    from ddsc.release.site import _years

    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, {"fields": [{"name": "t_id"}, {"name": "year", "type": "integer"}, {"name": "start_date", "type": "date"}],
                                                                        "primaryKey": ["t_id"]})
    frame = pd.DataFrame({"t_id": ["a", "b"], "year": pd.array([None, None], dtype="Int64"), "start_date": pd.to_datetime(["2001-05-01", "2004-02-02"])})
    assert _years(table, frame) == "2001-2004"
    assert _years(table, frame.assign(year=pd.array([1999, 2002], dtype="Int64"))) == "1999-2002"
    assert _years(table, frame.assign(start_date=pd.NaT, year=pd.array([None, None], dtype="Int64"))) == ""
