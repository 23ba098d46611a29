"""Explainable marker layer: Dutch lexicon patterns -> evidence spans -> a norm-matrix level or agent act.

`find_markers(text)` returns `Evidence` spans with exact character offsets into the original text.
`MarkerClassifier` combines the markers with plain rules:

* caller: threat / doxxing / sexual / self_harm -> dreiging (unless negated, reported speech, or a weak
  threat next to a legitimate announcement); an insult aimed at a person (jij/je/u/jullie nearby, or a bare
  insult in a short utterance) -> agressie_jij; criticism or a legitimate announcement -> kritiek_jullie;
  emotion words, curses not aimed at anyone -> emotie_ik; else neutraal. Probabilities are soft scores.
* agent: werkinstructie cues -> act, priority gesprek_beeindigen > grens_stellen > gedrag_benoemen >
  mogelijkheden > uitleggen > afronden > erkennen_emotie > overig. Agents never get a level.

Matching runs on a length-preserving normalisation of the text (lowercase, diacritics stripped,
punctuation as space), so offsets found there are offsets into the original text. The patterns live in
`vpd_speech/nlp/lexicon/*.txt` (syntax in its README.md) and are compiled once per lexicon directory.
"""

from __future__ import annotations

import operator
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from vpd_speech.labels import AGENT_ACTS, CALLER_LABELS, Role
from vpd_speech.resources import shipped
from vpd_speech.schema import Classification, Evidence

DEFAULT_LEXICON_DIR = shipped("vpd_speech.nlp", "lexicon")
LEXICON_ENV = "VPD_LEXICON_DIR"

PRONOUN_KINDS = ("ik", "jullie", "jij", "u")
ADDRESS_KINDS = ("jij", "u", "jullie")
DANGER_KINDS = ("threat", "doxxing", "sexual", "self_harm")
CALLER_KINDS = PRONOUN_KINDS + DANGER_KINDS + (
    "insult", "curse", "criticism", "legitimate", "emotion", "negation", "reported",
)
AGENT_CUE_ACT: dict[str, str] = {
    "ending": "gesprek_beeindigen",
    "boundary": "grens_stellen",
    "behaviour_named": "gedrag_benoemen",
    "options": "mogelijkheden",
    "explain": "uitleggen",
    "closing": "afronden",
    "acknowledge": "erkennen_emotie",
}
AGENT_PRIORITY: tuple[str, ...] = (
    "gesprek_beeindigen", "grens_stellen", "gedrag_benoemen",
    "mogelijkheden", "uitleggen", "afronden", "erkennen_emotie", "overig",
)

# A span of kind K drops any span of a kind in SUPPRESS[K] that lies inside it
# ("dat is idioot" is criticism of a situation, not an insult; "kut" inside an insult is no separate curse).
SUPPRESS: dict[str, frozenset[str]] = {
    "criticism": frozenset({"insult", "curse"}),
    "insult": frozenset({"curse"}),
    "sexual": frozenset({"insult", "curse"}),
    "legitimate": frozenset({"threat"}),
}

# Macros usable in lexicon lines as {NAME}.
MACROS: dict[str, str] = {
    "ADDR": r"(?:je|jij|jou|u|jullie|julie|ge|gij|jullie allemaal)",
    "POSS": r"(?:je|jouw|jou|uw|jullie|julie|ge|gij|u)",
    "SELF": r"(?:ik|ikke|k|'k|we|wij)",
    "OBJ": r"(?:je|jij|jou|u|jullie|julie|ge|gij|hem|haar|ze|die|iemand|iedereen|jullie allemaal|die vent|die man|die vrouw|dat wijf|die ambtenaar)",
}
FILLER = r"(?:[a-z0-9']+\s+){0,4}?"
_NEG_WORDS = re.compile(r"(?<![a-z0-9])(?:niet|niks|niets|nooit|geen|nergens)(?![a-z0-9])")
_NEG_AFTER = re.compile(r"\s+(?:[a-z']+\s+)?(?:niet|nooit)(?![a-z0-9])")
_CONDITIONAL = re.compile(r"(?<![a-z0-9])(?:als|indien|wanneer|tenzij|zodra|dan|anders)(?![a-z0-9])")
_NU = re.compile(r"(?<![a-z0-9])nu(?![a-z0-9])")
_WORD = re.compile(r"[a-z0-9']+")

