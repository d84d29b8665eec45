"""The citation of the current version, from CITATION.cff, as APA text, BibTeX or CFF; with ``table``, the
works that table rests on too (the references of CITATION.cff its resource names in ``sources``)."""

import re
from pathlib import Path

from ddsc.package.text import escape


def citation(root: Path) -> dict:
    """CITATION.cff of the package at ``root``, read through the safe opener (no symlink, FIFO or device,
    size limited) as ``ddsc.package.cff`` reads it: a file a citation cannot be made of raises ValueError naming the
    place of its first problem."""
    from ddsc.package.cff import read_cff
    from ddsc.package.source import Source, UnsafeRelease

    source = Source(root)
    data = source.read("CITATION.cff")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UnsafeRelease(f"CITATION.cff: not UTF-8 text ({err.reason} at byte {err.start})") from None
    meta, problems = read_cff(text)
    if problems:
        raise ValueError(str(problems[0]) + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""))
    return meta


def _shown(value) -> str:
    """A value of the file as the terminal shows it: control, bidirectional and invisible characters escaped."""
    return escape(str(value))


def works(root: Path, meta: dict, table: str) -> list[dict]:
    """The references of CITATION.cff that the resource ``table`` names in its ``sources``, in that order.
    ValueError when the package has no such table."""
    from ddsc.package.descriptor import descriptor
    from ddsc.package.source import Source

    desc, problems = descriptor(Source(root))
    resources = {r.get("name"): r for r in (desc or {}).get("resources", []) if isinstance(r, dict)}
    if problems or table not in resources:
        raise ValueError(f"no table {table!r} in the package (tables: {', '.join(sorted(map(str, resources)))})")
    by_title = {r.get("title"): r for r in meta.get("references") or [] if isinstance(r, dict)}
    return [by_title[s["title"]] for s in resources[table].get("sources", []) if s.get("title") in by_title]


def _authors(meta: dict) -> list[str]:
    return [_shown(a.get("name") or ", ".join(filter(None, [a["family-names"], a.get("given-names")]))) for a in meta["authors"]]


def _pages(ref: dict) -> str:
    where = ", ".join(str(x) for x in (ref.get("journal"), ref.get("volume")) if x)
    pages = f"{ref['start']}-{ref['end']}" if ref.get("start") and ref.get("end") else ""
    return ", ".join(x for x in (where, pages) if x)


def reference_apa(ref: dict) -> str:
    """One reference of CITATION.cff as APA-like text: authors, (year), title, [kind], where, version, address."""
    kind = {"data": "Data set", "software": "Computer software", "report": "Report"}.get(ref.get("type"), "")
    head = f"{' & '.join(_authors(ref))} ({ref['year']}). " if ref.get("year") else f"{' & '.join(_authors(ref))}. "
    parts = [ref["title"] + (f" [{kind}]" if kind else "")]
    parts += [x for x in (_pages(ref), ref.get("collection-title"), (ref.get("publisher") or {}).get("name")) if x]
    if ref.get("version"):
        parts.append(f"Version {ref['version']}")
    if ref.get("commit"):
        parts.append(f"commit {ref['commit']}")
    address = ref.get("url") or ref.get("repository-code")
    return head + ". ".join(parts) + "." + (f" {address}" if address else "")


def reference_bibtex(ref: dict, key: str) -> str:
    entry = {"article": "article", "report": "techreport", "book": "book"}.get(ref.get("type"), "misc")
    fields = {"author": " and ".join("{" + a + "}" if "," not in a else a for a in _authors(ref)), "title": "{" + ref["title"] + "}"}
    for name, value in (("journal", ref.get("journal")), ("volume", ref.get("volume")), ("year", ref.get("year")), ("version", ref.get("version")),
                        ("publisher", (ref.get("publisher") or {}).get("name")), ("series", ref.get("collection-title")),
                        ("pages", f"{ref['start']}--{ref['end']}" if ref.get("start") and ref.get("end") else None),
                        ("url", ref.get("url") or ref.get("repository-code")), ("note", ref.get("notes"))):
        if value:
            fields[name] = value
    if entry == "techreport":
        fields["institution"] = fields["author"]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@{entry}{{{key},\n{body}\n}}"


def apa(meta: dict) -> str:
    year = str(meta["date-released"])[:4]
    doi = f" https://doi.org/{_shown(meta['doi'])}" if meta.get("doi") else ""
    return f"{' & '.join(_authors(meta))} ({year}). {_shown(meta['title'])} (Version {_shown(meta['version'])}) [Data set].{doi}"


def bibtex(meta: dict) -> str:
    fields = {
        "author": " and ".join("{" + a + "}" if "," not in a else a for a in _authors(meta)),
        "title": "{" + _shown(meta["title"]) + "}",
        "year": str(meta["date-released"])[:4],
        "version": _shown(meta["version"]),
        "note": "Data set",
    }
    if meta.get("doi"):
        fields["doi"] = _shown(meta["doi"])
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{ddsc_{re.sub('[^A-Za-z0-9]', '_', meta['version'])},\n{body}\n}}"


def cff(meta: dict) -> str:
    import yaml

    keep = {k: meta[k] for k in ("cff-version", "message", "type", "title", "authors", "version", "date-released", "license", "doi") if k in meta}
    return yaml.safe_dump(keep, allow_unicode=True, sort_keys=False).rstrip("\n")


def _cff_refs(refs: list[dict]) -> str:
    import yaml

    return yaml.safe_dump({"references": refs}, allow_unicode=True, sort_keys=False).rstrip("\n")


FORMATS = {"apa": apa, "bibtex": bibtex, "cff": cff}


def text(meta: dict, fmt: str, refs: list[dict] = (), table: str = "") -> str:
    """The dataset's citation in ``fmt``, then the works ``table`` rests on, each in the same format."""
    out = [FORMATS[fmt](meta)]
    if table:
        out.append(f"\nUsing the table {table}, cite also the works it rests on:" if refs else f"\nThe table {table} rests on no work beyond the sources its rows cite.")
        if refs and fmt == "cff":
            out.append(_cff_refs(list(refs)))
        else:
            out += [reference_bibtex(r, f"ddsc_{table}_{i}") if fmt == "bibtex" else reference_apa(r) for i, r in enumerate(refs, 1)]
        out.append(f"\nEach row of {table} is also cited to its own source page in record_citations (see citations).")
    return "\n".join(out)
