"""The caller number's normal form (vpd_speech.store.metadata.normalise_number), shared parsing with redaction."""

from __future__ import annotations

import pytest

from vpd_speech.reports.redact import find_pii
from vpd_speech.store.metadata import normalise_number, pseudonymise

KEY = b"test-key-not-secret"


@pytest.mark.parametrize(
    "number", ["06-12345678", "+31 (0)6 12345678", "+31(0)6-12 34 56 78", "0031 (0)6 12345678", "00 31 6 12345678",
               "tel. 06 12 34 56 78", "(06) 12345678"],
)  # fmt: skip
def test_dutch_notations_reach_e164(number):
    assert normalise_number(number) == "31612345678"
    assert pseudonymise(number, KEY) == pseudonymise("0612345678", KEY)


def test_landlines_and_service_numbers():
    assert normalise_number("(020) 123 45 67") == normalise_number("+31 20 1234567") == "31201234567"
    assert normalise_number("0800-1234") == "318001234"
    assert normalise_number("0900 123 45 67") == "319001234567"


@pytest.mark.parametrize(
    "number, e164",
    [("+32 470 12 34 56", "32470123456"), ("0032 470 12 34 56", "32470123456"), ("+32 (0)470 12 34 56", "32470123456"),
     ("+44 20 7946 0958", "442079460958"), ("+49 (0)30 1234567", "49301234567")],
)  # fmt: skip
def test_foreign_numbers_keep_their_country_code(number, e164):
    assert normalise_number(number) == e164
    assert normalise_number("0470123456") == "31470123456"  # without a country code a number is Dutch


def test_dutch_numbers_outside_known_ranges_still_have_one_form():
    assert {normalise_number(n) for n in ("06-90000000", "+31 6 90000000", "0031 6 90000000")} == {"31690000000"}


@pytest.mark.parametrize("number, digits", [("112", "112"), ("0612", "0612"), ("+999 123", "999123")])
def test_what_cannot_be_a_phone_number_keeps_its_digits(number, digits):
    assert normalise_number(number) == digits
    assert pseudonymise(number, KEY) == pseudonymise(f" {number} ", KEY) is not None


@pytest.mark.parametrize("number", ["", "   ", "anoniem", "nummer onderdrukt", None])
def test_no_digits_no_pseudonym(number):
    assert normalise_number(number) == ""
    assert pseudonymise(number, KEY) is None


@pytest.mark.parametrize("text", ["bel 06 - 12 34 56 78", "bel +31 (0) 6 12 34 56 78", "bel 0 6 1 2 3 4 5 6 7 8"])
def test_a_masked_number_normalises_like_the_caller_number(text):
    (span,) = find_pii(text)
    assert normalise_number(text[span.start : span.end]) == "31612345678"
