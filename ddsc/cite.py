"""The citation of the current version, from CITATION.cff, as APA text and BibTeX."""

from pathlib import Path

import yaml


MAX_CFF_BYTES = 1 << 20


class _NoAliases(yaml.SafeLoader):
    """YAML without anchors and aliases (an alias bomb expands a small file without bound) and without
    duplicate keys (readers disagree on which one wins)."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            raise yaml.YAMLError("anchors and aliases are not accepted in CITATION.cff")
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _ in node.value]
        duplicated = sorted({str(k) for k in keys if keys.count(k) > 1})
        if duplicated:
            raise yaml.YAMLError(f"key {duplicated[0]!r} is given twice in CITATION.cff")
        return super().construct_mapping(node, deep=deep)


def citation(root: Path) -> dict:
    """CITATION.cff of the package at ``root``, read through the safe opener (no symlink, FIFO or device,
    size limited), without aliases or duplicate keys."""
    from ddsc.source import Source, UnsafeRelease

    source = Source(root)
    data = source.read("CITATION.cff")
    if len(data) > MAX_CFF_BYTES:
        raise UnsafeRelease(f"CITATION.cff: larger than {MAX_CFF_BYTES} bytes")
    try:
        meta = yaml.load(data.decode("utf-8"), Loader=_NoAliases)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise ValueError(f"CITATION.cff: {err}") from None
    if not isinstance(meta, dict) or not all(k in meta for k in ("title", "version", "authors", "date-released")):
        raise ValueError("CITATION.cff: needs title, version, authors and date-released")
    return meta


def _authors(meta: dict) -> list[str]:
    return [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in meta["authors"]]


def apa(meta: dict) -> str:
    year = str(meta["date-released"])[:4]
    doi = f" https://doi.org/{meta['doi']}" if meta.get("doi") else ""
    return f"{' & '.join(_authors(meta))} ({year}). {meta['title']} (Version {meta['version']}) [Data set].{doi}"


def bibtex(meta: dict) -> str:
    fields = {
        "author": " and ".join("{" + a + "}" if "," not in a else a for a in _authors(meta)),
        "title": "{" + meta["title"] + "}",
        "year": str(meta["date-released"])[:4],
        "version": meta["version"],
        "note": "Data set",
    }
    if meta.get("doi"):
        fields["doi"] = meta["doi"]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields.items())
    return f"@misc{{ddsc_{meta['version'].replace('.', '_')},\n{body}\n}}"


FORMATS = {"apa": apa, "bibtex": bibtex}
