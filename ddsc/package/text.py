"""The one definition of a character that must not hide in a cell or reach a terminal raw: C0 and C1
control characters and DEL, every bidirectional mark and control, and the invisible characters
(zero-width spaces and joiners, word joiner and invisible operators, soft hyphen, byte order mark,
Mongolian vowel separator, Hangul fillers, combining grapheme joiner, line and paragraph separators). Validation rejects them in free
text; ``escape`` shows them as escapes wherever text is printed. And the one definition of keys that look alike
(``skeleton``)."""

import re
import unicodedata

INVISIBLE_RANGES = (
    ("\x00", "\x1f"), ("\x7f", "\x9f"),  # C0 controls, DEL, C1 controls (U+009B is a terminal control introducer)
    ("\u00ad", "\u00ad"), ("\u034f", "\u034f"),  # soft hyphen, combining grapheme joiner
    ("\u061c", "\u061c"), ("\u200e", "\u200f"), ("\u202a", "\u202e"), ("\u2066", "\u2069"),  # ALM, LRM, RLM, embeddings, isolates
    ("\u115f", "\u1160"), ("\u3164", "\u3164"), ("\uffa0", "\uffa0"),  # Hangul fillers
    ("\u180e", "\u180e"), ("\u200b", "\u200d"), ("\u2060", "\u2064"), ("\ufeff", "\ufeff"),  # zero-width and invisible operators
    ("\u2028", "\u2029"),  # line and paragraph separators (a line break to many readers)
)
INVISIBLE_RX = "[" + "".join(re.escape(a) if a == b else f"{re.escape(a)}-{re.escape(b)}" for a, b in INVISIBLE_RANGES) + "]"
_INVISIBLE = re.compile(INVISIBLE_RX)


def escape(text: str) -> str:
    """``text`` with every invisible or control character shown as ``\\xNN`` or ``\\uNNNN``."""
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) > 0xFF else f"\\x{ord(m.group()):02x}", text)


# Cyrillic and Greek letters that look like a Latin letter (capital or small), folded to it; the common homoglyphs
# of Latin text, not every pair of Unicode's confusables list (same-script pairs such as l and I are not folded).
LOOK_ALIKE = str.maketrans({
    **dict(zip("АВЕЅІЈКМНОРСТУХҮҺӀԚԜ", "ABESIJKMHOPCTYXYhIQW")), **dict(zip("аеѕіјорсхуүһӏԁԛԝ", "aesijopcxyyhldqw")),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX")), **dict(zip("αικνορυχ", "aikvopux")),
})


def skeleton(text: str) -> str:
    """What ``text`` looks like: NFKC (fullwidth and other compatibility forms to their plain letters, composed
    accents), then Cyrillic and Greek look-alikes folded to Latin. Two keys with one skeleton look the same."""
    return unicodedata.normalize("NFKC", text).translate(LOOK_ALIKE)
