"""What the reader does not honour is refused, located, not ignored: dialects, encodings, compression,
checksums in the descriptor, missing values, field formats, unknown constraints, unsafe field names,
duplicate JSON keys, patterns that would backtrack, schemas without a primary key."""

import json

import pytest

from ddsc.package.descriptor import read_model
from ddsc.package.source import Source
from tests.fixtures.make_fixtures import HERE, assemble


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return assemble(HERE / "minimal", tmp_path_factory.mktemp("descriptor") / "pkg")


def _problems(base, tmp_path, edit_resource=None, edit_schema=None, raw_schema=None):
    import shutil

    root = tmp_path / "pkg"
    shutil.copytree(base, root)
    desc = json.loads((root / "datapackage.json").read_text())
    resource = next(r for r in desc["resources"] if r["name"] == "events")
    if edit_resource:
        edit_resource(resource)
    (root / "datapackage.json").write_text(json.dumps(desc))
    path = root / "schemas" / "events.json"
    if edit_schema:
        schema = json.loads(path.read_text())
        edit_schema(schema)
        path.write_text(json.dumps(schema))
    if raw_schema:
        path.write_text(raw_schema(path.read_text()))
    return [(p.table, p.column, p.kind) for p in read_model(Source(root))[2]]


def _field(schema, name):
    return next(f for f in schema["fields"] if f["name"] == name)


@pytest.mark.parametrize(("edit", "column"), [
    (lambda r: r.__setitem__("dialect", {"delimiter": ";"}), "resources.events.dialect.delimiter"),
    (lambda r: r.__setitem__("dialect", {"quoteChar": "'"}), "resources.events.dialect.quoteChar"),
    (lambda r: r.__setitem__("dialect", "https://example.org/dialect.json"), "resources.events.dialect"),
    (lambda r: r.__setitem__("encoding", "latin-1"), "resources.events.encoding"),
    (lambda r: r.__setitem__("format", "tsv"), "resources.events.format"),
    (lambda r: r.__setitem__("compression", "gz"), "resources.events.compression"),
    (lambda r: r.__setitem__("hash", "sha256:00"), "resources.events.hash"),
    (lambda r: r.__setitem__("bytes", 3), "resources.events.bytes"),
    (lambda r: r.__setitem__("profile", "https://example.org/profile.json"), "resources.events.profile"),
])
def test_a_resource_property_the_reader_does_not_honour_is_refused(base, tmp_path, edit, column):
    assert ("datapackage.json", column, "descriptor") in _problems(base, tmp_path, edit_resource=edit)


def test_the_declared_default_dialect_is_accepted(base, tmp_path):
    assert _problems(base, tmp_path, edit_resource=lambda r: r.__setitem__("dialect", {"delimiter": ",", "quoteChar": '"', "header": True})) == []


@pytest.mark.parametrize(("edit", "column", "kind"), [
    (lambda s: s.__setitem__("missingValues", ["", "NA"]), "schemas.events.missingValues", "schema-constraint"),
    (lambda s: _field(s, "date").__setitem__("format", "%d/%m/%Y"), "schemas.events.date", "field-type"),
    (lambda s: _field(s, "title_en").setdefault("constraints", {}).__setitem__("exclusiveMaximum", 3), "schemas.events.title_en", "schema-constraint"),
    (lambda s: _field(s, "title_en").setdefault("constraints", {}).__setitem__("required", "false"), "schemas.events.title_en", "schema-constraint"),
    (lambda s: _field(s, "title_en").setdefault("constraints", {}).__setitem__("pattern", "^(a+)+\\1$"), "schemas.events.title_en", "schema-constraint"),
    (lambda s: _field(s, "title_en").setdefault("constraints", {}).__setitem__("pattern", "(?=x)"), "schemas.events.title_en", "schema-constraint"),
    (lambda s: _field(s, "event_type")["constraints"]["enum"].append("nul\x00level"), "schemas.events.event_type", "schema-constraint"),
    (lambda s: _field(s, "event_type")["constraints"]["enum"].append(_field(s, "event_type")["constraints"]["enum"][0]), "schemas.events.event_type", "schema-constraint"),
    (lambda s: s.__setitem__("primaryKey", []), "schemas.events.primaryKey", "schema-key"),
    (lambda s: _field(s, "date").setdefault("constraints", {}).update(minimum="2000-01-01", maximum="1999-12-31"), "schemas.events.date", "schema-constraint"),
    (lambda s: _field(s, "title_en").setdefault("constraints", {}).update(minLength=5, maxLength=2), "schemas.events.title_en", "schema-constraint"),
])
def test_a_schema_property_the_reader_does_not_honour_is_refused(base, tmp_path, edit, column, kind):
    assert ("datapackage.json", column, kind) in _problems(base, tmp_path, edit_schema=edit)


