"""A located validation failure."""

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One failure, located as ``table:line:column`` (line = line number in the CSV file)."""

    table: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.table}:{self.line}:{self.column}: {self.message}"


def line_of(index: int) -> int:
    """CSV line number of the row at 0-based data position ``index`` (line 1 is the header)."""
    return int(index) + 2