ADDRESS_WINDOW = 60  # chars between an insult and an address pronoun for the insult to count as aimed
SHORT_UTTERANCE = 5  # tokens: a bare insult in an utterance this short is aimed at the listener
NEGATION_WINDOW = 15
REPORTED_BEFORE = 80
REPORTED_AFTER = 30
TEMPERATURE = 1.5


# --------------------------------------------------------------------------- normalisation

def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x2500):
        ch = chr(code)
        low = ch.lower()
        if len(low) != 1:
            low = ch
        base = unicodedata.normalize("NFKD", low)[:1] or low
        if base.isascii() and base.isalnum():
            out = base.lower()
        elif low.isalnum() and len(base) == 1 and not base.isascii():
            out = base  # non-Latin letter: keep as is
        elif ch in "'’‘`´":
            out = "'"
        else:
            out = " "
        if out != ch:
            table[code] = out
    return table


_TABLE = _build_table()


def normalise(text: str) -> str:
    """Lowercase, strip diacritics, punctuation -> space; always the same length as `text`."""
    out = text.translate(_TABLE)
    if len(out) != len(text):  # cannot happen with the 1:1 table, but offsets depend on it
        raise AssertionError("normalisation changed the text length")
    return out


# --------------------------------------------------------------------------- lexicon

@dataclass(frozen=True)
class _Entry:
    kind: str
    weight: float
    aimed: bool
    filler: bool
    source: str  # the lexicon line, for debugging


@dataclass
class Hit:
    kind: str
    start: int
    end: int
    weight: float = 1.0
    aimed: bool = False
    filler: bool = False

    def evidence(self, text: str) -> Evidence:
        return Evidence(start=self.start, end=self.end, text=text[self.start:self.end], kind=self.kind)


def _expand(line: str) -> str:
    for name, value in MACROS.items():
        line = line.replace("{" + name + "}", value)
    line = line.replace(" ... ", " \x00")
    line = line.replace(" ?", r"\s*")
    line = line.replace(" ", r"\s+")
    return line.replace("\x00", FILLER)


def _parse_file(path: Path) -> tuple[dict[str, str], list[str]]:
    meta: dict[str, str] = {}
    entries: list[str] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#!"):
            key, _, value = raw[2:].partition(":")
            meta[key.strip().lower()] = value.strip()
            continue
        line = raw.split("  #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        entries.append(line)
    return meta, entries


try:  # the regex parser, to find which characters a pattern can start with
    from re import _constants as _sre_c  # Python >= 3.11
    from re import _parser as _sre_p
except ImportError:  # pragma: no cover
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]


