"""Free-text cells: invisible, control and bidirectional characters are rejected, located, and never printed raw."""

import pandas as pd
import pytest

from ddsc.validation.checks import pandera_schemas, schema_problems
from ddsc.package.model import Table
from ddsc.package.text import escape

SCHEMA = {"fields": [{"name": "row_id", "constraints": {"pattern": "^[a-z]+$"}}, {"name": "title"}], "primaryKey": ["row_id"]}


def _problems(title: str):
    table = Table.from_resource({"name": "things", "path": "tables/things.csv"}, SCHEMA)
    frame = table.typed(pd.DataFrame({"row_id": ["a", "b"], "title": ["plain", title]}, dtype="string"))
    schema = pandera_schemas({"things": frame}, {"things": table})["things"]
    return [(p.table, p.line, p.column, p.kind) for p in schema_problems(schema, frame, table)]


@pytest.mark.parametrize("char", ["\u200f", "\u200e", "\u061c", "\u009b", "\u0085", "\u00ad", "\u180e", "\u3164", "\u202e", "\u2067", "\u200b", "\ufeff", "\x1b", "\t"])
def test_an_invisible_or_control_character_in_a_title_fails_at_its_cell(char):
    assert _problems(f"Treaty{char}name") == [("things", 3, "title", "invisible-character")]


@pytest.mark.parametrize(("title", "kinds"), [
    (" Treaty", ["whitespace"]),
    ("=SUM(A1)", ["formula"]),
    ("=SUM(A1)\u200b", ["formula", "invisible-character"]),
    ("@x\u202e ", ["formula", "invisible-character", "whitespace"]),
])
def test_a_cell_is_reported_once_for_each_rule_of_free_text_it_breaks(title, kinds):
    assert sorted(kind for *_, kind in _problems(title)) == kinds
    assert {(table, line, column) for table, line, column, _ in _problems(title)} == {("things", 3, "title")}


def test_ordinary_text_in_any_script_passes():
    assert _problems("日米安全保障条約 – Treaty of Mutual Cooperation (1960) ë") == []


def test_the_terminal_sees_the_same_characters_escaped():
    assert escape("a\u200fb\x9bc\x1b") == "a\\u200fb\\x9bc\\x1b"
    assert escape("日本") == "日本"
