"""DDSC: the Defense Diplomacy and Security Cooperation Dataset. ``ddsc.load()`` returns the typed tables."""

from ddsc.typed import load

__all__ = ["load"]
