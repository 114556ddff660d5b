"""Feeds: parsing on our own decoded bytes, broken feeds, harvesting with conditional GET."""

from __future__ import annotations

import datetime as dt
import io

import feedparser
import pytest

from claims.discovery import feeds
from claims.discovery.feeds import FeedRejected, harvest, parse_feed
from claims.models import Article, Feed
from tests.factories import FeedFactory
from tests.fixtures.web.server import LOOPBACK, fixture_bytes, serve

BASE = "http://127.0.0.1:8999"


def parse(name: str, **kwargs):
    return parse_feed(fixture_bytes(f"feeds/{name}", BASE), url=f"{BASE}/feeds/{name}", **kwargs)


def test_rss_entries_are_cleaned_and_dated():
    parsed = parse("world_rss.xml")
    assert parsed.title == "The Harbour Times – World"
    first = parsed.entries[0]
    assert first.title == "Blinken and Lavrov end Geneva meeting with no breakthrough"
    assert first.summary.startswith("The US and Russian foreign ministers met in Geneva")
    assert "<" not in first.summary
    assert first.published_at == dt.datetime(2022, 1, 21, 15, 5, tzinfo=dt.UTC)
    assert first.author == "Sam Whitlock"
    # Relative links resolve against the feed's own URL.
    assert parsed.entries[2].url == f"{BASE}/pages/markets.html"


def test_atom_feed_in_norwegian():
    parsed = parse("utenriks_atom.xml")
    assert [e.title for e in parsed.entries] == [
        "Utenriksministrene møttes i Genève uten gjennombrudd",
        "Særlig spent stemning før møtet",
    ]
    assert parsed.entries[0].published_at == dt.datetime(2022, 1, 21, 15, 40, tzinfo=dt.UTC)
    assert parsed.language == "nb"


def test_declared_latin1_feed_with_windows_1252_bytes():
    """ISO-8859-1 declared, windows-1252 bytes (the en dash): decoded like a browser would."""
    parsed = parse("latin1_rss.xml")
    assert parsed.title == "Vestlandsavisa – Nyheter"
    assert parsed.entries[0].title == "Særlig spent stemning før møtet i Genève"
    assert "møte – få tør å håpe" in parsed.entries[0].summary


def test_malformed_feed_is_used_leniently_with_a_warning():
    parsed = parse("malformed_rss.xml")
    assert parsed.entries[0].url == f"{BASE}/pages/geneva_talks_en.html"
    assert any("malformed" in w for w in parsed.warnings)


def test_not_a_feed_is_rejected():
    with pytest.raises(FeedRejected) as info:
        parse("not_a_feed.html")
    assert info.value.permanent


def test_entries_without_usable_links_are_skipped():
    parsed = parse("missing_links_rss.xml")
    assert [e.title for e in parsed.entries] == ["The one usable item"]
    assert parsed.skipped == {"no_link": 3}


def test_bad_dates_become_none_with_a_warning():
    parsed = parse("bad_dates_rss.xml")
    dates = {e.title: e.published_at for e in parsed.entries}
    assert dates["Date in no known format"] is None
    assert dates["Date far in the future"] is None
    assert dates["Date before the web"] is None
    assert dates["A valid date"] == dt.datetime(2022, 1, 21, 11, 0, tzinfo=dt.UTC)
    assert len(parsed.warnings) == 3


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml"])
def test_entity_declarations_are_refused_before_parsing(name, monkeypatch):
    def must_not_parse(*args, **kwargs):
        raise AssertionError("feedparser was called")

    monkeypatch.setattr(feeds.feedparser, "parse", must_not_parse)
    with pytest.raises(FeedRejected, match="entities"):
        parse(name)


def test_feedparser_gets_a_stream_never_a_url_or_path(monkeypatch):
    seen = []
    real = feedparser.parse

    def spy(source, *args, **kwargs):
        seen.append(source)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(feeds.feedparser, "parse", spy)
    parse("world_rss.xml")
    assert isinstance(seen[0], io.BytesIO)


