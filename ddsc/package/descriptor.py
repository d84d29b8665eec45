"""Reading the package descriptor and its Table Schemas into the schema model, with located problems."""

from __future__ import annotations

import json
import math
import re
import unicodedata
from pathlib import PurePosixPath

from pathlib import Path

from ddsc.package.checksums import checksum_problems
from ddsc.package.model import KNOWN_TYPES, MAX_INTEGER, Table, is_date
from ddsc.package.text import INVISIBLE_RX
from ddsc.package.problems import Problem
from ddsc.package.source import DESCRIPTOR, Source, UnsafeRelease, unsafe_path

CITATION_TABLE = "record_citations"  # the polymorphic link table: (table_name, record_id) names any cited record


class DuplicateKey(ValueError):
    pass


def _no_duplicate_keys(pairs: list) -> dict:
    """JSON objects with a key given twice are refused: readers disagree on which value wins."""
    keys = [k for k, _ in pairs]
    for key in keys:
        if keys.count(key) > 1:
            raise DuplicateKey(f"key {key!r} is given twice in one object")
    return dict(pairs)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _shown(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def lone_surrogate(value) -> str | None:
    """Where in a parsed JSON value a string (or a key) holds a lone surrogate (JSON's ``"\\ud800"``): no
    character, so no file can be written with it. None when there is none. Walked without recursion."""
    stack = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str) and _SURROGATE.search(item):
            return path or "(top)"
        if isinstance(item, dict):
            for key, inner in item.items():
                here = f"{path}.{_shown(key)}" if path else _shown(key)
                if _SURROGATE.search(key):
                    return here
                stack.append((inner, here))
        elif isinstance(item, list):
            stack += [(inner, f"{path}[{i}]") for i, inner in enumerate(item)]
    return None


def read_json(source: Source, rel: str, where: str) -> tuple[object, list[Problem]]:
    try:
        value = json.loads(source.text(rel), object_pairs_hook=_no_duplicate_keys)
        at = lone_surrogate(value)
        if at:
            return None, [Problem(rel, 1, at, "invalid JSON: a lone surrogate (an escape such as \\ud800 that is half of a character)", "invalid-json")]
        return value, []
    except DuplicateKey as err:
        return None, [Problem(rel, 1, "", f"invalid JSON: {err}", "invalid-json")]
    except RecursionError:
        return None, [Problem(rel, 1, "", "invalid JSON: nested too deeply", "invalid-json")]
    except FileNotFoundError:
        return None, [Problem(where, 1, "", f"file {rel} does not exist", "missing-file")]
    except UnsafeRelease as err:
        return None, [Problem(where, 1, "", str(err), "unsafe-path")]
    except json.JSONDecodeError as err:
        return None, [Problem(rel, err.lineno, "", f"invalid JSON: {err.msg} (column {err.colno})", "invalid-json")]
    except ValueError:  # Python refuses to convert an integer of more than 4,300 digits
        return None, [Problem(rel, 1, "", "invalid JSON: a number has too many digits to be read", "invalid-json")]


def descriptor(source: Source) -> tuple[dict | None, list[Problem]]:
    desc, problems = read_json(source, DESCRIPTOR, DESCRIPTOR)
    if problems:
        return None, problems
    if not isinstance(desc, dict):
        return None, [Problem(DESCRIPTOR, 1, "", "the descriptor is not a JSON object", "descriptor")]
    return desc, []


# What the package reader honours. Any other value of these properties would make another reader (frictionless,
# R, the legacy datapackage library) read different rows than we validated: it is refused, not ignored.
DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True, "skipInitialSpace": False, "lineTerminator": "\n"}
RESOURCE_FIXED = {"encoding": ("utf-8",), "format": ("csv",), "mediatype": ("text/csv",), "scheme": ("file",), "profile": ("tabular-data-resource",)}
RESOURCE_REFUSED = ("compression", "hash", "bytes", "data")
LAYERS = ("core", "derived")  # curated or produced by a source step; built from the core tables
CONSTRAINTS = {"required": bool, "unique": bool, "pattern": str, "enum": list, "minimum": (int, float, str), "maximum": (int, float, str),
               "minLength": int, "maxLength": int}
