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


def _found(text):
    return [(text[s.start : s.end], s.kind) for s in find_pii(text)]


@pytest.mark.parametrize(
    "text",
    [
        "06 - 12 34 56 78",  # spaced dash, as Whisper writes a spoken pause
        "06 -12345678",
        "06–12345678",  # en dash
        "06 .12 .34 .56 .78",
        "0 6 1 2 3 4 5 6 7 8",  # digit by digit
        "06/12345678",
        "(06) 12345678",
        "(010) 123 45 67",
        "+ 31 6 12345678",
        "+31 (0) 6 12 34 56 78",
        "00 31 6 12345678",
        "0031-6-12345678",
    ],
)
def test_spoken_and_odd_phone_forms(text):
    assert _found(f"bel {text} graag") == [(text, "telefoon")]


def test_phone_next_to_other_digit_groups():
    assert _found("06 12 34 56 78 06 12 34 56 78") == [("06 12 34 56 78", "telefoon")] * 2
    assert _found("nummer 1 06 12 34 56 78") == [("06 12 34 56 78", "telefoon")]
    assert _found("06 12 34 56 78 9 keer") == [("06 12 34 56 78", "telefoon")]
    assert _found("06 12 34 56 78 en 111 222 333") == [("06 12 34 56 78", "telefoon"), ("111 222 333", "bsn")]


@pytest.mark.parametrize(
    "text", ["+32 470 12 34 56", "0032 470 12 34 56", "+44 20 7946 0958", "0049 30 12345678", "+49 (0)30 1234567"]
)
def test_foreign_numbers_with_a_country_code_are_masked(text):
    assert _found(f"mijn nummer is {text}.") == [(text, "telefoon")]


@pytest.mark.parametrize("text", ["0800-1234", "0800 1234567", "0900-1234", "0900 123 45 67", "0906-1234567"])
def test_service_numbers_of_both_lengths_are_masked_as_phone_numbers(text):
    assert _found(f"bel {text} voor info") == [(text, "telefoon")]


@pytest.mark.parametrize("text", ["06-90000000", "0123456789", "+31 6 90000000"])
def test_full_length_dutch_numbers_outside_known_ranges_are_masked(text):
    # Unallocated ranges, or one digit misheard by ASR: still somebody's number.
    assert _found(text) == [(text, "telefoon")]


@pytest.mark.parametrize(
    "text",
    [
        "bel 14 020",  # the municipality's own number
        "bel 112",
        "06-1234567 is te kort",
        "061234567891 is te lang",
        "code 0612345678abc",
        "het kost 1.234.567 euro",
        "op 01-03-2024 om 10.30",
        "0 0 0 0 0 0 0 0 0 0",  # ASR noise
    ],
)
def test_not_phone_numbers(text):
    assert find_pii(text) == []


@pytest.mark.parametrize("text", ["bsn 123456789", "bsn 123.456.789", "bsn 123 456 788", "bsn 000000000"])
def test_bsn_failing_the_elfproef_is_not_masked(text):
    assert find_pii(text) == []


def test_elfproef_needs_nine_digits():
    assert elfproef("012345611") and not elfproef("12345611")  # stdnum alone would pad the 8 digits
    assert _found("bsn 012345611") == [("012345611", "bsn")]


def test_iban_checksums():
    assert "iban" not in [k for _, k in _found("rekening DE88 3704 0044 0532 0130 00")]  # wrong checksum
    assert find_pii("GB83 WEST 1234 5698 7654 32") == []
    assert _found("GB82 WEST 1234 5698 7654 32") == [("GB82 WEST 1234 5698 7654 32", "iban")]
    assert iban_valid("BE68 5390 0754 7034")  # a real account of a bank stdnum's list does not know
    assert _found("BE68 5390 0754 7034") == [("BE68 5390 0754 7034", "iban")]
    # Dutch IBANs are masked on their format alone, a misheard digit included.
    assert not iban_valid("NL92ABNA0417164300")
    assert _found("NL92 ABNA 0417 1643 00") == [("NL92 ABNA 0417 1643 00", "iban")]
