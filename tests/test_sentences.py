"""Sentence splitting on tricky Norwegian and English news text, with exact offsets."""

from __future__ import annotations

import pytest

from claims.intake.sentences import paragraph_of, split


def texts(text: str) -> list[str]:
    spans = split(text)
    for span in spans:
        assert text[span.start : span.end] == span.text
    return [s.text for s in spans]


def test_norwegian_abbreviations_do_not_end_sentences():
    text = (
        "Møtet starter kl. 14 i sal nr. 3. Det ble bl.a. diskutert f.eks. Nav og ca. 40 andre saker. "
        "Neste møte er i mai."
    )
    assert texts(text) == [
        "Møtet starter kl. 14 i sal nr. 3.",
        "Det ble bl.a. diskutert f.eks. Nav og ca. 40 andre saker.",
        "Neste møte er i mai.",
    ]


def test_english_abbreviations_initials_and_decimals():
    text = "Mr. Smith met Dr. Jones at 3 p.m. on Friday. Inflation was 3.5 percent. J. K. Rowling was there too."
    assert texts(text) == [
        "Mr. Smith met Dr. Jones at 3 p.m. on Friday.",
        "Inflation was 3.5 percent.",
        "J. K. Rowling was there too.",
    ]


def test_us_ends_a_sentence_only_before_a_sentence_starter():
    assert texts("Troops went to the U.S. The president said so.") == [
        "Troops went to the U.S.",
        "The president said so.",
    ]
    assert texts("The U.S. Army confirmed it.") == ["The U.S. Army confirmed it."]


def test_quotes_and_speech_dashes():
    text = '– Vi har halvert køene, sa Støre. «Det er bra.» Han gikk. "Is it over?" she asked. "Yes!" He left.'
    assert texts(text) == [
        "– Vi har halvert køene, sa Støre.",
        "«Det er bra.»",
        "Han gikk.",
        '"Is it over?" she asked.',
        '"Yes!"',
        "He left.",
    ]


def test_dash_starts_a_new_sentence_after_a_stop():
    assert texts("Det var en lang dag. – Nå er vi ferdige, sa hun.") == [
        "Det var en lang dag.",
        "– Nå er vi ferdige, sa hun.",
    ]


def test_line_breaks_end_headlines_bylines_and_credits():
    text = "Strømprisen doblet\n\nAv Kari Nordmann\nFoto: NTB\n\nStrømprisen ble doblet i januar. Det viser nye tall."
    assert texts(text) == [
        "Strømprisen doblet",
        "Av Kari Nordmann",
        "Foto: NTB",
        "Strømprisen ble doblet i januar.",
        "Det viser nye tall.",
    ]


def test_ellipsis_mid_sentence_and_lowercase_continuation():
    assert texts("He left... and came back. Then it rained.") == ["He left... and came back.", "Then it rained."]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_has_no_sentences(text):
    assert split(text) == []


def test_offsets_survive_surrounding_whitespace():
    text = "  First one.   Second one.  "
    spans = split(text)
    assert [(s.start, s.end) for s in spans] == [(2, 12), (15, 26)]


def test_paragraph_of_a_span():
    text = "Title\nFirst sentence. Second sentence.\nNext paragraph."
    span = split(text)[2]
    start, end = paragraph_of(text, span.start, span.end)
    assert text[start:end] == "First sentence. Second sentence."