FIELD_NAME = r"[a-z][a-z0-9_]*"
# Field properties that change how a cell is parsed, with the one value the reader honours (None: none is).
PARSING = {"trueValues": ["true"], "falseValues": ["false"], "decimalChar": ".", "groupChar": None, "bareNumber": True, "missingValues": [""]}


def _same(value, honoured) -> bool:
    """``value`` is the JSON value ``honoured`` itself (1 is not true, 1.0 is not 1)."""
    return honoured is not None and json.dumps(value, sort_keys=True) == json.dumps(honoured, sort_keys=True)


NOTE_BYTES = 67_783  # the longest text a Stata note (a characteristic, with its closing NUL) holds: titles and descriptions become notes
TEXTS = ("title", "description")  # shown in the codebook, the release README, SQLite, datasette, Stata labels and notes


def _text_problem(value) -> str | None:
    """Why ``value`` cannot be a title or description (None when it can)."""
    if not isinstance(value, str):
        return f"must be text, not {type(value).__name__} {value!r}"
    if len(value.encode("utf-8", "surrogatepass")) > NOTE_BYTES:
        return f"is longer than {NOTE_BYTES:,} bytes, the most a Stata note holds"
    return None


def text_problems(where: str, spec: dict, kind: str, column: str | None = None) -> list[Problem]:
    """The title and description of ``spec`` (package, resource, schema or field), where given, are text a
    release can write everywhere it shows them."""
    return [Problem(DESCRIPTOR, 1, column or f"{where}.{key}" if where else key, f"{key} {why}", kind)
            for key in TEXTS if key in spec for why in [_text_problem(spec[key])] if why]


PACKAGE_PROFILES = ("tabular-data-package", "data-package")  # by name: a profile given as a URL would make readers fetch it
WEB_URL = r"https?://[^\s\"'<>`\\]+"


def _link_problem(value, relative: bool = False) -> str | None:
    """Why ``value`` cannot be a link a release shows (homepage, licence path): a web address (http or
    https; never javascript:, data: or file:), or where ``relative``, a plain path inside the package."""
    if isinstance(value, str) and not re.search(INVISIBLE_RX, value) and (re.fullmatch(WEB_URL, value) or relative and unsafe_path(value) is None and ":" not in value):
        return None
    return f"{value!r} is not a web address (http:// or https://){' or a path inside the package' if relative else ''}"


def package_problems(desc: dict) -> list[Problem]:
    """The package's own properties, as the release writes them: a title (text), a description (text),
    licences as a list of objects with text values, links that are web addresses, a profile by name."""
    problems = text_problems("", desc, "descriptor")
    if "profile" in desc and desc["profile"] not in PACKAGE_PROFILES:
        problems.append(Problem(DESCRIPTOR, 1, "profile", f"profile {desc['profile']!r} is not supported; use {PACKAGE_PROFILES[0]!r} or leave it out", "descriptor"))
    if "homepage" in desc and _link_problem(desc["homepage"]):
        problems.append(Problem(DESCRIPTOR, 1, "homepage", f"homepage {_link_problem(desc['homepage'])}", "descriptor"))
    if "title" not in desc:
        problems.append(Problem(DESCRIPTOR, 1, "title", "the package has no title (the release's README and codebook are headed by it)", "descriptor"))
    licences = desc.get("licenses", [])
    if not isinstance(licences, list) or not all(isinstance(item, dict) and item for item in licences):
        problems.append(Problem(DESCRIPTOR, 1, "licenses", "licenses must be a list of objects (name, path, title)", "descriptor"))
    else:
        problems += [Problem(DESCRIPTOR, 1, f"licenses[{i}].{key}", f"{key} must be text, not {value!r}", "descriptor")
                     for i, item in enumerate(licences) for key, value in item.items() if key in ("name", "title") and not isinstance(value, str)]
        problems += [Problem(DESCRIPTOR, 1, f"licenses[{i}].path", f"path {_link_problem(item['path'], relative=True)}", "descriptor")
                     for i, item in enumerate(licences) if "path" in item and _link_problem(item["path"], relative=True)]
    return problems


