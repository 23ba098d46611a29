"""Masking of personal data (vpd_speech.reports.redact)."""

from __future__ import annotations

import pytest

from vpd_speech.reports.redact import elfproef, find_pii, iban_valid, mask


@pytest.mark.parametrize(
    "text, kind",
    [
        ("mijn bsn is 111222333", "bsn"),
        ("BSN 123.456.782 graag", "bsn"),
        ("nummer 123 456 782", "bsn"),
        ("bel me op 06-12345678.", "telefoon"),
        ("06 12 34 56 78", "telefoon"),
        ("+31 6 12345678", "telefoon"),
        ("+31(0)6-12345678", "telefoon"),
        ("0031 (0)20 1234567", "telefoon"),
        ("020-1234567", "telefoon"),
        ("0111 123456", "telefoon"),
        ("(020) 123 45 67", "telefoon"),
        ("0800-1234", "telefoon"),
        ("mail naar jan.de-vries+kcc@gemeente.nl vandaag", "email"),
        ("jan punt jansen apenstaartje gmail punt com", "email"),
        ("NL91 ABNA 0417 1643 00", "iban"),
        ("nl91abna0417164300", "iban"),
        ("DE89 3704 0044 0532 0130 00", "iban"),
        ("ik woon op 1234 AB 12a", "adres"),
        ("postcode 1234AB", "adres"),
        ("Kerkstraat 12 in Utrecht", "adres"),
    ],
)
def test_masks_personal_data(text, kind):
    spans = find_pii(text)
    assert [s.kind for s in spans] == [kind], spans
    masked = mask(text)
    assert "[" in masked
    for digit_run in ("12345678", "1234567", "111222333", "0417", "1234"):
        if digit_run in text and kind not in ("adres",):
            assert digit_run not in masked


@pytest.mark.parametrize(
    "text",
    [
        "in 2024 op de eerste dag",  # year + Dutch word, not a postcode
        "ik heb 123456789 keer gebeld",  # 9 digits that fail the elfproef
        "het kost 12345678 euro",
        "ik betaal al 20 jaar belasting en 3 kinderen",
        "Jullie zijn allemaal klootzakken",
        "ik weet waar je woont",
        "de brief van 12 maart 2024 om 10.30 uur",
        "DE00 1234 5678 9012 3456 78",  # foreign IBAN with a wrong checksum
    ],
)
def test_leaves_ordinary_text_alone(text):
    assert find_pii(text) == []
    assert mask(text) == text


def test_several_kinds_in_one_utterance_keep_the_rest():
    text = "Mijn bsn is 111222333 en mijn nummer 06-12345678, mail a@b.nl, rekening NL91ABNA0417164300."
    masked = mask(text)
    assert masked == ("Mijn bsn is [BSN] en mijn nummer [telefoonnummer], mail [e-mailadres], rekening [IBAN].")


def test_phone_is_not_also_a_bsn_and_spans_do_not_overlap():
    spans = find_pii("0612345678 111222333")
    assert [s.kind for s in spans] == ["telefoon", "bsn"]
    assert spans[0].end <= spans[1].start


def test_checks():
    assert elfproef("111222333") and elfproef("123456782")
    assert not elfproef("123456789") and not elfproef("000000000") and not elfproef("12345678")
    assert iban_valid("NL91ABNA0417164300") and iban_valid("DE89 3704 0044 0532 0130 00")
    assert not iban_valid("NL92ABNA0417164300")
