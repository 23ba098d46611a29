"""Masking of personal data in transcripts and quotes before anything leaves the pipeline as a report.

`find_pii(text)` returns the character spans of:

- ``bsn``: a burgerservicenummer, 9 digits (also written 123.456.782 or 123 456 782) that pass the
  elfproef;
- ``telefoon``: Dutch phone numbers: 06-12345678, 06 12 34 56 78, 020-1234567, 0111 123456,
  +31 6 12345678, 0031 (0)20 1234567, 0800/0900 numbers;
- ``email``: e-mail addresses, also the spoken form ASR writes ("jan punt jansen apenstaartje gmail punt com");
- ``iban``: IBAN account numbers (NL: the format alone, since ASR may garble a digit; other countries: the
  ISO 7064 mod-97 check);
- ``adres``: a postcode (1234 AB, 1234AB) with the house number that follows, and street + house number
  ("Kerkstraat 12a").

`mask(text)` replaces each span by a Dutch placeholder such as ``[BSN]``. Spans never overlap; where two
patterns overlap the longer span wins. Nothing here is perfect: the report says which kinds were masked, and
a person who needs the full text asks for an unredacted page explicitly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDER_NL: dict[str, str] = {
    "bsn": "[BSN]",
    "telefoon": "[telefoonnummer]",
    "email": "[e-mailadres]",
    "iban": "[IBAN]",
    "adres": "[adres]",
}
KIND_NAMES_NL: dict[str, str] = {
    "bsn": "BSN",
    "telefoon": "telefoonnummers",
    "email": "e-mailadressen",
    "iban": "IBAN",
    "adres": "postcode en huisnummer",
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


# ----------------------------------------------------------------------------------------- checks


def elfproef(digits: str) -> bool:
    """The BSN check: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (and not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or int(digits) == 0:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def iban_valid(iban: str) -> bool:
    """ISO 13616 / 7064 mod-97 check of an IBAN without spaces."""
    s = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}", s):
        return False
    rearranged = s[4:] + s[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


# ----------------------------------------------------------------------------------------- patterns

_BSN_RE = re.compile(r"(?<![\w+])\d(?:[ .\-]?\d){8}(?![\w])")
_PHONE_START_RE = re.compile(r"(?<![\w+])(?:\+\s?31|0031|\(0\d{1,3}\)|0)")
_SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_SPOKEN_EMAIL_RE = re.compile(
    r"\b[\w-]+(?:\s+(?:punt|streepje|liggend streepje)\s+[\w-]+)*\s+apenstaartje\s+[\w-]+(?:\s+punt\s+[\w-]+)+\b",
    re.IGNORECASE,
)
_IBAN_NL_RE = re.compile(r"(?<![\w])NL\s?\d{2}\s?[A-Z]{4}(?:\s?\d){10}(?![\w])", re.IGNORECASE)
_IBAN_RE = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){10,30}(?![\w])")
# Postcode: 4 digits (no leading 0) + 2 capitals (or 2 letters written against the digits), then an
# optional house number ("12", "12a", "12-3", "nummer 12", "huisnummer 12 bis").
_HOUSE = r"(?:,?\s+(?:huisnummer\s+|nummer\s+|nr\.?\s+)?\d{1,5}(?:-?[a-zA-Z]{1,2}\b|-\d{1,4})?(?![\d]))?"
_POSTCODE_RE = re.compile(r"(?<![\w])[1-9]\d{3}(?:\s?[A-Z]{2}|[a-z]{2})(?![\w])" + _HOUSE)
_STREET_RE = re.compile(
    r"\b[A-Z][\w'\-]*(?:straat|laan|weg|plein|gracht|kade|singel|dijk|pad|steeg|hof|park|dreef|markt|"
    r"plantsoen|erf|baan|wal|haven|veld|hoek|akker|kamp|ring|allee|boulevard)\s+\d{1,5}(?:\s?[a-zA-Z]\b|-\d{1,4})?"
)


def _phones(text: str) -> list[Span]:
    """Scan from each possible start, collecting digits with at most two separators between them."""
    spans = []
    for m in _PHONE_START_RE.finditer(text):
        prefix = m.group(0)
        international = prefix.startswith(("+", "0031"))
        digits = "0" if international else re.sub(r"\D", "", prefix)
        i = m.end()
        if international:
            opt = re.match(r"[ .\-]?\(0\)", text[i:])
            if opt:
                i += opt.end()
        end = i
        while len(digits) < 10:
            step = re.match(r"[ .\-/()]{0,2}(\d)", text[i:])
            if step is None:
                break
            digits += step.group(1)
            i += step.end()
            end = i
            service = digits[:4] in _SERVICE_PREFIXES
            if service and len(digits) in (8, 11) and not re.match(r"[ .\-/]?\d", text[i:]):
                break
        service = digits[:4] in _SERVICE_PREFIXES
        ok = len(digits) == 10 or (service and len(digits) == 8)
        ok = ok and digits.startswith("0") and not digits.startswith("00")
        if ok and (end >= len(text) or not text[end].isalnum()):
            spans.append(Span(m.start(), end, "telefoon"))
    return spans


def _bsns(text: str) -> list[Span]:
    spans = []
    for m in _BSN_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if elfproef(digits):
            spans.append(Span(m.start(), m.end(), "bsn"))
    return spans


def _ibans(text: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), "iban") for m in _IBAN_NL_RE.finditer(text)]
    for m in _IBAN_RE.finditer(text):
        if not m.group(0).upper().startswith("NL") and iban_valid(m.group(0)):
            spans.append(Span(m.start(), m.end(), "iban"))
    return spans


def _regex(pattern: re.Pattern, kind: str, text: str) -> list[Span]:
    return [Span(m.start(), m.end(), kind) for m in pattern.finditer(text)]


def find_pii(text: str) -> list[Span]:
    """Non-overlapping spans of personal data in `text`, sorted by start."""
    if not text:
        return []
    found = (
        _ibans(text)
        + _regex(_EMAIL_RE, "email", text)
        + _regex(_SPOKEN_EMAIL_RE, "email", text)
        + _phones(text)
        + _bsns(text)
        + _regex(_POSTCODE_RE, "adres", text)
        + _regex(_STREET_RE, "adres", text)
    )
    # Longest first wins; then keep the chosen spans in text order.
    chosen: list[Span] = []
    for s in sorted(found, key=lambda s: (-(s.end - s.start), s.start)):
        if all(s.end <= c.start or s.start >= c.end for c in chosen):
            chosen.append(s)
    return sorted(chosen, key=lambda s: s.start)


def mask(text: str, spans: list[Span] | None = None) -> str:
    """`text` with every personal-data span replaced by its placeholder."""
    spans = find_pii(text) if spans is None else spans
    out, pos = [], 0
    for s in spans:
        out.append(text[pos : s.start])
        out.append(PLACEHOLDER_NL[s.kind])
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


def maybe_mask(text: str, redact: bool) -> str:
    return mask(text) if redact else text