def _first_seq(items) -> tuple[set[str] | None, bool]:
    chars: set[str] = set()
    for op, av in items:
        first, nullable = _first_item(op, av)
        if first is None:
            return None, False
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _first_item(op, av) -> tuple[set[str] | None, bool]:
    c = _sre_c
    if op is c.LITERAL:
        return {chr(av)}, False
    if op is c.IN:
        chars = set()
        for o, a in av:
            if o is c.LITERAL:
                chars.add(chr(a))
            elif o is c.RANGE:
                chars |= {chr(x) for x in range(a[0], a[1] + 1)}
            else:
                return None, False
        return chars, False
    if op is c.SUBPATTERN:
        return _first_seq(av[-1].data)
    if op is c.BRANCH:
        chars, nullable = set(), False
        for sub in av[1]:
            first, n = _first_seq(sub.data)
            if first is None:
                return None, False
            chars |= first
            nullable = nullable or n
        return chars, nullable
    if op in (c.MAX_REPEAT, c.MIN_REPEAT):
        first, n = _first_seq(av[2].data)
        if first is None:
            return None, False
        return first, n or av[0] == 0
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return set(), True
    return None, False


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of `pattern` can start with; None when unknown (any character)."""
    try:
        first, nullable = _first_seq(_sre_p.parse(pattern).data)
    except Exception:  # pragma: no cover - unusual syntax: no dispatch, always tried
        return None
    return None if first is None or nullable else frozenset(first)


_WORD_START = re.compile(r"(?<![a-z0-9])[^\s]")


class Lexicon:
    """All patterns of a lexicon directory, compiled once.

    Matching is dispatched on the first character of each word: for every possible first character there
    is one regex made of zero-width lookaheads, one capture group per lexicon entry that can start with
    that character, so a single `match` call per word finds every entry (of every kind) starting there.
    """

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)
        files = sorted(self.directory.glob("*.txt"))
        if not files:
            raise FileNotFoundError(f"no lexicon files (*.txt) in {self.directory}")
        self.kinds: set[str] = set()
        entries: list[tuple[_Entry, str, frozenset[str] | None]] = []
        for path in files:
            meta, lines = _parse_file(path)
            kind = meta.get("kind", path.stem)
            weight = float(meta.get("weight", "1.0"))
            aimed = meta.get("aimed", "no").lower() in ("yes", "true", "1")
            self.kinds.add(kind)
            for line in lines:
                pattern = _expand(line) + r"(?![a-z0-9])"
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"{path.name}: bad pattern {line!r}: {exc}") from exc
                entry = _Entry(kind, weight, aimed, " ... " in line, f"{path.name}: {line}")
                entries.append((entry, pattern, first_chars(pattern)))
        self.entries = tuple(e for e, _, _ in entries)
        buckets: dict[str, list[int]] = {}
        anywhere = [i for i, (_, _, first) in enumerate(entries) if first is None]
        for i, (_, _, first) in enumerate(entries):
            for ch in first or ():
                buckets.setdefault(ch, []).append(i)

        def build(indexes: list[int]):
            indexes = sorted(set(indexes) | set(anywhere))
            if not indexes:
                return None
            parts = [f"(?:(?=({entries[i][1]}))|)" for i in indexes]
            regex = re.compile("".join(parts))
            # capture group number -> entry index (patterns may hold groups of their own)
            numbers, n = [], 1
            for i in indexes:
                numbers.append((n, self.entries[i]))
                n += 1 + re.compile(entries[i][1]).groups
            getter = operator.itemgetter(*[n for n, _ in numbers])
            if len(numbers) == 1:
                single = getter
                getter = lambda regs: (single(regs),)  # noqa: E731
            return regex, getter, tuple(e for _, e in numbers)

        self._dispatch = {ch: build(ix) for ch, ix in buckets.items()}
        self._default = build([])

    def scan(self, text: str) -> list[Hit]:
        """All marker hits in `text`, overlaps resolved, sorted by position."""
        return self.scan_normalised(normalise(text))

    def scan_normalised(self, norm: str) -> list[Hit]:
        best: dict[tuple[str, int], Hit] = {}
        dispatch, default = self._dispatch, self._default
        for w in _WORD_START.finditer(norm):
            compiled = dispatch.get(w.group(), default)
            if compiled is None:
                continue
            regex, getter, ents = compiled
            spans = getter(regex.match(norm, w.start()).regs)
            for e, (start, end) in zip(ents, spans):
                if start < 0:
                    continue
                while end > start and norm[end - 1] == " ":
                    end -= 1
                if end <= start:
                    continue
                key = (e.kind, start)
                old = best.get(key)
                if old is None or end > old.end or (end == old.end and e.weight > old.weight):
                    best[key] = Hit(e.kind, start, end, e.weight, e.aimed, e.filler)
        hits = _resolve(list(best.values()))
        _demote_conditional_endings(norm, hits)
        hits.sort(key=lambda h: (h.start, -h.end, h.kind))
        return hits


def _resolve(hits: list[Hit]) -> list[Hit]:
    if len(hits) < 2:
        return hits
    keep = []
    for h in hits:
        dropped = False
        for o in hits:
            if o is h:
                continue
            if h.kind in SUPPRESS.get(o.kind, ()) and o.start <= h.start and h.end <= o.end:
                dropped = True
                break
            # same kind: keep the longer of nested spans, the earlier of overlapping ones
            if o.kind == h.kind and o.start <= h.start < o.end and (o.start < h.start or o.end > h.end):
                dropped = True
                break
        if not dropped:
            keep.append(h)
    # exact duplicates (same kind and span from two groups)
    seen = set()
    out = []
    for h in keep:
        key = (h.kind, h.start, h.end)
        if key not in seen:
            seen.add(key)
            out.append(h)
    return out


def _demote_conditional_endings(norm: str, hits: list[Hit]) -> None:
    """'als u doorgaat beëindig ik het gesprek' is a warning (boundary), not the ending itself."""
    for h in hits:
        if h.kind != "ending":
            continue
        before = norm[max(0, h.start - 80):h.start]
        if _CONDITIONAL.search(before) and not _NU.search(norm[h.start:h.end]):
            h.kind = "boundary"


@lru_cache(maxsize=8)
def load_lexicon(directory: str | None = None) -> Lexicon:
    """The compiled lexicon of a directory (default: $VPD_LEXICON_DIR or vpd_speech/nlp/lexicon), cached."""
    return Lexicon(directory or os.environ.get(LEXICON_ENV) or DEFAULT_LEXICON_DIR)


def find_markers(text: str, lexicon: Lexicon | None = None) -> list[Evidence]:
    """Evidence spans of every marker kind in `text`; `text[e.start:e.end] == e.text`."""
    lex = lexicon or load_lexicon()
    return [h.evidence(text) for h in lex.scan(text)]


# --------------------------------------------------------------------------- decisions

def softmax(scores: Sequence[float] | np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Probabilities from scores along the last axis (each row of a 2-D array): the one softmax of the
    project, used by the marker rules and the norm-matrix model alike."""
    z = np.asarray(scores)
    e = np.exp((z - z.max(axis=-1, keepdims=True)) / temperature)
    return e / e.sum(axis=-1, keepdims=True)


