"""The real package: valid under our validator and frictionless, complete, and releasable."""

import json

import pycountry
import pytest
from frictionless import validate as frictionless_validate

from ddsc.validation.validate import validate
from tests.conftest import ROOT, read_rows

FLOORS = {"programs": 30, "statutes": 20, "agencies": 30, "events": 40, "citations": 15}


@pytest.mark.slow  # the real package
def test_package_is_valid():
    assert [str(p) for p in validate(ROOT)] == []


@pytest.mark.clients
def test_frictionless_reports_the_package_valid():
    report = frictionless_validate(str(ROOT / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "message"])


@pytest.mark.parametrize("table,floor", FLOORS.items())
def test_row_floors(table, floor):
    assert len(read_rows(ROOT, table)) >= floor


def test_every_current_iso_country_is_present_with_its_codes():
    rows = {r["country_id"]: r for r in read_rows(ROOT, "countries")}
    for country in pycountry.countries:
        row = rows[country.alpha_3]
        assert (row["iso2"], row["iso3"], row["iso_numeric"]) == (country.alpha_2, country.alpha_3, country.numeric)
    assert rows["NAM"]["iso2"] == "NA"


def test_every_cited_record_is_traceable_to_a_page_or_a_source_text():
    """Each record that must be cited has a citation with a locator into one of the two source texts
    or into a document with a URL."""
    texts = {"watanabe_us_chapter", "oguma_column"}
    with_url = {c["citation_id"] for c in read_rows(ROOT, "citations") if c["url"]} | texts
    links = read_rows(ROOT, "record_citations")
    desc = json.loads((ROOT / "datapackage.json").read_text())
    for resource in (r for r in desc["resources"] if r.get("citationRequired")):
        key = json.loads((ROOT / resource["schema"]).read_text())["primaryKey"]
        for row in read_rows(ROOT, resource["name"]):
            cited = [l for l in links if l["table_name"] == resource["name"] and l["record_id"] == row[key]]
            assert any(l["citation_id"] in with_url and l["locator"] for l in cited), (resource["name"], row[key])


@pytest.mark.parametrize("schema_path", sorted((ROOT / "schemas").glob("*.json")), ids=lambda p: p.stem)
def test_schema_explains_every_field(schema_path):
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    assert schema["missingValues"] == [""] and schema["primaryKey"]
    for field in schema["fields"]:
        assert {"name", "type", "description", "example", "constraints"} <= set(field), field["name"]
        assert "required" in field["constraints"], field["name"]


def test_descriptor_lists_every_schema_with_v1_profile_and_sources():
    desc = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"] for r in desc["resources"]} == {p.stem for p in (ROOT / "schemas").glob("*.json")}
    assert all(r["profile"] == "tabular-data-resource" for r in desc["resources"])
    assert desc["licenses"][0]["name"] == "CC-BY-4.0" and len(desc["sources"]) >= 3
