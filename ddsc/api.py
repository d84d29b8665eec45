"""Typed loading of a DDSC package, release folder or release zip into pandas, and the pandera schemas
that check such frames after a researcher filters, merges or edits them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ddsc.package.model import Table
from ddsc.package.descriptor import open_package
from ddsc.package.read import read_text
from ddsc.validation.rules import CODE_NAMES
from ddsc.validation.validate import type_problems
from ddsc.package.source import DESCRIPTOR, ReleaseError, Source

def installed_data() -> Path | None:
    """The folder of the data installed with the ``ddsc`` package: ``ddsc/_data`` inside the installed
    package for a wheel; for an editable install, the repository it was installed from (its
    ``direct_url.json``); None when there is neither."""
    import importlib.metadata
    import json
    from urllib.parse import unquote, urlparse

    candidates = [Path(__file__).resolve().parent / "_data"]
    try:
        origin = json.loads(importlib.metadata.distribution("ddsc").read_text("direct_url.json") or "{}")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        origin = {}
    if origin.get("dir_info", {}).get("editable") and str(origin.get("url", "")).startswith("file://"):
        candidates.append(Path(unquote(urlparse(origin["url"]).path)))
    return next((c for c in candidates if (c / DESCRIPTOR).is_file()), None)


def default_root() -> Path:
    """The package a command or ``load`` uses when none is named: the working folder when it holds
    datapackage.json, else the data installed with ``ddsc``."""
    if (Path.cwd() / DESCRIPTOR).is_file():
        return Path.cwd()
    found = installed_data()
    if found is None:
        raise ReleaseError("no datapackage.json in the working folder and no data installed with ddsc; name a release folder or zip")
    return found


def _package_root(path: Path | None) -> Path:
    return Path(path) if path is not None else default_root()


def open_model(path: str | Path | None = None, verify: bool = True) -> tuple[Source, dict[str, Table]]:
    """The opened package and its schema model. A release named by ``path`` is checked against its
    SHA256SUMS, and refused without one, unless ``verify=False`` (for a working folder being edited). With
    no ``path`` (the package in the working directory, or the data installed with ``ddsc``) nothing is checked."""
    return open_package(_package_root(Path(path) if path is not None else None), verify=verify and path is not None)


def _load(path, verify: bool, names: tuple[str, ...] | None = None) -> dict[str, pd.DataFrame]:
    try:
        return _read_tables(path, verify, names)
    except OSError as err:  # a file the system cannot read (permissions, a vanished folder): named, as every error here
        raise ReleaseError(f"{Path(err.filename).name if err.filename else path}: {err.strerror or err}") from None


def _read_tables(path, verify: bool, names: tuple[str, ...] | None) -> dict[str, pd.DataFrame]:
    source, model = open_model(path, verify)
    tables = {}
    for name, table in model.items():
        if names is not None and name not in names:
            continue
        text = read_text(source, table)
        typed = table.typed(text)
        bad = table.unparsed(text, typed)
        if bad:  # the first cell that is not of its type, located and worded as validation reports it
            raise ReleaseError(str(type_problems(table, bad)[0]))
        tables[name] = typed
    return tables


def load(path: str | Path | None = None, verify: bool = True) -> dict[str, pd.DataFrame]:
    """Every table as a typed DataFrame, keyed by table name: dates datetime64, integers nullable Int64,
    enums Categorical with the schema's levels, text ``string`` (the text ``NA`` stays a value).

    ``path`` is a package or release folder, or a release zip; by default the package in the working
    directory, else the data installed with the ``ddsc`` package. A release is verified against its
    SHA256SUMS first; ``verify=False`` skips that (for a working folder being edited). A release that cannot
    be read, fails its checksums or holds a cell that is not of its column's type raises ``ddsc.ReleaseError``
    (a ``ValueError``), whose message names the file, or the table, line and column."""
    return _load(path, verify)


PANELS = ("country_years", "dyad_years")
SYSTEMS = tuple(CODE_NAMES)


def panel(name: str, system: str = "cow", path: str | Path | None = None, verify: bool = True, tables: dict | None = None) -> pd.DataFrame:
    """One panel (``country_years`` or ``dyad_years``) in one state system (``"cow"`` or ``"gw"``, in any
    case): the table ``{name}_{system}`` without its constant ``system`` column, keyed as peace-science data
    are (``ccode``, ``year`` or ``ccode1``, ``ccode2``, ``year`` for COW; ``gwcode`` ... for Gleditsch-Ward),
    ready to merge. Types as ``load`` gives them. ``path`` and ``verify`` as for ``load``; or pass ``tables``,
    what ``load`` returned, to avoid reading the package again.

    >>> cy = ddsc.panel("country_years", system="cow")
    >>> cy.merge(my_frame, on=["ccode", "year"])"""
    if name not in PANELS:
        raise ValueError(f"no panel named {name!r}; panels: {', '.join(PANELS)}")
    chosen = str(system).lower()
    if chosen not in SYSTEMS:
        raise ValueError(f"system must be one of {', '.join(SYSTEMS)}, not {system!r}")
    table = f"{name}_{chosen}"
    frame = tables[table] if tables is not None else _load(path, verify, (table,))[table]
    return frame.drop(columns="system").reset_index(drop=True)


def pandera_schemas(tables: dict[str, pd.DataFrame], path: str | Path | None = None) -> dict:
    """One ``pandera.DataFrameSchema`` per table, derived from the Table Schemas of the package at ``path``
    (default as for ``load``). Foreign keys, citation targets and uncited records are checked against the
    frames in ``tables``; ``schemas[name].validate(frame, lazy=True)`` raises ``pandera.errors.SchemaErrors``
    whose failure cases name each failing cell."""
    from ddsc.validation.checks import pandera_schemas as build

    _, model = open_model(path, verify=False)
    return build(tables, model)
