"""DDSC: the Defense Diplomacy and Security Cooperation Dataset. ``ddsc.load()`` returns the typed tables."""

__all__ = ["load"]


def __getattr__(name: str):
    if name == "load":  # imported on first use, so that ``import ddsc`` does not import pandas
        from ddsc.typed import load

        return load
    raise AttributeError(f"module 'ddsc' has no attribute {name!r}")
