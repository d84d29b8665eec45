"""Row-level differences between two versions of the package, keyed on primary keys."""

import io
import json

import pandas as pd

from ddsc.typed import _Source
from ddsc.package import primary_key


def _tables(source: _Source) -> dict:
    desc = json.loads(source.read("datapackage.json"))
    out = {}
    for res in desc["resources"]:
        schema = json.loads(source.read(res["schema"]))
        frame = pd.read_csv(io.BytesIO(source.read(res["path"])), dtype=str, keep_default_na=False)
        out[res["name"]] = (frame, primary_key(schema))
    return out


def _keyed(frame: pd.DataFrame, key: list[str]) -> dict:
    return {tuple(row[k] for k in key): row for row in frame.to_dict("records")}


def table_diff(old: pd.DataFrame, new: pd.DataFrame, key: list[str]) -> dict:
    """Added and removed keys, and changed keys with their changed columns."""
    before, after = _keyed(old, key), _keyed(new, key)
    changed = {}
    for k in sorted(before.keys() & after.keys()):
        columns = [c for c in after[k] if before[k].get(c) != after[k][c]] + [c for c in before[k] if c not in after[k]]
        if columns:
            changed[k] = columns
    return {"added": sorted(after.keys() - before.keys()), "removed": sorted(before.keys() - after.keys()), "changed": changed}


def diff(old_path, new_path) -> dict:
    """Per table differences between an old and a new package, release folder or zip."""
    old, new = _tables(_Source(old_path)), _tables(_Source(new_path))
    result = {}
    for name in list(new) + [n for n in old if n not in new]:
        key = (new.get(name) or old[name])[1]
        before = old[name][0] if name in old else pd.DataFrame(columns=key)
        after = new[name][0] if name in new else pd.DataFrame(columns=key)
        result[name] = table_diff(before, after, key)
    return result


def _key(k: tuple) -> str:
    return ", ".join(k)


def render(result: dict) -> str:
    lines = []
    for name, d in result.items():
        lines.append(f"{name}: {len(d['added'])} added, {len(d['removed'])} removed, {len(d['changed'])} changed")
        lines += [f"  + {_key(k)}" for k in d["added"]]
        lines += [f"  - {_key(k)}" for k in d["removed"]]
        lines += [f"  ~ {_key(k)}: {', '.join(cols)}" for k, cols in d["changed"].items()]
    return "\n".join(lines)
