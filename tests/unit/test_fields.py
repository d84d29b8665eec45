"""Fields with one meaning are stated alike in every schema (ddsc.package.fields): the definition is the owning
table's (the one keyed by the field) or the one most schemas state; a schema that states another type or
constraint fails the repository's validation with its location; required and unique stay per use; a
release from elsewhere is judged by its own schemas."""

import json
import shutil

import pytest

from ddsc.package.descriptor import read_model
from ddsc.package.fields import SHARED, shared_field_problems
from ddsc.package.source import Source
from ddsc.pipeline.repository import check_repository
from ddsc.validation.validate import check
from tests.fixtures.make_fixtures import HERE, assemble


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return assemble(HERE / "minimal", tmp_path_factory.mktemp("fields") / "pkg")


def _edited(base, tmp_path, table, field, edit):
    root = tmp_path / "pkg"
    shutil.copytree(base, root)
    path = root / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text())
    edit(next(f for f in schema["fields"] if f["name"] == field))
    path.write_text(json.dumps(schema))
    return root


@pytest.mark.parametrize(("table", "field", "edit"), [
    ("program_countries", "country_id", lambda f: f["constraints"].__setitem__("pattern", "^[A-Z]{2,3}$")),
    ("events", "notes", lambda f: f.setdefault("constraints", {}).__setitem__("maxLength", 500)),
    ("trainings", "report_id", lambda f: f.__setitem__("type", "integer") or f["constraints"].pop("pattern")),
    ("events", "date_precision", lambda f: f["constraints"].__setitem__("enum", ["day", "month", "year", "decade"])),
])
def test_a_shared_field_stated_otherwise_is_located(base, tmp_path, table, field, edit):
    root = _edited(base, tmp_path, table, field, edit)
    assert [(p.table, p.column, p.kind) for p in _shared(root)] == [("datapackage.json", f"schemas.{table}.{field}", "shared-field")]


def _shared(root):
    return shared_field_problems(read_model(Source(root))[1])


def test_the_repository_applies_the_rule_and_a_release_is_judged_by_its_own_schemas(base, tmp_path):
    root = _edited(base, tmp_path, "events", "notes", lambda f: f.setdefault("constraints", {}).__setitem__("maxLength", 500))
    assert [(p.table, p.column, p.kind) for p in check_repository(root).problems] == [("datapackage.json", "schemas.events.notes", "shared-field")]
    assert not [p for p in check(root).problems if p.kind == "shared-field"]


def test_the_table_keyed_by_a_field_owns_its_definition(base, tmp_path):
    root = _edited(base, tmp_path, "countries", "country_id", lambda f: f["constraints"].__setitem__("pattern", "^[A-Z]{2,3}$"))
    flagged = {p.column for p in _shared(root)}
    assert "schemas.countries.country_id" not in flagged
    assert {"schemas.program_countries.country_id", "schemas.statute_countries.country_id", "schemas.trainings.country_id"} <= flagged


def test_required_and_unique_are_set_per_use(base, tmp_path):
    root = _edited(base, tmp_path, "events", "notes", lambda f: f.setdefault("constraints", {}).__setitem__("required", False))
    assert _shared(root) == []


def test_every_shared_field_is_used_by_some_schema_of_the_repository():
    from tests.conftest import ROOT

    used = {f["name"] for path in (ROOT / "schemas").glob("*.json") for f in json.loads(path.read_text())["fields"]}
    assert set(SHARED) <= used
