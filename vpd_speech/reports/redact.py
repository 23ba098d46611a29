"""Masking of personal data in transcripts and quotes before anything leaves the pipeline as a report.

`find_pii(text)` returns the character spans of:

- ``bsn``: a burgerservicenummer, 9 digits (also written 123.456.782 or 123 456 782) that pass the
  elfproef (`stdnum.nl.bsn`);
- ``telefoon``: phone numbers written from a 0, +, 00 or (0: Dutch ones (06-12345678, 06 12 34 56 78,
  020-1234567, 0111 123456, (010) 123 45 67, +31 6 12345678, 0031 (0)20 1234567, 0800/0900 numbers) and
  foreign ones with their country code (+32 470 12 34 56, 0049 30 12345678), checked by `phonenumbers`;
  a full-length Dutch number (0 + 9 digits) counts even where the library does not know the range, since
  ASR may mishear one digit;
- ``email``: e-mail addresses, also the spoken form ASR writes ("jan punt jansen apenstaartje gmail punt com");
- ``iban``: IBAN account numbers (NL: the format alone, since ASR may garble a digit; other countries: the
  `stdnum.iban` check of checksum and country format);
- ``adres``: a postcode (1234 AB, 1234AB) with the house number that follows, and street + house number
  ("Kerkstraat 12a").

`mask(text)` replaces each span by a Dutch placeholder such as ``[BSN]``. Spans never overlap; where two
patterns overlap the longer span wins. Nothing here is perfect: the report says which kinds were masked, and
a person who needs the full text asks for an unredacted page explicitly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

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
    """The BSN check (elfproef) on exactly 9 digits; stdnum alone would also accept 8 by padding a zero."""
    return len(digits) == 9 and digits.isdigit() and stdnum_bsn.is_valid(digits)


def iban_valid(iban: str) -> bool:
    """An IBAN (spaces allowed) with a correct mod-97 checksum and the length and format of its country.

    Without stdnum's per-country checks: some look banks up in a list and would reject real accounts
    (BE68 5390 0754 7034)."""
    return stdnum_iban.is_valid(iban, check_country=False)


PHONE_REGION = "NL"  # numbers written without a country code are Dutch


def parse_phone(number: str) -> phonenumbers.PhoneNumber | None:
    """`number` as a phone number, Dutch unless it carries a country code; None where it cannot be one."""
    try:
        parsed = phonenumbers.parse(number, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


def _is_phone(number: phonenumbers.PhoneNumber) -> bool:
    """A valid number (Dutch, service or foreign), or a full-length Dutch one (0 and 9 digits, not 00) whose
    range the library does not know: unallocated, or one digit misheard by ASR."""
    if phonenumbers.is_valid_number(number):
        return True
    national = phonenumbers.national_significant_number(number)
    return number.country_code == 31 and len(national) == 9 and not national.startswith("0")


# ----------------------------------------------------------------------------------------- patterns

_BSN_RE = re.compile(r"(?<![\w+])\d(?:[ .\-]?\d){8}(?![\w])")
# A written phone number starts with +, 0 (also 00) or (0, not inside a word or a longer digit group; its digits
# may be split by up to three separators, as ASR writes them ("06 -12 34", "0 6 .1 2").
_PHONE_START_RE = re.compile(r"(?<![\w+])(?:\+|\(?0)")
# At most 17 digits: "00" and the 15 that E.164 allows.
_PHONE_RUN_RE = re.compile(r"(?:\+\s?)?\(?\d(?:[\s.\-\u2013/()]{0,3}\d){0,16}")
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


def _phone_end(text: str, start: int) -> int | None:
    """End of the longest phone number written from `start`, or None.

    The library finds no number in a run of digit groups that holds more than one ("06 12 34 56 78 111 222 333"),
    so each digit of the run is tried as the last one, longest first; a number may not run into a letter or digit.
    """
    run = _PHONE_RUN_RE.match(text, start)
    if run is None:
        return None
    ends = [start + d.end() for d in re.finditer(r"\d", run.group(0))]
    for end in reversed(ends):
        if end < len(text) and text[end].isalnum():
            continue
        number = parse_phone(text[start:end])
        if number is not None and _is_phone(number):
            return end
    return None


def _phones(text: str) -> list[Span]:
    """Phone numbers from each place one can start, continuing after the end of the last one found."""
    spans: list[Span] = []
    for m in _PHONE_START_RE.finditer(text):
        if spans and m.start() < spans[-1].end:
            continue
        end = _phone_end(text, m.start())
        if end is not None:
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
