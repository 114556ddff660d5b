"""Language per article and per sentence (Norwegian bokmål and English)."""

from __future__ import annotations

from claims.intake.language import detect, normalize, sentence_language


def test_detect_article_language():
    assert detect("Regjeringen har lagt fram budsjettet, og det er ikke godt mottatt av opposisjonen.") == "nb"
    assert detect("The government has presented its budget, and it was not well received.") == "en"
    assert detect("", default="nb") == "nb"


def test_sentence_keeps_article_language_unless_clearly_other():
    assert sentence_language("Oslo, 12. mai.", article_language="nb") == "nb"
    quote = "The talks were useful and we have agreed that there will be more of them."
    assert sentence_language(quote, article_language="nb") == "en"
    assert (
        sentence_language("Det er ikke sikkert at det blir noe av det, sa han til NTB.", article_language="en") == "nb"
    )


def test_normalize_tags():
    assert normalize("nb-NO") == "nb"
    assert normalize("no") == "nb"
    assert normalize("nn") == "nb"
    assert normalize("en-GB") == "en"
    assert normalize("de") is None
    assert normalize(None) is None