def resource_problems(where: str, res: dict) -> list[Problem]:
    """Resource properties with a value the reader does not honour."""
    problems = text_problems(where, res, "descriptor")
    dialect = res.get("dialect", {})
    if not isinstance(dialect, dict):
        problems.append(Problem(DESCRIPTOR, 1, f"{where}.dialect", "dialect must be an inline object (not a path or URL)", "descriptor"))
    else:
        problems += [Problem(DESCRIPTOR, 1, f"{where}.dialect.{key}", f"dialect {key} {value!r} is not supported; the tables are read as {DIALECT.get(key, 'absent')!r}", "descriptor")
                     for key, value in dialect.items() if not _same(value, DIALECT.get(key))]
    for key, allowed in RESOURCE_FIXED.items():
        if key in res and (not isinstance(res[key], str) or res[key].lower() not in allowed):
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.{key}", f"{key} {res[key]!r} is not supported; use {allowed[0]!r} or leave it out", "descriptor"))
    problems += [Problem(DESCRIPTOR, 1, f"{where}.{key}", f"{key} is not supported in a resource; leave it out", "descriptor") for key in RESOURCE_REFUSED if key in res]
    sources = res.get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, dict) and isinstance(s.get("title"), str) and s["title"].strip() for s in sources):
        problems.append(Problem(DESCRIPTOR, 1, f"{where}.sources", "sources must be a list of objects, each with a title (a reference of CITATION.cff)", "descriptor"))
    if res.get("layer", "core") not in LAYERS:
        problems.append(Problem(DESCRIPTOR, 1, f"{where}.layer", f"layer {res['layer']!r} is not one of {', '.join(LAYERS)}", "descriptor"))
    return problems


def _schema_problems(name: str, schema, names_of: dict) -> list[Problem]:
    """What makes a Table Schema unusable: no fields, unknown types, bad patterns, keys naming missing columns."""
    where = f"schemas.{name}"
    if not isinstance(schema, dict) or not isinstance(schema.get("fields"), list) or not schema["fields"]:
        return [Problem(DESCRIPTOR, 1, where, "the schema has no list of fields", "schema-fields")]
    problems, names = text_problems(where, schema, "schema-fields"), []
    if schema.get("missingValues", [""]) != [""]:
        problems.append(Problem(DESCRIPTOR, 1, f"{where}.missingValues", "missingValues must be [\"\"] (an empty cell is missing; the text NA is a value)", "schema-constraint"))
    for i, spec in enumerate(schema["fields"]):
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or not spec["name"]:
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.fields[{i}]", "a field has no name", "schema-fields"))
            continue
        if not re.fullmatch(FIELD_NAME, spec["name"]):
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.fields[{i}]", f"field name {spec['name']!r} is not lower case letters, digits and _", "schema-fields"))
            continue
        names.append(spec["name"])
        problems += text_problems(where, spec, "schema-fields", f"{where}.{spec['name']}")
        if spec.get("format", "default") != "default":
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"format {spec['format']!r} is not supported (dates are YYYY-MM-DD)", "field-type"))
        problems += [Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"{key} {spec[key]!r} is not supported: cells are read " + (f"with {key} {honoured!r}" if honoured is not None else f"without {key}"), "field-type")
                     for key, honoured in PARSING.items() if key in spec and not _same(spec[key], honoured)]
        if spec.get("type", "string") not in KNOWN_TYPES:
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"unknown field type {spec.get('type')!r}; use one of {', '.join(KNOWN_TYPES)}", "field-type"))
        cons = spec.get("constraints", {})
        if not isinstance(cons, dict):
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", "constraints is not an object", "field-type"))
            continue
        unfit = _unfit(spec.get("type", "string"), cons)
        for key, value in cons.items():
            if key not in CONSTRAINTS:
                problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"constraint {key!r} is not supported; use {', '.join(CONSTRAINTS)}", "schema-constraint"))
            elif key in unfit:
                problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"constraint {key} {value!r} is not supported on {unfit[key]} field", "schema-constraint"))
            elif CONSTRAINTS[key] is bool and not isinstance(value, bool):
                problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"constraint {key} must be true or false (a JSON boolean, no quotes), not {value!r}", "schema-constraint"))
            elif key in ("minimum", "maximum"):
                why = _bound_problem(spec.get("type", "string"), value)
                if why:
                    problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"constraint {key} {value!r} {why}", "schema-constraint"))
            elif not isinstance(value, CONSTRAINTS[key]) or (CONSTRAINTS[key] is int and isinstance(value, bool)):
                problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"constraint {key} {value!r} has the wrong type", "schema-constraint"))
        for low, high in (("minimum", "maximum"), ("minLength", "maxLength")):
            bounds = [cons.get(low), cons.get(high)]
            kind = spec.get("type", "string") if low == "minimum" else "integer"
            if None not in bounds and low not in unfit and not any(_bound_problem(kind, b) for b in bounds) and all(not isinstance(b, bool) for b in bounds) and bounds[0] > bounds[1]:
                problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"constraint {low} {bounds[0]!r} is greater than {high} {bounds[1]!r}: no value can pass", "schema-constraint"))
        if isinstance(cons.get("pattern"), str) and "pattern" not in unfit:
            why = pattern_problem(cons["pattern"])
            if why:
                problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"invalid pattern {cons['pattern']!r}: {why}", "schema-constraint"))
        if isinstance(cons.get("enum"), list) and any(not isinstance(v, str) or re.search(INVISIBLE_RX, v) or v != v.strip() for v in cons["enum"]):
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", "enum levels must be text without control or invisible characters or surrounding whitespace", "schema-constraint"))
        elif isinstance(cons.get("enum"), list) and len(set(cons["enum"])) < len(cons["enum"]):
            repeated = sorted({v for v in cons["enum"] if cons["enum"].count(v) > 1})
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", f"enum levels must differ: {', '.join(map(repr, repeated))} given more than once", "schema-constraint"))
        if "enum" in cons and (not isinstance(cons["enum"], list) or not cons["enum"]):
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", "enum is not a non-empty list", "schema-constraint"))
        why = _levels_problem(spec.get("type", "string"), cons.get("enum"))
        if why:
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.{spec['name']}", why, "schema-constraint"))
    if len(set(names)) != len(names):
        problems.append(Problem(DESCRIPTOR, 1, where, "duplicate field names", "schema-fields"))
    pk = schema.get("primaryKey", [])
    if not pk:
        problems.append(Problem(DESCRIPTOR, 1, f"{where}.primaryKey", "the schema has no primary key", "schema-key"))
    for key in [pk] if isinstance(pk, str) else pk if isinstance(pk, list) else [None]:
        if key not in names:
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.primaryKey", f"primary key names {key!r}, not a field", "schema-key"))
    for fk in schema.get("foreignKeys", []) if isinstance(schema.get("foreignKeys", []), list) else [None]:
        problems += _foreign_key_problems(where, fk, names, name, names_of)
    return problems


