"""Reviewer feedback on suggested articles: kept across discovery runs, and one-click evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from claims import selectors, services
from claims.discovery.jobs import store_suggestions
from claims.discovery.ranking import rank_for_claim
from claims.exceptions import PreconditionFailed, ServiceError, TransitionForbidden
from claims.models import RelatedArticle, Review, Source
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, SourceFactory

pytestmark = pytest.mark.django_db


def when(*args: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(*args))


@pytest.fixture
def research_claim():
    return ClaimFactory(
        text="Russland har ingen planer om å invadere Ukraina.",
        claim_reviewed="Russland avviser invasjonsplaner",
        language="nb",
        claimant=ClaimantFactory(name="Sergej Lavrov"),
        claim_date=dt.date(2022, 1, 21),
        status="in_research",
    )


@pytest.fixture
def articles():
    return [
        ArticleFactory(
            title="Lavrov: – Vi har ingen planer om å angripe Ukraina",
            text="Sergej Lavrov avviste i Genève at Russland planlegger en invasjon av Ukraina.",
            language="nb",
            outlet="Kveldsnytt",
            published_at=when(2022, 1, 21, 14),
        ),
        ArticleFactory(
            title="Lavrov denies Russia plans to invade Ukraine",
            text="Russia's foreign minister said in Geneva that Moscow has no plans to invade Ukraine.",
            language="en",
            outlet="Atlantic Wire",
            published_at=when(2022, 1, 21, 15),
        ),
        ArticleFactory(
            title="Satellite images show Russian troops near Ukraine",
            text="More than 100,000 Russian troops are near the border with Ukraine; Russia denies plans to invade.",
            language="en",
            published_at=when(2022, 1, 18, 8),
        ),
    ]


def discover(claim, articles) -> None:
    """One discovery run as the pipeline does it: rank the candidates, store the suggestions."""
    ranked = rank_for_claim(claim, articles, limit=20)
    store_suggestions(claim=claim, ranked=ranked, provider_of={a.pk: "feed" for a in articles})


def test_marks_are_kept_across_runs_and_irrelevant_is_never_suggested_again(reviewer, research_claim, articles):
    discover(research_claim, articles)
    suggestions = {r.article_id: r for r in RelatedArticle.objects.filter(claim=research_claim)}
    assert set(suggestions) == {a.pk for a in articles}
    first, second, third = (suggestions[a.pk] for a in articles)
    services.related_article_mark(related=first, user=reviewer, status="relevant")
    services.related_article_mark(related=third, user=reviewer, status="irrelevant")
    RelatedArticle.objects.filter(pk=first.pk).update(score=0.123, why={})  # stale from an old run

    # The article's text changes and discovery runs again (as the recheck schedule would).
    articles[0].text += " Han gjentok at Russland ikke truer noen, og at troppene står på russisk jord."
    articles[0].save()
    discover(research_claim, articles)

    first.refresh_from_db()
    third.refresh_from_db()
    assert (first.status, first.reviewed_by) == ("relevant", reviewer)
    assert first.score != 0.123 and first.why["terms"]  # score and reasons refreshed, the verdict kept
    assert (third.status, third.reviewed_by) == ("irrelevant", reviewer)
    shown = list(selectors.related_articles_by_status(claim=research_claim))
    assert third.pk not in {r.pk for r in shown}
    assert [r.rank for r in shown] == sorted(r.rank for r in shown)
    assert RelatedArticle.objects.filter(claim=research_claim).count() == 3  # no duplicates
    assert second.pk in {r.pk for r in shown}


def test_mark_validates_status_and_permission(reviewer, outsider, research_claim, articles):
    discover(research_claim, articles)
    related = RelatedArticle.objects.filter(claim=research_claim).first()
    with pytest.raises(ServiceError):
        services.related_article_mark(related=related, user=reviewer, status="bogus")
    with pytest.raises(TransitionForbidden):
        services.related_article_mark(related=related, user=outsider, status="irrelevant")
    related.refresh_from_db()
    assert related.status == "suggested" and related.reviewed_by is None


def test_mark_can_be_changed_by_another_reviewer(reviewer, reviewer2, research_claim, articles):
    discover(research_claim, articles)
    related = RelatedArticle.objects.filter(claim=research_claim).first()
    services.related_article_mark(related=related, user=reviewer, status="irrelevant")
    changed = services.related_article_mark(related=related, user=reviewer2, status="relevant")
    assert (changed.status, changed.reviewed_by) == ("relevant", reviewer2)


def test_to_evidence_in_one_click(reviewer, research_claim, articles):
    discover(research_claim, articles)
    related = RelatedArticle.objects.get(claim=research_claim, article=articles[1])
    source = services.related_article_to_evidence(related=related, user=reviewer)
    article = articles[1]
    assert (source.url, source.title, source.outlet, source.language) == (
        article.url,
        article.title,
        "Atlantic Wire",
        "en",
    )
    assert source.published_at == article.published_at and source.text == article.text
    review = Review.objects.get(claim=research_claim)
    assert list(review.evidence.all()) == [source]
    assert review.author == reviewer  # a verdict was drafted to hold the evidence
    related.refresh_from_db()
    assert (related.status, related.reviewed_by) == ("relevant", reviewer)
    # The evidence change is in the verdict's history, with who made it.
    assert review.history.latest().history_user == reviewer
    # Twice is harmless: same source, cited once.
    assert services.related_article_to_evidence(related=related, user=reviewer) == source
    assert review.evidence.count() == 1


def test_to_evidence_reuses_an_existing_source(reviewer, research_claim, articles):
    existing = SourceFactory(url=articles[0].url, title="", outlet="")
    discover(research_claim, articles)
    related = RelatedArticle.objects.get(claim=research_claim, article=articles[0])
    source = services.related_article_to_evidence(related=related, user=reviewer)
    assert source.pk == existing.pk
    existing.refresh_from_db()
    assert existing.title == articles[0].title and existing.outlet == "Kveldsnytt"  # empty fields filled
    assert Source.objects.count() == 1


def test_to_evidence_respects_the_workflow(reviewer, outsider, articles):
    rejected = ClaimFactory(status="rejected")
    related = RelatedArticle.objects.create(claim=rejected, article=articles[0], score=0.5, provider="feed")
    with pytest.raises(PreconditionFailed):
        services.related_article_to_evidence(related=related, user=reviewer)
    with pytest.raises(TransitionForbidden):
        services.related_article_to_evidence(related=related, user=outsider)
    related.refresh_from_db()
    assert related.status == "suggested"
    assert not Source.objects.exists()  # the refused write left nothing behind
