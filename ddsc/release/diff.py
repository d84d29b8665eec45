"""Row-level differences between two versions of the package, keyed on primary keys."""

import pandas as pd

from ddsc.package.descriptor import open_package
from ddsc.package.problems import Problem, line_of
from ddsc.package.read import read_text
from ddsc.package.source import ReleaseError


def _duplicates(name: str, frame: pd.DataFrame, key: list[str]) -> list[Problem]:
    """Rows whose primary key an earlier row has: diff keys rows on it, so each would hide the other."""
    repeated = frame.duplicated(subset=key, keep="first").to_numpy()
    return [Problem(name, line_of(i), ", ".join(key), f"duplicate primary key {tuple(frame.loc[i, key]) if len(key) > 1 else frame.at[i, key[0]]!r}: rows are compared by their key", "primary-key")
            for i in repeated.nonzero()[0]]


def _tables(path, verify: bool = True) -> dict:
    source, model = open_package(path, verify)
    out = {}
    for name, table in model.items():
        frame = read_text(source, table).fillna("")  # every field a column (read_text), every key part a field (open_model)
        found = _duplicates(name, frame, list(table.primary_key))
        if found:
            raise ReleaseError(f"{source.name}: {found[0]}" + (f" (and {len(found) - 1} more)" if len(found) > 1 else ""))
        out[name] = (frame, list(table.primary_key))
    return out


def _keyed(frame: pd.DataFrame, key: list[str]) -> dict:
    return {tuple(row[k] for k in key): row for row in frame.to_dict("records")}


def table_diff(old: pd.DataFrame, new: pd.DataFrame, key: list[str]) -> dict:
    """Added and removed columns and keys, and changed keys with their changed columns (among the columns both have)."""
    common = [c for c in new.columns if c in old.columns]
    before, after = _keyed(old[common], key), _keyed(new[common], key)
    changed = {}
    for k in sorted(before.keys() & after.keys()):
        columns = [(c, before[k][c], after[k][c]) for c in common if before[k][c] != after[k][c]]
        if columns:
            changed[k] = columns
    return {"columns_added": [c for c in new.columns if c not in old.columns], "columns_removed": [c for c in old.columns if c not in new.columns],
            "added": sorted(after.keys() - before.keys()), "removed": sorted(before.keys() - after.keys()), "changed": changed}


def diff(old_path, new_path, verify: bool = True) -> dict:
    """Per table differences between an old and a new package, release folder or zip."""
    old, new = _tables(old_path, verify), _tables(new_path, verify=False)  # the new side is the package being edited
    result = {}
    for name in list(new) + [n for n in old if n not in new]:
        key = (new.get(name) or old[name])[1]
        before = old[name][0] if name in old else pd.DataFrame(columns=(new.get(name) or old[name])[0].columns)
        after = new[name][0] if name in new else pd.DataFrame(columns=before.columns)
        result[name] = table_diff(before, after, key)
    return result


def _short(value: str, width: int = 70) -> str:
    """A cell for the terminal: quoted, missing shown as (empty), long text cut."""
    if value == "":
        return "(empty)"
    return repr(value if len(value) <= width else value[: width - 3] + "...")


def _key(k: tuple) -> str:
    return ", ".join(k)


def render(result: dict) -> str:
    from ddsc.package.problems import escape

    lines = []
    for name, d in result.items():
        lines.append(f"{name}: {len(d['added'])} added, {len(d['removed'])} removed, {len(d['changed'])} changed")
        lines += [f"  column added: {c}" for c in d["columns_added"]] + [f"  column removed: {c}" for c in d["columns_removed"]]
        lines += [f"  + {_key(k)}" for k in d["added"]]
        lines += [f"  - {_key(k)}" for k in d["removed"]]
        for k, cols in d["changed"].items():
            lines.append(f"  ~ {_key(k)}")
            lines += [f"      {c}: {_short(old)} -> {_short(new)}" for c, old, new in cols]
    return "\n".join(escape(line) for line in lines)
