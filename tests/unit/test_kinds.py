"""The registry of problem kinds: every kind the code reports is declared, every declared kind is
reported somewhere, and docs/validation.md lists them all."""


import pytest

from ddsc.package.kinds import KINDS, kind
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
