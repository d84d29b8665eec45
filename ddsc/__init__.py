"""DDSC: the Defense Diplomacy and Security Cooperation Dataset."""

from ddsc.load import load

__all__ = ["load"]