def _field_list(value) -> list:
    """A key's fields as a list: one name, or a list of them (anything else: an empty list, refused)."""
    return [value] if isinstance(value, str) else value if isinstance(value, list) else []


def _foreign_key_problems(where: str, fk, names: list, table: str, names_of: dict) -> list[Problem]:
    ref = fk.get("reference") if isinstance(fk, dict) else None
    if not isinstance(ref, dict):
        return [Problem(DESCRIPTOR, 1, f"{where}.foreignKeys", "a foreign key has no reference", "schema-key")]
    if not isinstance(ref.get("resource", ""), str):
        return [Problem(DESCRIPTOR, 1, f"{where}.foreignKeys", f"a foreign key's reference resource must be a resource name, not {ref['resource']!r}", "schema-key")]
    fields, refs = _field_list(fk.get("fields")), _field_list(ref.get("fields"))
    resource = ref.get("resource") or table
    problems = [Problem(DESCRIPTOR, 1, f"{where}.foreignKeys", f"foreign key field {f!r} is not a field", "schema-key") for f in fields if isinstance(f, str) and f not in names]
    if not fields or len(fields) != len(refs) or not all(isinstance(f, str) for f in fields + refs):
        problems.append(Problem(DESCRIPTOR, 1, f"{where}.foreignKeys", "a foreign key's fields and reference fields are each a field name or a list of names, as many of one as of the other", "schema-key"))
    elif resource not in names_of:
        problems.append(Problem(DESCRIPTOR, 1, f"{where}.foreignKeys", f"foreign key {fields[0]!r} references unknown resource {resource!r}", "schema-key"))
    elif names_of[resource] is not None:
        problems += [Problem(DESCRIPTOR, 1, f"{where}.foreignKeys", f"foreign key {fields[0]!r} references unknown field {resource}.{r}", "schema-key") for r in refs if r not in names_of[resource]]
    return problems


