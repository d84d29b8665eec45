"""What a step is: its name, layer, outputs, run function and raw inputs. Each step module declares its
``STEP`` with this; ``ddsc.pipeline.steps`` lists them in order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

SOURCE, DERIVED = "source", "derived"


@dataclass(frozen=True)
class Step:
    """``run`` of a source step: ``run(root, raw_root) -> {table: frame}``; of a derived step:
    ``run(tables) -> {table: frame}`` from the validated, typed core tables."""

    name: str
    layer: str
    outputs: tuple[str, ...]
    run: Callable = field(repr=False)
    sources: tuple[str, ...] = ()  # source steps: the folders under sources/ with the manifests of the raw inputs
    description: str = ""
