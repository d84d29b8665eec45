"""A located validation failure, with a stable kind code (as frictionless's error types have)."""

from dataclasses import dataclass, field

from ddsc.package.text import escape

MAX_SHOWN = 1000  # problems printed before "... and N more"
MAX_PER_TABLE = 1000  # problems kept per table (or file); the rest are counted in one more-problems problem


@dataclass(frozen=True, order=True)
class Problem:
    """One failure, located as ``table:line:column`` (line = line number in the CSV file).

    ``kind`` is a stable code for the rule that failed (``foreign-key``, ``type``, ``required``, ...):
    tests and tools match on it and on the location; the message is for people and may improve."""

    table: str
    line: int
    column: str
    message: str
    kind: str = field(default="unlocated", compare=False)
    more: int = field(default=0, compare=False, repr=False)  # for kind more-problems: how many are not listed

    def __post_init__(self):
        from ddsc.package.kinds import kind

        kind(self.kind)  # every kind is declared in ddsc/package/kinds.py

    def __str__(self) -> str:
        """``table:line:column: message``; a problem of a whole file (line 0, no column) as ``file: message``."""
        if self.line == 0 and not self.column:
            return escape(f"{self.table}: {self.message}")
        return escape(f"{self.table}:{self.line}:{self.column}: {self.message}")


def more_problems(table: str, count: int) -> Problem:
    """The one problem that counts the ``count`` problems of ``table`` not kept."""
    return Problem(table, 0, "", f"{count:,} more problem(s) in this file, not listed (at most {MAX_PER_TABLE:,} are kept per file)", "more-problems", count)


def first_problems(items, make, table: str, limit: int = MAX_PER_TABLE) -> list[Problem]:
    """``make(item)`` for the first ``limit`` of ``items`` (a sequence: a list or a NumPy array), then one
    problem counting the rest, which are never made: a rule that could find a problem per line or cell keeps
    its memory bounded (2 MB of blank lines are 1,000 problems and a count, not two million problems)."""
    made = [make(item) for item in items[:limit]]
    return made + ([more_problems(table, len(items) - limit)] if len(items) > limit else [])


def limited(problems: list[Problem], limit: int = MAX_PER_TABLE) -> list[Problem]:
    """At most ``limit`` problems per table (or file), in the order given; the rest of each counted in one
    more-problems problem after that table's (what several checks counted is added up)."""
    kept: dict[str, list[Problem]] = {}
    more: dict[str, int] = {}
    for p in problems:
        rows = kept.setdefault(p.table, [])
        if p.kind == "more-problems":
            more[p.table] = more.get(p.table, 0) + p.more
        elif len(rows) < limit:
            rows.append(p)
        else:
            more[p.table] = more.get(p.table, 0) + 1
    return [p for table, rows in kept.items() for p in rows + ([more_problems(table, more[table])] if more.get(table) else [])]


def ordered(problems: list[Problem]) -> list[Problem]:
    """Problems as a run reports them: each once, by table, line and column, at most ``MAX_PER_TABLE`` per
    table with the rest counted (``limited``)."""
    counts = [p for p in problems if p.kind == "more-problems"]
    return limited(sorted(set(p for p in problems if p.kind != "more-problems"), key=lambda p: (p.table, p.line, p.column, p.message)) + counts)


def capped(problems: list, limit: int = MAX_SHOWN) -> list[str]:
    """The problems as lines, at most ``limit`` of them, then one line counting the rest."""
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit:,} more")
    return lines


def line_of(index: int) -> int:
    """CSV line number of the row at 0-based data position ``index`` (line 1 is the header)."""
    return int(index) + 2
