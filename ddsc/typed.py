"""Typed loading of a DDSC package, release folder or release zip into pandas."""

import io
import json
import zipfile
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "_data"

PANDAS_TYPES = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}


def _package_root(path: Path | None) -> Path:
    if path is None:
        for candidate in (Path.cwd(), DATA):
            if (candidate / "datapackage.json").is_file():
                return candidate
        raise FileNotFoundError("no datapackage.json in the working directory and no bundled data")
    return path


class _Source:
    """Reads files of a package folder or of a release zip (one top folder)."""

    def __init__(self, path: Path):
        self.zip = zipfile.ZipFile(path) if path.suffix == ".zip" else None
        self.root = path
        if self.zip:
            self.prefix = next(n for n in self.zip.namelist() if n.endswith("datapackage.json")).rsplit("datapackage.json", 1)[0]

    def read(self, rel: str) -> bytes:
        return self.zip.read(self.prefix + rel) if self.zip else (self.root / rel).read_bytes()


def typed(frame: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """Cast a text table to the types its Table Schema declares; enums become ordered-free Categoricals."""
    out = {}
    for field in schema["fields"]:
        name, typ = field["name"], field.get("type", "string")
        column = frame[name]
        if typ == "date":
            out[name] = pd.to_datetime(column, format="%Y-%m-%d")
        elif typ == "boolean":
            out[name] = column.map({"true": True, "false": False}).astype("boolean")
        elif "enum" in field.get("constraints", {}):
            out[name] = pd.Categorical(column, categories=field["constraints"]["enum"])
        elif typ in ("integer", "number"):
            out[name] = pd.to_numeric(column).astype(PANDAS_TYPES[typ])
        else:
            out[name] = column.astype("string")
    return pd.DataFrame(out, index=frame.index)


def load(path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """Every table as a typed DataFrame, keyed by table name.

    ``path`` is a package or release folder, or a release zip; by default the package in the
    working directory, else the data installed with the ``ddsc`` package.
    """
    source = _Source(_package_root(Path(path) if path is not None else None))
    desc = json.loads(source.read("datapackage.json"))
    tables = {}
    for res in desc["resources"]:
        schema = json.loads(source.read(res["schema"]))
        text = pd.read_csv(io.BytesIO(source.read(res["path"])), dtype=str, keep_default_na=False, na_values=[""])
        tables[res["name"]] = typed(text, schema)
    return tables
