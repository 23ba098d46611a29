"""A Dutch sound key: text reduced to how it sounds, for character n-grams that survive ASR spelling.

Whisper base writes what it hears, often misspelt or split differently ("deregter" for "de rechter",
"in diennen" for "indienen", "wafsel" for "waffel"). Spellings that sound alike map to one string (ij/ei,
ou/au, final d/dt/t, v/f, z/s, ch/g, doubled letters) and word gaps are dropped, so the n-grams of a
misheard word still match the written one."""

from __future__ import annotations

import re
import unicodedata

_RULES = [(re.compile(p), r) for p, r in (
    (r"sch", "sg"), (r"ch", "g"), (r"ij|y", "ei"), (r"ou", "au"), (r"dt\b", "t"), (r"d\b", "t"), (r"v", "f"),
    (r"z", "s"), (r"ph", "f"), (r"th", "t"), (r"ck", "k"), (r"c(?=[aou])", "k"), (r"qu", "kw"), (r"x", "ks"),
    (r"ie", "i"), (r"([a-z])\1", r"\1"),
)]


def sound_key(text: str) -> str:
    """Lowercase letters without accents, spelled by sound, words run together ("Hou je mond!" -> "haujemont")."""
    t = unicodedata.normalize("NFKD", text.lower())
    t = re.sub(r"[^a-z\s]", " ", "".join(c for c in t if not unicodedata.combining(c)))
    for pattern, repl in _RULES:
        t = pattern.sub(repl, t)
    return re.sub(r"\s+", "", t)