FITS = {"pattern": ("string",), "minLength": ("string",), "maxLength": ("string",), "minimum": ("integer", "number", "date"), "maximum": ("integer", "number", "date")}


def _unfit(kind: str, cons: dict) -> dict[str, str]:
    """The constraints of ``cons`` that do not fit a field of type ``kind`` (a length on an integer, a pattern
    on a number, a bound on text or on an enum, whose levels are its values), each with what the field is."""
    if kind not in KNOWN_TYPES:
        return {}  # refused as an unknown type
    out = {}
    for key, types in FITS.items():
        if key in cons and kind not in types:
            out[key] = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
        elif key in cons and key in ("minimum", "maximum") and "enum" in cons:
            out[key] = "an enum"
    return out


ENUM_TYPES = ("string", "integer")  # the types whose levels every export keeps (a boolean, date or number level would not survive)


def _levels_problem(kind: str, levels) -> str | None:
    """Why ``levels`` cannot be the enum of a field of type ``kind``: levels are values of the type, written as
    the type writes them, so that a cell in the levels has passed the type check too (None when they can)."""
    if not isinstance(levels, list) or not levels or not all(isinstance(v, str) for v in levels):
        return None  # refused above, with what is wrong with the list itself
    if kind not in ENUM_TYPES:
        return f"enum is supported on string and integer fields, not on a {kind} field"
    if kind == "integer":
        import pandas as pd

        from ddsc.package.model import parse_numbers

        parsed = parse_numbers(pd.Series(levels, dtype="string"), "integer")
        bad = [level for level, value in zip(levels, parsed) if pd.isna(value) or str(value) != level]
        if bad:
            return f"the levels of an integer field must be integers written plainly (1, -2), not {', '.join(map(repr, bad[:3]))}"
    return None


