"""The repository's build, on top of the judge and the pipeline: a package is judged by ``ddsc.validation.validate``
alone (a release from elsewhere too); the repository adds its own rules, the shared field definitions of
its schemas (``ddsc.package.fields``) and derived tables equal, byte for byte, to their rebuild from the core tables
(``ddsc.pipeline.run.stale_problems``). Validation imports neither: the arrows point down."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ddsc.package.fields import shared_field_problems
from ddsc.package.descriptor import read_model
from ddsc.package.problems import ordered
from ddsc.package.source import Source
from ddsc.pipeline.run import stale_problems
from ddsc.validation.validate import Report, check


def check_repository(root: Path | Source, log=lambda message: None) -> Report:
    """Validate the repository's package: its schemas held to the shared field definitions, then every table
    (``validate.check``), then every derived table against its rebuild. Each stage runs only on a package the
    stage before found sound."""
    source = root if isinstance(root, Source) else Source(root)
    desc, model, problems = read_model(source)
    shared = shared_field_problems(model) if desc is not None else []
    if shared:  # with the descriptor's own problems, as validation would report them
        return Report(ordered(problems + shared))
    report = check(source, log)
    if report.problems:
        return report
    stale = stale_problems(report.tables, report.model, source)
    return dataclasses.replace(report, problems=ordered(stale), tables={}) if stale else report