def rounded_probabilities(p: Sequence[float] | np.ndarray) -> list[float]:
    """Probabilities rounded to 4 decimals that still sum to exactly 1 (the rest goes to the top label)."""
    r = [round(float(x), 4) for x in p]
    top = max(range(len(r)), key=r.__getitem__)
    r[top] = round(r[top] + 1.0 - sum(r), 4)
    return r


def _ensure_top(scores: list[float], index: int, margin: float = 0.3) -> None:
    others = max(s for j, s in enumerate(scores) if j != index)
    if scores[index] < others + margin:
        scores[index] = others + margin


def _near(a: Hit, b: Hit, window: int) -> bool:
    if a.start <= b.end and b.start <= a.end:
        return True
    return (b.start - a.end if b.start >= a.end else a.start - b.end) <= window


def _danger_status(h: Hit, norm: str, hits: list[Hit], has_legit: bool) -> str:
    for n in hits:
        if n.kind == "negation" and _near(h, n, NEGATION_WINDOW):
            return "negated"
    if h.filler and _NEG_WORDS.search(norm[h.start:h.end]):
        return "negated"
    if _NEG_AFTER.match(norm, h.end):  # 'ik sla je niet'
        return "negated"
    for r in hits:
        if r.kind != "reported":
            continue
        if r.end <= h.start and h.start - r.end <= REPORTED_BEFORE:
            return "reported"
        if r.start >= h.end and r.start - h.end <= REPORTED_AFTER:
            return "reported"
    if has_legit and h.weight < 1.0:
        return "legit"  # 'ik ga naar de krant, dan zul je het merken': a weak threat next to a legitimate step
    return "active"