@pytest.mark.parametrize("name", ['title" TEXT, "x', "Title_en", "title en", "título"])
def test_a_field_name_that_is_not_plain_lower_case_is_refused(base, tmp_path, name):
    found = _problems(base, tmp_path, edit_schema=lambda s: _field(s, "description_en").__setitem__("name", name))
    assert any(column.startswith("schemas.events.fields[") and kind == "schema-fields" for _, column, kind in found), found


def test_a_json_key_given_twice_is_refused(base, tmp_path):
    found = _problems(base, tmp_path, raw_schema=lambda text: text.replace('"primaryKey":', '"primaryKey": ["date"], "primaryKey":', 1))
    assert ("schemas/events.json", "", "invalid-json") in found


def test_a_foreign_key_field_shaped_unlike_the_field_it_references_is_refused(base, tmp_path):
    found = _problems(base, tmp_path, edit_schema=lambda s: _field(s, "statute_id")["constraints"].__setitem__("pattern", "^[a-z_]+$"))
    assert ("datapackage.json", "schemas.events.statute_id", "schema-key") in found


def test_an_index_on_an_unknown_field_is_refused(base, tmp_path):
    found = _problems(base, tmp_path, edit_resource=lambda r: r.__setitem__("indexes", [["no_such_field"]]))
    assert ("datapackage.json", "resources.events.indexes", "descriptor") in found


@pytest.mark.parametrize(("field", "key", "value", "says"), [
    ("date", "minimum", "1800", "must be a date written YYYY-MM-DD"),
    ("date", "maximum", "2023-02-30", "must be a date written YYYY-MM-DD"),
    ("date", "minimum", 1800, "must be a date written YYYY-MM-DD"),
    ("title_en", "minimum", "a", "is not supported on a string field"),
    ("title_en", "required", "false", "must be true or false (a JSON boolean, no quotes), not 'false'"),
    ("title_en", "unique", 1, "must be true or false"),
])
def test_a_constraint_of_the_wrong_type_says_what_it_must_be(base, tmp_path, field, key, value, says):
    import shutil

    root = tmp_path / "pkg"
    shutil.copytree(base, root)
    path = root / "schemas" / "events.json"
    schema = json.loads(path.read_text())
    _field(schema, field).setdefault("constraints", {})[key] = value
    path.write_text(json.dumps(schema))
    problems = read_model(Source(root))[2]
    assert [(p.column, p.kind) for p in problems] == [(f"schemas.events.{field}", "schema-constraint")]
    assert says in problems[0].message


@pytest.mark.parametrize(("value", "ok"), [(0, True), (2**53 - 1, True), (-(2**53 - 1), True), (2**53, False), (2**63 - 1, False), ("1800", False), (True, False), (1.5, False)])
def test_an_integer_bound_is_a_json_integer_a_double_holds_exactly(value, ok):
    from ddsc.package.descriptor import _bound_problem

    assert (_bound_problem("integer", value) is None) == ok


@pytest.mark.parametrize(("value", "ok"), [(0.5, True), (3, True), (float("inf"), False), ("1.5", False), (False, False)])
def test_a_number_bound_is_a_finite_json_number(value, ok):
    from ddsc.package.descriptor import _bound_problem

    assert (_bound_problem("number", value) is None) == ok


def test_a_number_of_five_thousand_digits_in_the_descriptor_is_located(base, tmp_path):
    import shutil

    root = tmp_path / "pkg"
    shutil.copytree(base, root)
    path = root / "datapackage.json"
    path.write_text(path.read_text().replace('"resources"', '"x": ' + "9" * 5000 + ', "resources"', 1))
    assert [(p.table, p.line, p.kind) for p in read_model(Source(root))[2]] == [("datapackage.json", 1, "invalid-json")]


@pytest.mark.parametrize(("value", "ok"), [("2024-02-29", True), ("2023-02-29", False), ("2023-02-28", True), ("\u0662\u0660\u0662\u0663-\u0660\u0661-\u0660\u0661", False),
                                           ("2023-1-01", False), ("2023-01-01 ", False), (None, False)])
def test_a_date_bound_is_a_calendar_day_in_ascii_digits(value, ok):
    from ddsc.package.descriptor import _bound_problem

    assert (_bound_problem("date", value) is None) == ok