# --- Harvesting ------------------------------------------------------------------------------------


@pytest.fixture
def loopback(settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK


@pytest.mark.django_db
def test_harvest_stores_articles_once_and_uses_conditional_get(httpserver, loopback):
    serve(
        httpserver,
        "/world.xml",
        "feeds/world_rss.xml",
        headers={"ETag": '"w1"', "Last-Modified": "Fri, 21 Jan 2022 16:00:00 GMT"},
    )
    feed = FeedFactory(url=httpserver.url_for("/world.xml"), name="Harbour Times", language="en")
    result = harvest(feed)
    assert (result.found, len(result.created), len(result.updated)) == (3, 3, 0)
    article = Article.objects.get(title="Blinken and Lavrov end Geneva meeting with no breakthrough")
    # Tracking parameters are gone from the stored URL; the outlet is the feed's name.
    assert article.url == httpserver.url_for("/pages/geneva_talks_en.html")
    assert (article.outlet, article.language, article.provider, article.feed_id) == (
        "Harbour Times",
        "en",
        "feed",
        feed.pk,
    )
    feed.refresh_from_db()
    assert (feed.etag, feed.last_modified, feed.last_error) == ('"w1"', "Fri, 21 Jan 2022 16:00:00 GMT", "")

    # The second harvest sends the validators; the server says nothing changed.
    httpserver.clear()
    httpserver.expect_request("/world.xml", headers={"If-None-Match": '"w1"'}).respond_with_data("", status=304)
    again = harvest(feed)
    assert again.not_modified and again.found == 0
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_harvesting_twice_without_validators_adds_nothing(httpserver, loopback):
    serve(httpserver, "/atom.xml", "feeds/utenriks_atom.xml", content_type="application/atom+xml")
    feed = FeedFactory(url=httpserver.url_for("/atom.xml"), language="nb")
    harvest(feed)
    second = harvest(feed)
    assert (len(second.created), len(second.updated)) == (0, 2)
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_harvest_keeps_text_extracted_earlier(httpserver, loopback):
    serve(httpserver, "/world.xml", "feeds/world_rss.xml")
    feed = FeedFactory(url=httpserver.url_for("/world.xml"))
    harvest(feed)
    Article.objects.filter(title__startswith="Blinken").update(text="Full extracted text.")
    harvest(feed)
    assert Article.objects.get(title__startswith="Blinken").text == "Full extracted text."


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["billion_laughs.xml", "not_a_feed.html"])
def test_a_broken_feed_is_recorded_on_the_feed(httpserver, loopback, name):
    serve(httpserver, "/bad", f"feeds/{name}", content_type="application/xml")
    feed = FeedFactory(url=httpserver.url_for("/bad"))
    with pytest.raises(FeedRejected):
        harvest(feed)
    feed.refresh_from_db()
    assert feed.last_error
    assert Article.objects.count() == 0


@pytest.mark.django_db
def test_a_feed_that_is_gone_is_recorded(httpserver, loopback):
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=410)
    feed = FeedFactory(url=httpserver.url_for("/gone.xml"))
    with pytest.raises(Exception) as info:
        harvest(feed)
    assert info.value.permanent
    assert "410" in Feed.objects.get(pk=feed.pk).last_error


@pytest.mark.django_db
def test_a_url_listed_twice_in_one_feed_is_stored_once(httpserver, loopback):
    page = httpserver.url_for("/pages/talks.html")
    rss = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Twice</title><link>{page}</link>
<item><title>Talks end without a deal</title><link>{page}</link></item>
<item><title>Talks end without a deal (updated)</title><link>{page}?utm_source=rss</link></item>
</channel></rss>"""
    httpserver.expect_request("/twice.xml").respond_with_data(rss, content_type="application/rss+xml")
    feed = FeedFactory(url=httpserver.url_for("/twice.xml"))
    result = harvest(feed)
    article = Article.objects.get()
    assert (result.created, result.updated) == ([article.pk], [article.pk])
