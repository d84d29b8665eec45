"""The schema model is the one place types are mapped: the R reader's column types agree with it."""

import re

from ddsc.package.model import R_CLASSES, Field
from tests.conftest import ROOT

READR = {"col_integer": "integer", "col_double": "numeric", "col_logical": "logical", "col_date": "Date", "col_character": "character", "col_factor": "factor"}


def test_the_r_reader_maps_every_schema_type_as_the_model_does():
    reader = (ROOT / "R" / "read_ddsc.R").read_text(encoding="utf-8")
    body = reader[reader.index("ddsc_col_types <- function"):]
    mapped = {kind: READR[col] for kind, col in re.findall(r"^\s+(\w+) = readr::(col_\w+)\(", body, re.M)}
    default = READR[re.search(r"^\s+readr::(col_\w+)\(\)\n\s+\)", body, re.M).group(1)]
    for kind, r_class in R_CLASSES.items():
        assert mapped.get(kind, default) == r_class, kind
    assert "readr::col_factor(levels" in body and Field("x", constraints={"enum": ["a"]}).r_class() == "factor"
