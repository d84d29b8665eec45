"""``ddsc.load`` reads cells through the same typed path as validation: a cell that is not of its type stops
the load with the problem validation reports for it, at the same line and column, in the same words."""

import pytest

from ddsc.api import load
from ddsc.package.source import ReleaseError
from ddsc.validation.validate import validate
from tests.fixtures.tiny import ROWS, tiny


@pytest.mark.parametrize(("column", "cell"), [("n", "abc"), ("n", "9007199254740992"), ("day", "2021-02-30"), ("flag", "yes"), ("kind", "c")])
def test_load_stops_at_the_first_cell_of_another_type_as_validation_reports_it(tmp_path, column, cell):
    header, first, second = ROWS.strip("\n").split("\n")
    cells = second.split(",")
    cells[header.split(",").index(column)] = cell
    root = tiny(tmp_path / "pkg", rows="\n".join([header, first, ",".join(cells)]) + "\n")
    reported = [p for p in validate(root) if p.kind in ("type", "enum")]
    assert [(p.table, p.line, p.column) for p in reported] == [("things", 3, column)]
    with pytest.raises(ReleaseError) as err:
        load(root, verify=False)
    assert str(err.value) == str(reported[0])