def classify_caller(text: str, hits: list[Hit], norm: str | None = None) -> Classification:
    """Norm-matrix level of a caller utterance from its marker hits."""
    norm = normalise(text) if norm is None else norm
    by = {k: [h for h in hits if h.kind == k] for k in CALLER_KINDS}
    addr = by["jij"] + by["u"] + by["jullie"]
    n_tokens = len(_WORD.findall(norm))
    used: list[Hit] = []
    s = [3.0, 0.0, 0.0, 0.0, 0.0]
    if by["ik"]:
        s[1] += 0.5
    if by["jullie"]:
        s[2] += 0.8
    if by["jij"] or by["u"]:
        s[3] += 0.3

    has_legit = bool(by["legitimate"])
    active = []
    for kind in DANGER_KINDS:
        for h in by[kind]:
            status = _danger_status(h, norm, hits, has_legit)
            used.append(h)
            if status == "active":
                active.append(h)
                s[4] = max(s[4], 5.0 + 2.0 * h.weight)
                s[3] = max(s[3], 1.5)
            elif status == "negated":
                s[4] = max(s[4], 2.0)
                s[1] = max(s[1], 1.0)
            elif status == "reported":
                s[4] = max(s[4], 1.5)
                s[1] = max(s[1], 1.0)
            else:  # legit
                s[4] = max(s[4], 2.0)
                s[2] = max(s[2], 1.0)
    if active:
        used += [n for n in hits if n.kind in ("negation", "reported")]

    aimed_insults = []
    for h in by["insult"]:
        used.append(h)
        near_addr = [a for a in addr if _near(h, a, ADDRESS_WINDOW)]
        if h.aimed or near_addr or n_tokens <= SHORT_UTTERANCE:
            aimed_insults.append(h)
            used += near_addr
            s[3] = max(s[3], 5.5 + 0.3 * (len(aimed_insults) - 1))
            if any(a.kind == "jullie" for a in near_addr):
                s[2] = max(s[2], 2.5)
        else:
            s[3] = max(s[3], 2.5)
            s[1] = max(s[1], 3.5)

    for h in by["curse"]:
        used.append(h)
        s[1] = max(s[1], 3.6)
        s[3] = max(s[3], 1.8)
    if by["criticism"]:
        used += by["criticism"] + by["jullie"]
        s[2] = max(s[2], 4.0 + 0.2 * (len(by["criticism"]) - 1))
    if has_legit:
        used += by["legitimate"]
        s[2] = max(s[2], 4.2)
    if by["emotion"]:
        used += by["emotion"] + by["ik"]
        s[1] = max(s[1], 4.0 + (0.3 if by["ik"] else 0.0) + 0.2 * (len(by["emotion"]) - 1))

    if active:
        level = 4
    elif aimed_insults:
        level = 3
    elif by["criticism"] or has_legit:
        level = 2
    elif by["emotion"] or by["curse"] or by["insult"]:
        level = 1
    else:
        level = 0
    _ensure_top(s, level)
    probs = rounded_probabilities(softmax(s, TEMPERATURE))
    used_sorted = sorted({id(h): h for h in used}.values(), key=lambda h: (h.start, h.end, h.kind))
    return Classification(
        label=CALLER_LABELS[level],
        level=level,
        probabilities=dict(zip(CALLER_LABELS, probs)),
        evidence=[h.evidence(text) for h in used_sorted],
        source="markers",
    )


def classify_agent(text: str, hits: list[Hit], norm: str | None = None) -> Classification:
    """Werkinstructie act of an agent utterance; never a caller level (level=None)."""
    scores = {act: 0.0 for act in AGENT_ACTS}
    scores["overig"] = 2.0
    cues = [h for h in hits if h.kind in AGENT_CUE_ACT]
    found: dict[str, int] = {}
    for h in cues:
        act = AGENT_CUE_ACT[h.kind]
        found[act] = found.get(act, 0) + 1
    for act, n in found.items():
        scores[act] = 4.0 + 0.3 * (n - 1)
    act = next((a for a in AGENT_PRIORITY if a in found), "overig")
    values = [scores[a] for a in AGENT_ACTS]
    _ensure_top(values, AGENT_ACTS.index(act))
    probs = rounded_probabilities(softmax(values, TEMPERATURE))
    return Classification(
        label=act,
        level=None,
        probabilities=dict(zip(AGENT_ACTS, probs)),
        evidence=[h.evidence(text) for h in cues],
        source="markers",
    )


class MarkerClassifier:
    """Rule classifier over the marker lexicon; implements the `Classifier` protocol."""

    name = "markers"

    def __init__(self, lexicon_dir: str | Path | None = None):
        self.lexicon = load_lexicon(str(lexicon_dir) if lexicon_dir else None)

    def find_markers(self, text: str) -> list[Evidence]:
        return find_markers(text, self.lexicon)

    def classify(self, texts: Sequence[str], role: Role, contexts: Sequence[str] | None = None) -> list[Classification]:
        """The rules read each text on its own: `contexts` is accepted and not read."""
        decide = classify_caller if role == "caller" else classify_agent
        out = []
        for text in texts:
            norm = normalise(text)
            out.append(decide(text, self.lexicon.scan_normalised(norm), norm))
        return out
