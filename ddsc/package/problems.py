"""A located validation failure, with a stable kind code (as frictionless's error types have)."""

from dataclasses import dataclass, field

from ddsc.package.text import escape

MAX_SHOWN = 1000  # problems printed before "... and N more"


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

    def __post_init__(self):
        from ddsc.package.kinds import kind

        kind(self.kind)  # every kind is declared in ddsc/package/kinds.py

    def __str__(self) -> str:
        return escape(f"{self.table}:{self.line}:{self.column}: {self.message}")


def capped(problems: list, limit: int = MAX_SHOWN) -> list[str]:
    """The problems as lines, at most ``limit`` of them, then one line counting the rest."""
    lines = [str(p) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(f"... and {len(problems) - limit:,} more")
    return lines


def line_of(index: int) -> int:
    """CSV line number of the row at 0-based data position ``index`` (line 1 is the header)."""
    return int(index) + 2
