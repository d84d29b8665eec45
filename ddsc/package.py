"""Reading the package descriptor and its Table Schemas."""

import json
from pathlib import Path, PurePosixPath

from ddsc.problems import Problem

DESCRIPTOR = "datapackage.json"


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def descriptor(root: Path) -> dict:
    return read_json(root / DESCRIPTOR)


def unsafe_path(path: str) -> str | None:
    """Why a resource path may not be used, or None when it is a relative path inside the package."""
    pure = PurePosixPath(path)
    if "\\" in path or pure.is_absolute() or (len(path) > 1 and path[1] == ":"):
        return f"path {path!r} is absolute; resource paths must be relative to the package"
    if ".." in pure.parts:
        return f"path {path!r} points outside the package"
    return None


def resources(root: Path, desc: dict) -> tuple[list[dict], list[Problem]]:
    """The package's resources with their schemas loaded, and problems with their paths."""
    loaded, problems = [], []
    for res in desc.get("resources", []):
        name = res.get("name", "?")
        bad = [(key, unsafe_path(res.get(key, ""))) for key in ("path", "schema") if isinstance(res.get(key), str)]
        bad = [(key, why) for key, why in bad if why]
        for key, why in bad:
            problems.append(Problem(DESCRIPTOR, 1, f"resources.{name}.{key}", why))
        if bad:
            continue
        schema = res["schema"] if isinstance(res["schema"], dict) else read_json(root / res["schema"])
        loaded.append({**res, "schema": schema})
    return loaded, problems


def field_names(schema: dict) -> list[str]:
    return [f["name"] for f in schema["fields"]]


def primary_key(schema: dict) -> list[str]:
    pk = schema.get("primaryKey", [])
    return [pk] if isinstance(pk, str) else list(pk)


def foreign_keys(schema: dict) -> list[tuple[str, str, str]]:
    """Single-field foreign keys as (field, resource, referenced field)."""
    out = []
    for fk in schema.get("foreignKeys", []):
        fields, ref = fk["fields"], fk["reference"]
        fields = [fields] if isinstance(fields, str) else fields
        ref_fields = [ref["fields"]] if isinstance(ref["fields"], str) else ref["fields"]
        if len(fields) != 1:
            raise ValueError("composite foreign keys are not supported")
        out.append((fields[0], ref["resource"], ref_fields[0]))
    return out
