"""Providers, each against a local server speaking its API (or the local index itself)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from claims.discovery.http import Fetcher
from claims.discovery.jobs import JobRecorder, claim_job, create_job
from claims.discovery.pipeline import keyword_query, search_terms
from claims.discovery.providers import DiscoveryContext, all_providers
from claims.discovery.providers.article_page import ArticlePageProvider
from claims.discovery.providers.factcheck_tools import FactCheckToolsProvider
from claims.discovery.providers.feed import FeedProvider
from claims.discovery.providers.gdelt import GdeltProvider
from claims.discovery.providers.local import LocalIndexProvider
from claims.discovery.providers.wikipedia import WikipediaProvider, wiki_language
from claims.models import Article, FetchJob
from tests.factories import AppearanceFactory, ArticleFactory, ClaimFactory, FeedFactory, SourceFactory
from tests.fixtures.web.server import LOOPBACK, fixture_bytes, serve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def loopback(settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK


@pytest.fixture
def nb_claim():
    return ClaimFactory(
        text="Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet i Genève.",
        claim_reviewed="Russland avviser planer om å invadere Ukraina",
        language="nb",
        claimant__name="Sergej Lavrov",
        claim_date=dt.date(2022, 1, 21),
    )


def context(claim) -> DiscoveryContext:
    job, _ = claim_job(create_job(kind=FetchJob.Kind.DISCOVER, claim=claim).pk)
    return DiscoveryContext(
        claim=claim, fetcher=Fetcher(), recorder=JobRecorder(job), terms=search_terms(claim), query=keyword_query(claim)
    )


def test_search_terms_put_names_first_and_add_cognates(nb_claim):
    terms = search_terms(nb_claim)
    assert terms[0] in {"Russland", "Lavrov", "Ukraina", "Genève", "Sergej"}
    lowered = [t.lower() for t in terms]
    assert "ukraine" in lowered and "russia" in lowered  # the English spellings come along
    assert "ikke" not in lowered and "har" not in lowered
    assert "Lavrov" in keyword_query(nb_claim)


def test_local_index_finds_english_articles_for_a_norwegian_claim(nb_claim):
    english = ArticleFactory(title="Lavrov meets Blinken in Geneva", text="Russia denies plans to invade Ukraine.")
    unrelated = ArticleFactory(title="Ferry timetable", text="Two evening departures are cut.")
    found = LocalIndexProvider().candidates(context(nb_claim))
    assert english in found and unrelated not in found


def test_local_index_keeps_to_the_claim_period(nb_claim):
    near = ArticleFactory(text="Lavrov spoke in Geneva.", published_at=dt.datetime(2022, 1, 22, tzinfo=dt.UTC))
    far = ArticleFactory(text="Lavrov spoke in Geneva.", published_at=dt.datetime(2012, 1, 22, tzinfo=dt.UTC))
    undated = ArticleFactory(text="Lavrov spoke in Geneva.", published_at=None)
    found = LocalIndexProvider().candidates(context(nb_claim))
    assert near in found and undated in found and far not in found


def test_feed_provider_harvests_then_offers_matches(httpserver, nb_claim):
    serve(httpserver, "/atom.xml", "feeds/utenriks_atom.xml", content_type="application/atom+xml")
    serve(httpserver, "/world.xml", "feeds/world_rss.xml")
    FeedFactory(url=httpserver.url_for("/atom.xml"), language="nb")
    FeedFactory(url=httpserver.url_for("/world.xml"), language="en")
    ctx = context(nb_claim)
    found = FeedProvider().candidates(ctx)
    titles = {a.title for a in found}
    assert "Utenriksministrene møttes i Genève uten gjennombrudd" in titles
    assert "Blinken and Lavrov end Geneva meeting with no breakthrough" in titles
    assert "Harbour ferry timetable changes from March" not in titles
    assert ctx.recorder.stats["feeds"]["harvested"] == 2
    # Fresh feeds are not fetched again within DISCOVERY_FEED_MAX_AGE_MINUTES.
    requests_before = len(httpserver.log)
    FeedProvider().candidates(context(nb_claim))
    assert len(httpserver.log) == requests_before


def test_feed_provider_without_feeds_is_skipped(settings):
    reasons = {p.name: reason for p, reason in all_providers()}
    assert reasons["feeds"] == "no enabled feeds"


def test_article_page_fetches_appearances_into_the_index(httpserver, nb_claim):
    serve(httpserver, "/nb", "pages/geneva_talks_nb.html")
    AppearanceFactory(claim=nb_claim, source=SourceFactory(url=httpserver.url_for("/nb")))
    ctx = context(nb_claim)
    assert ArticlePageProvider().candidates(ctx) == []  # the claim's own source is not suggested back
    article = Article.objects.get(url=httpserver.url_for("/nb"))
    assert article.provider == "article_page" and article.fetched_at is not None
    assert "planer om å invadere nabolandet" in article.text
    assert ctx.recorder.stats["article_page"] == {"appearances": 1, "fetched": 1, "failed": 0}


def test_wikipedia_in_the_claims_language(httpserver, settings, nb_claim):
    settings.DISCOVERY_WIKIPEDIA_API_URL = httpserver.url_for("/{lang}/w/api.php")
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/no/w/api.php").respond_with_data(
        fixture_bytes("api/wikipedia_no.json", base), content_type="application/json"
    )
    found = WikipediaProvider().candidates(context(nb_claim))
    assert [a.title for a in found] == ["Sergej Lavrov", "Russlands invasjon av Ukraina"]  # search order
    assert found[1].url == f"{base}/no/wiki/Russlands_invasjon_av_Ukraina"
    assert found[1].language == "nb" and "troppeoppbygging" in found[1].text
    (request, _), *_ = httpserver.log
    assert request.args["generator"] == "search" and "Lavrov" in request.args["gsrsearch"]


@pytest.mark.parametrize(("language", "wiki"), [("nb", "no"), ("nb-NO", "no"), ("en", "en"), ("nn", "nn"), ("", "en")])
def test_wikipedia_language_codes(language, wiki):
    assert wiki_language(language) == wiki


def test_factcheck_tools_needs_a_key(settings):
    settings.DISCOVERY_FACTCHECK_API_KEY = ""
    assert "API key" in FactCheckToolsProvider().unavailable()


def test_factcheck_tools_sends_the_key_in_a_header(httpserver, settings, nb_claim):
    settings.DISCOVERY_FACTCHECK_API_KEY = "test-key-123"
    settings.DISCOVERY_FACTCHECK_API_URL = httpserver.url_for("/v1alpha1/claims:search")
    httpserver.expect_request("/v1alpha1/claims:search", headers={"X-Goog-Api-Key": "test-key-123"}).respond_with_data(
        fixture_bytes("api/factcheck_claims.json"), content_type="application/json"
    )
    found = FactCheckToolsProvider().candidates(context(nb_claim))
    assert [a.outlet for a in found] == ["Example Check", "Nordisk Faktasjekk"]
    assert "False" in found[0].text and found[0].fetched_at is not None
    (request, _), *_ = httpserver.log
    assert "key" not in request.args and request.args["languageCode"] == "nb"


def test_gdelt_is_off_by_default_and_works_when_enabled(httpserver, settings, nb_claim):
    assert {p.name: r for p, r in all_providers()}["gdelt"].startswith("disabled")
    settings.DISCOVERY_PROVIDERS = [*settings.DISCOVERY_PROVIDERS, "gdelt"]
    settings.DISCOVERY_GDELT_API_URL = httpserver.url_for("/api/v2/doc/doc")
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/api/v2/doc/doc").respond_with_data(
        fixture_bytes("api/gdelt_artlist.json", base), content_type="application/json"
    )
    assert {p.name: r for p, r in all_providers()}["gdelt"] is None
    found = GdeltProvider().candidates(context(nb_claim))
    assert [a.language for a in found] == ["en", "nb"]
    assert found[0].published_at == dt.datetime(2022, 1, 21, 17, 15, tzinfo=dt.UTC)
    (request, _), *_ = httpserver.log
    assert request.args["startdatetime"] == "20220107000000"


def test_an_api_answering_html_is_an_error_not_a_crash(httpserver, settings, nb_claim):
    settings.DISCOVERY_WIKIPEDIA_API_URL = httpserver.url_for("/{lang}/w/api.php")
    httpserver.expect_request("/no/w/api.php").respond_with_data("<html>maintenance</html>", content_type="text/html")
    with pytest.raises(Exception) as info:
        WikipediaProvider().candidates(context(nb_claim))
    assert info.value.permanent
    httpserver.clear()
    httpserver.expect_request("/no/w/api.php").respond_with_data("{not json", content_type="application/json")
    with pytest.raises(Exception, match="did not return JSON"):
        WikipediaProvider().candidates(context(nb_claim))


def test_fixture_json_is_valid():
    for name in ("wikipedia_no.json", "factcheck_claims.json", "gdelt_artlist.json"):
        json.loads(fixture_bytes(f"api/{name}"))
