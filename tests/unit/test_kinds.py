"""The registry of problem kinds: every kind the code reports is declared, every declared kind is
reported somewhere, and docs/validation.md lists them all."""


import pytest

from ddsc.package.kinds import KINDS, check, kind, kinds_of
from ddsc.package.problems import Problem
from tests.conftest import ROOT

CODE = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "ddsc").rglob("*.py")) if p.name != "kinds.py")


def test_every_declared_kind_is_reported_by_some_check():
    unused = {code for code in KINDS if f'"{code}"' not in CODE}
    assert unused == set()


def test_an_undeclared_kind_is_refused():
    with pytest.raises(ValueError, match="undeclared problem kind"):
        Problem("t", 1, "c", "message", "no-such-kind")
    assert kind("foreign-key") == "foreign-key"


def test_every_kind_has_a_title_and_a_description_and_the_readme_lists_it():
    readme = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    for code, declared in KINDS.items():
        assert declared.title and declared.description.endswith("."), code
        assert f"| `{code}` |" in readme, code


def test_every_check_of_a_schema_declares_its_kinds_beside_itself():
    """Each of our pandera checks carries the kinds it reports (read back by ``kinds_of``, no registry filled
    as a side effect); pandera's own checks (nullable, unique, dtype) are the only ones without."""
    from ddsc.package.descriptor import read_model
    from ddsc.package.source import Source
    from ddsc.validation.checks import table_schema

    model = read_model(Source(ROOT))[1]
    for table in model.values():
        schema = table_schema(table, model, {})
        declared = kinds_of(schema)
        checks = list(schema.checks) + [c for column in schema.columns.values() for c in column.checks]
        assert {c.name for c in checks} == set(declared), table.name
        assert all(codes and all(code in KINDS for code in codes) for codes in declared.values()), table.name


def test_a_failure_is_kinded_by_the_check_that_declared_it_and_unlocated_without_a_declaration():
    import pandas as pd
    import pandera.pandas as pa

    from ddsc.package.model import Table
    from ddsc.validation.checks import schema_problems

    table = Table.from_resource({"name": "t", "path": "tables/t.csv"}, {"fields": [{"name": "n", "type": "integer"}]})
    frame = pd.DataFrame({"n": pd.array([1, 5], dtype="Int64")})
    declared = pa.DataFrameSchema({"n": pa.Column("Int64", checks=[check(lambda s: s < 3, "below three", "range")])}, name="t")
    undeclared = pa.DataFrameSchema({"n": pa.Column("Int64", checks=[pa.Check(lambda s: s < 3, name="below three")])}, name="t")
    assert [(p.line, p.column, p.kind) for p in schema_problems(declared, frame, table)] == [(3, "n", "range")]
    assert [(p.line, p.column, p.kind) for p in schema_problems(undeclared, frame, table)] == [(3, "n", "unlocated")]
