"""The outbound Atom feeds (/factchecks/feed/…) and /sitemap.xml."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import feedparser
import pytest

from claims import services
from claims.models import Tag
from claims.workflow import ClaimStatus
from tests.factories import ClaimFactory
from tests.test_public_pages import live_claim

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parsed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


@pytest.mark.django_db
def test_feed_lists_live_fact_checks_newest_first_and_nothing_else(client):
    old = live_claim(claim_reviewed="Older checked claim", days_ago=3)
    new = live_claim(status=ClaimStatus.UPDATED, claim_reviewed="Newer checked claim", days_ago=1)
    for status in (ClaimStatus.NEW, ClaimStatus.IN_REVIEW, ClaimStatus.RETRACTED):
        ClaimFactory(status=status, claim_reviewed=f"Hidden {status} claim")

    feed = parsed(client, "/factchecks/feed/")
    assert [e.title for e in feed.entries] == [f"Verdict on {new.claim_reviewed}", f"Verdict on {old.claim_reviewed}"]
    first = feed.entries[0]
    assert first.link == f"http://testserver/factchecks/{new.slug}/"
    assert new.text in first.summary
    assert first.published_parsed and first.updated_parsed
    assert "Hidden" not in str(feed)


@pytest.mark.django_db
def test_feed_per_tag_and_per_language(client):
    nato = Tag.objects.create(name="NATO", slug="nato")
    tagged = live_claim(claim_reviewed="Tagged claim", language="nb")
    tagged.tags.add(nato)
    live_claim(claim_reviewed="Untagged claim", language="en")
    live_claim(claim_reviewed="Regional claim", language="nb-NO")

    by_tag = parsed(client, "/factchecks/feed/tag/nato/")
    assert [e.title for e in by_tag.entries] == ["Verdict on Tagged claim"]
    assert by_tag.entries[0].tags[0].term == "NATO"
    assert client.get("/factchecks/feed/tag/no-such-tag/").status_code == 404

    nb = parsed(client, "/factchecks/feed/language/nb/")
    assert sorted(e.title for e in nb.entries) == ["Verdict on Regional claim", "Verdict on Tagged claim"]
    en = parsed(client, "/factchecks/feed/language/en/")
    assert [e.title for e in en.entries] == ["Verdict on Untagged claim"]
    assert parsed(client, "/factchecks/feed/language/se/").entries == []


@pytest.mark.django_db
def test_sitemap_lists_every_public_page(client):
    live = [live_claim(claim_reviewed=f"Live {n}") for n in range(3)]
    hidden = ClaimFactory(status=ClaimStatus.IN_RESEARCH)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314  (our own response, not untrusted input)
    assert root.tag == f"{SITEMAP_NS}urlset"
    locations = {url.find(f"{SITEMAP_NS}loc").text for url in root}
    assert {f"http://testserver/factchecks/{c.slug}/" for c in live} <= locations
    assert "http://testserver/factchecks/" in locations
    assert f"http://testserver/factchecks/{hidden.slug}/" not in locations
    assert all(url.find(f"{SITEMAP_NS}lastmod") is not None for url in root if "/factchecks/claim" in url[0].text)


@pytest.mark.django_db
def test_pages_link_the_feed_and_sitemap_in_head(client):
    claim = live_claim()
    for url in ("/factchecks/", f"/factchecks/{claim.slug}/"):
        head = client.get(url).content.decode().split("</head>")[0]
        assert 'type="application/atom+xml"' in head and 'href="/factchecks/feed/"' in head
        assert 'href="/sitemap.xml"' in head


@pytest.mark.django_db
def test_a_claim_can_never_take_the_feed_slug(client, reviewer):
    claim = services.claim_create(user=reviewer, text="Feed", claim_reviewed="Feed", language="en")
    assert claim.slug != "feed"
    claim.status = ClaimStatus.PUBLISHED
    claim.save()
    # the feed route still answers although a claim was worded "Feed"
    parsed(client, "/factchecks/feed/")
