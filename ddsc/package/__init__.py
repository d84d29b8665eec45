"""The package as files, the lowest floor: opening a folder or a zip safely (``source``), the descriptor and
its Table Schemas (``descriptor``) read into the schema model with every type map (``model``), reading a CSV
table as text with its structural checks (``read``) and writing one (``render``), the checksums of a release
(``checksums``), CITATION.cff (``cff``), the characters that must not hide in text (``text``), the fields
shared across tables (``fields``), and the located problem (``problems``) with its declared kinds
(``kinds``). Every other floor stands on it; it imports nothing from them."""
