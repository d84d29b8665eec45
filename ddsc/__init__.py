"""DDSC: the Defense Diplomacy and Security Cooperation Dataset."""
