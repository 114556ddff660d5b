"""Charset decoding and article extraction on fixture pages with realistic boilerplate."""

from __future__ import annotations

import datetime as dt

import charset_normalizer
import pytest

from claims.discovery.charset import decode_html, decode_xml, detect
from claims.discovery.extract import content_hash, extract, language_code
from claims.discovery.http import fetch
from tests.fixtures.web.server import LOOPBACK, fixture_bytes, serve


def page(name: str) -> bytes:
    return fixture_bytes(f"pages/{name}")


# --- Charset -------------------------------------------------------------------------------------


def test_windows_1252_page_with_only_a_meta_charset():
    decoded = decode_html(page("nordic_cp1252_meta.html"))
    assert (decoded.encoding, decoded.source) == ("cp1252", "meta")
    assert "Særlig spent stemning før møtet i Genève" in decoded.text
    assert "Ærlig talt" in decoded.text


def test_windows_1252_page_without_any_declaration():
    decoded = decode_html(page("nordic_cp1252_undeclared.html"))
    assert (decoded.encoding, decoded.source) == ("cp1252", "detected")
    assert "fåmælte" in decoded.text and "øvrige" in decoded.text and "Ærlig" in decoded.text


def test_detection_prefers_windows_1252_where_a_detector_says_cp1250():
    data = "Blåbærsyltetøy på brødskiva".encode("cp1252")
    assert charset_normalizer.from_bytes(data).best().encoding == "cp1250"  # the trap
    assert detect(data) == "cp1252"
    assert decode_html(data).text == "Blåbærsyltetøy på brødskiva"


def test_header_charset_wins_over_meta():
    data = '<meta charset="utf-8"><p>Tromsø</p>'.encode("cp1252")
    assert decode_html(data, "windows-1252").text.endswith("Tromsø</p>")
    assert decode_html(data, "windows-1252").source == "header"


def test_a_utf8_declaration_the_bytes_break_is_not_believed():
    data = '<meta charset="utf-8"><p>Særlig</p>'.encode("cp1252")
    decoded = decode_html(data)
    assert decoded.source == "detected" and "Særlig" in decoded.text


def test_latin1_label_means_windows_1252_and_bom_wins():
    assert "–" in decode_html("<p>a – b</p>".encode("cp1252"), "ISO-8859-1").text
    assert decode_html(b"\xef\xbb\xbf<p>\xc3\xa6</p>", "windows-1252").text == "<p>æ</p>"


def test_xml_declaration_for_feeds():
    data = '<?xml version="1.0" encoding="windows-1252"?><rss><title>Bærum</title></rss>'.encode("cp1252")
    decoded = decode_xml(data)
    assert (decoded.source, decoded.encoding) == ("xml", "cp1252") and "Bærum" in decoded.text


@pytest.mark.django_db
def test_fetched_windows_1252_page_decodes_through_the_client(httpserver, settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    # The server sends no charset at all, as many do.
    serve(httpserver, "/p", "pages/nordic_cp1252_meta.html", content_type="text/html")
    assert "Særlig spent" in fetch(httpserver.url_for("/p")).text()


# --- Extraction -------------------------------------------------------------------------------------


def test_norwegian_article_without_boilerplate():
    result = extract(decode_html(page("geneva_talks_nb.html")).text, url="https://fjordposten.example/a?utm_source=x")
    assert result.title == "Utenriksministrene møttes i Genève uten gjennombrudd"
    assert result.author == "Kari Nordvik"
    assert result.site_name == "Fjordposten"
    assert result.language == "nb"
    assert result.canonical_url == "https://fjordposten.example/utenriks/2022/01/21/geneve-samtalene"
    assert result.published_at == dt.datetime(2022, 1, 21, 15, 40, tzinfo=dt.UTC)
    assert "Russland ikke har noen planer om å invadere nabolandet" in result.text
    for boilerplate in ("informasjonskapsler", "Godta alle", "Bli abonnent", "Les også", "Holmenkollen",
                        "nyhetsbrevet", "Ansvarlig redaktør", "Personvernerklæring"):  # fmt: skip
        assert boilerplate not in result.text, boilerplate


def test_english_article_without_boilerplate():
    result = extract(decode_html(page("geneva_talks_en.html")).text, url="https://harbourtimes.example/x")
    assert result.title == "Blinken and Lavrov end Geneva meeting with no breakthrough"
    assert result.language == "en"
    assert result.published_at == dt.datetime(2022, 1, 21, 15, 5, tzinfo=dt.UTC)
    assert "Russia has no intention of attacking Ukraine" in result.text
    for boilerplate in ("cookies", "Accept all", "Most read", "record transfer", "morning briefing", "Privacy policy"):
        assert boilerplate not in result.text, boilerplate


def test_undeclared_windows_1252_page_extracts_with_nordic_letters():
    result = extract(decode_html(page("nordic_cp1252_undeclared.html")).text, url="https://vestland.example/a")
    assert result.title == "Særlig spent stemning før møtet i Genève"
    assert "fåmælte" in result.text and "Ærlig talt" in result.text
    assert "informasjonskapsler" not in result.text
    # No date on the page: none is invented from the footer's year.
    assert result.published_at is None


def test_extract_takes_text_not_bytes():
    with pytest.raises(TypeError):
        extract(page("geneva_talks_en.html"), url="https://x.example/")


def test_content_hash_ignores_spacing_and_case():
    assert content_hash("Lavrov  met\nBlinken.") == content_hash("lavrov met blinken.")
    assert content_hash("Lavrov met Blinken.") != content_hash("Lavrov met Putin.")
    assert len(content_hash("x")) == 64


@pytest.mark.parametrize(("tag", "code"), [("nb-NO", "nb"), ("no", "nb"), ("en_GB", "en"), ("", ""), ("123", "")])
def test_language_codes(tag, code):
    assert language_code(tag) == code