def pattern_problem(pattern: str) -> str | None:
    """Why a pattern cannot be used: it must compile in RE2 (linear time, as Arrow matches it), so that no
    pattern can make validation backtrack for ever."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        pc.match_substring_regex(pa.array([""]), pattern=pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as err:
        return str(err).split("\n")[0]
    return None


def _bound_problem(kind: str, value) -> str | None:
    """Why ``value`` cannot be the minimum or maximum of a field of type ``kind`` (None when it can)."""
    if kind == "integer":
        return None if isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_INTEGER else f"must be a JSON integer (no quotes) at most {MAX_INTEGER:,} either way"
    if kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        return None if ok else "must be a finite JSON number (no quotes)"
    if kind == "date":
        return None if is_date(value) else "must be a date written YYYY-MM-DD"
    return f"is not supported on a {kind} field"


def _path_key(path: str) -> str:
    """One spelling per file: ``tables/./a.csv``, ``tables//a.csv`` and ``Tables/A.csv`` (one file where case
    is not told apart) are ``tables/a.csv``."""
    return unicodedata.normalize("NFC", PurePosixPath(path).as_posix()).casefold()


def read_model(source: Source) -> tuple[dict | None, dict[str, Table], list[Problem]]:
    """Descriptor and schema model of the package; a table whose resource or schema is unusable is left out, with its problems."""
    desc, problems = descriptor(source)
    if desc is None:
        return None, {}, problems
    resources = desc.get("resources")
    if not isinstance(resources, list) or not resources:
        return desc, {}, [Problem(DESCRIPTOR, 1, "resources", "the package declares no resources", "descriptor")]
    problems += package_problems(desc)
    schemas, paths = {}, {}
    for i, res in enumerate(resources):
        name = res.get("name") if isinstance(res, dict) else None
        where = f"resources.{name if isinstance(name, str) else i}"
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            problems.append(Problem(DESCRIPTOR, 1, where, "a resource has no valid name (lower case letters, digits, _)", "descriptor"))
            continue
        if name.startswith("sqlite_"):
            problems.append(Problem(DESCRIPTOR, 1, where, f"resource name {name!r} is reserved by SQLite (names starting sqlite_)", "descriptor"))
            continue
        if name in schemas:
            problems.append(Problem(DESCRIPTOR, 1, where, f"duplicate resource name {name!r}", "descriptor"))
            continue
        problems += resource_problems(where, res)
        bad = [(key, unsafe_path(res.get(key))) for key in ("path", "schema") if not (key == "schema" and isinstance(res.get(key), dict))]
        bad = [(key, why) for key, why in bad if why]
        problems += [Problem(DESCRIPTOR, 1, f"{where}.{key}", why, "unsafe-path") for key, why in bad]
        if bad:
            schemas[name] = None
            continue
        same = paths.setdefault(_path_key(res["path"]), name)
        if same != name:  # read once: a hundred resources naming one file are not a hundred parses of it
            problems.append(Problem(DESCRIPTOR, 1, f"{where}.path", f"path {res['path']!r} is the file of resource {same!r} too; a table file belongs to one resource", "descriptor"))
            schemas[name] = None
            continue
        schema, found = (res["schema"], []) if isinstance(res["schema"], dict) else read_json(source, res["schema"], DESCRIPTOR)
        problems += found
        schemas[name] = (res, schema) if not found else None
    names_of = {n: ([f.get("name") for f in v[1]["fields"] if isinstance(f, dict)] if v and isinstance(v[1], dict) and isinstance(v[1].get("fields"), list) else None) for n, v in schemas.items()}
    tables = {}
    for name, entry in schemas.items():
        if entry is None:
            continue
        found = _schema_problems(name, entry[1], names_of)
        indexes = entry[0].get("indexes", [])
        if not isinstance(indexes, list) or not all(isinstance(i, list) and i and all(f in (names_of[name] or []) for f in i) for i in indexes):
            found.append(Problem(DESCRIPTOR, 1, f"resources.{name}.indexes", "indexes must be lists of the table's field names", "descriptor"))
        problems += found
        if not found:
            tables[name] = Table.from_resource(entry[0], entry[1])
    return desc, tables, problems + key_shape_problems(tables)


def open_package(root: Path | Source, verify: bool = True) -> tuple[Source, dict[str, Table]]:
    """The opened package or release and its schema model, for a reader that needs sound schemas: with
    ``verify``, the release is checked against its SHA256SUMS first, and refused without one; a checksum or
    schema problem raises ``UnsafeRelease``."""
    source = root if isinstance(root, Source) else Source(Path(root))
    if verify:
        problems = checksum_problems(source)
        if problems:
            raise UnsafeRelease(f"{source.name}: " + "; ".join(map(str, problems[:5])) + (" ..." if len(problems) > 5 else ""))
    desc, model, problems = read_model(source)
    if problems:
        raise UnsafeRelease("; ".join(str(p) for p in problems[:5]))
    return source, model


def key_shape_problems(tables: dict) -> list[Problem]:
    """A foreign key references a key of its table (its primary key, or one field declared unique), so that
    each value names one row; and a foreign key field has the type, pattern and levels of the field it
    references: a key has one meaning wherever it is used, so joins never compare unlike values."""
    problems = []
    for table in tables.values():
        for fk in table.foreign_keys:
            if fk.resource not in tables:
                continue
            target = tables[fk.resource]
            unique = set(fk.references) == set(target.primary_key) or len(fk.references) == 1 and target.field(fk.references[0]).constraints.get("unique") is True
            if not unique:
                problems.append(Problem(DESCRIPTOR, 1, f"schemas.{table.name}.foreignKeys", f"foreign key {fk.label} references neither the primary key of {fk.resource} "
                                        f"({', '.join(target.primary_key)}) nor a field declared unique: a value could name several rows", "schema-key"))
                continue
            for own, ref in zip(fk.fields, fk.references):
                a, b = table.field(own), tables[fk.resource].field(ref)
                if (a.type, a.constraints.get("pattern"), a.enum) != (b.type, b.constraints.get("pattern"), b.enum):
                    problems.append(Problem(DESCRIPTOR, 1, f"schemas.{table.name}.{own}", f"differs in type, pattern or levels from {fk.resource}.{ref}, which it references", "schema-key"))
    return problems
