"""The canned queries the datasette metadata offers: each one only where the release holds its table and the
statutes, each listed as a link on the home page, and a Stata file's note for a table without a description."""

from types import SimpleNamespace

import pandas as pd

from ddsc.package.model import Table
from ddsc.release.export import datasette_metadata, write_stata_table
from tests.unit.test_export_edges import _characteristics


def _table(name: str, **resource) -> Table:
    return Table.from_resource({"name": name, "path": f"tables/{name}.csv", **resource}, {"fields": [{"name": f"{name}_id"}], "primaryKey": [f"{name}_id"]})


def _metadata(*names: str) -> dict:
    model = {name: _table(name) for name in names}
    tables = {name: t.typed(pd.DataFrame({f"{name}_id": ["a"]}, dtype="string")) for name, t in model.items()}
    return datasette_metadata(SimpleNamespace(model=model, tables=tables, descriptor={}))


def test_a_canned_query_is_offered_where_its_table_and_the_statutes_are_released_and_linked_from_the_home_page():
    meta = _metadata("statutes", "projects")
    assert list(meta["databases"]["ddsc"]["queries"]) == ["agreements_in_force", "osa_by_recipient_and_year"]
    assert meta["description_html"] == (
        "<p></p><p>First questions (canned queries):</p><ul>"
        '<li><a href="/ddsc/agreements_in_force">Japan&#x27;s agreements in force at the end of a year</a></li>'
        '<li><a href="/ddsc/osa_by_recipient_and_year">Official Security Assistance by recipient and fiscal year</a></li></ul>'
        '<p>What every column means: the <a href="/ddsc/_columns">_columns</a> table; every table: <a href="/ddsc/_tables">_tables</a>.</p>')


def test_without_the_statutes_no_canned_query_is_offered_and_the_home_page_lists_none():
    meta = _metadata("projects", "record_citations")
    assert meta["databases"]["ddsc"]["queries"] == {} and "canned" not in meta["description_html"]


def test_a_table_without_a_description_is_noted_in_stata_by_its_title_else_its_name(tmp_path):
    for resource, note in (({"title": "Places"}, "Places"), ({}, "places")):
        table = _table("places", **resource)
        write_stata_table(table.typed(pd.DataFrame({"places_id": ["a"]}, dtype="string")), table, tmp_path / "places.dta")
        assert _characteristics((tmp_path / "places.dta").read_bytes())[:2] == [("_dta", "note0", "1"), ("_dta", "note1", note)]
