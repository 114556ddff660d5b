"""The admin's "Candidate claims" list: who sees it, the sentence in its paragraph, filters,
Record as claim and Dismiss (one and many)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.intake.candidates import extract_for_article
from claims.models import CandidateClaim, Claim
from tests.factories import ArticleFactory, FeedFactory

pytestmark = pytest.mark.django_db

TEXT = (
    "Av Kari Nordvik, Genève\n\n"
    "Russland har ingen planer om å invadere Ukraina, sa Lavrov etter møtet. "
    "Møtet startet kl. 10 og varte i halvannen time.\n\n"
    "Ifølge Pentagon er 8500 amerikanske soldater satt i forhøyet beredskap. "
    "Det var en fin dag ved Genfersjøen. <script>alert(1)</script>"
)
LIST = reverse("admin:claims_candidateclaim_changelist")


@pytest.fixture
def found(db):
    feed = FeedFactory(name="Fjordposten")
    article = ArticleFactory(text=TEXT, language="nb", feed=feed, title="Ingen gjennombrudd")
    extract_for_article(article)
    return list(CandidateClaim.objects.order_by("start"))


def test_reviewers_and_editors_see_the_list_best_first(client, reviewer, editor, found):
    for user in (reviewer, editor):
        client.force_login(user)
        response = client.get(LIST)
        assert response.status_code == 200
        body = response.content.decode()
        best, second = sorted(found, key=lambda c: -c.score)
        assert body.index(best.text[:30]) < body.index(second.text[:30])
        assert '<mark class="fc-candidate-sentence">Ifølge Pentagon' in body
        assert "Det var en fin dag" in body  # the paragraph around the sentence
        assert "<script>alert" not in body
        assert "Fjordposten" in body


def test_nobody_else_sees_candidates(client, outsider, found):
    client.force_login(outsider)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("admin:claims_candidateclaim_change", args=[found[0].pk])).status_code == 403
    assert client.post(reverse("admin:claims_candidateclaim_accept", args=[found[0].pk])).status_code == 403
    assert "candidateclaim" not in client.get(reverse("admin:index")).content.decode()
    client.logout()
    assert client.get(LIST).status_code == 302  # to the login page
    assert not Claim.objects.exists()


def test_filters(
    client,
    reviewer,
    found,
):
    client.force_login(reviewer)
    for query in ("?status__exact=new", "?language__exact=nb", "?score=90", "?speaker=named", "?speaker=none",
                  f"?article__feed__id__exact={found[0].article.feed_id}", "?q=Pentagon"):  # fmt: skip
        assert client.get(LIST + query).status_code == 200, query
    assert "Ifølge Pentagon" not in client.get(LIST + "?speaker=none").content.decode()


def test_record_as_claim_from_the_candidate_page(client, reviewer, found):
    client.force_login(reviewer)
    page = client.get(reverse("admin:claims_candidateclaim_change", args=[found[1].pk]))
    assert page.status_code == 200 and b"fc-record-claim" in page.content
    response = client.post(reverse("admin:claims_candidateclaim_accept", args=[found[1].pk]))
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("admin:claims_claim_change", args=[claim.pk])
    assert claim.text == found[1].text and claim.appearances.get().quote == found[1].text
    assert client.get(reverse("admin:claims_candidateclaim_accept", args=[found[1].pk])).status_code == 405
    page = client.get(reverse("admin:claims_candidateclaim_change", args=[found[1].pk]))
    assert b"fc-record-claim" not in page.content


def test_dismiss_one_and_bulk_actions(client, editor, found):
    client.force_login(editor)
    client.post(reverse("admin:claims_candidateclaim_dismiss", args=[found[0].pk]))
    found[0].refresh_from_db()
    assert found[0].status == "dismissed"
    response = client.post(LIST, {"action": "record_as_claims", "_selected_action": [found[1].pk]}, follow=True)
    assert "Recorded 1 new claim" in response.content.decode()
    assert Claim.objects.count() == 1
    article = ArticleFactory(text=TEXT, language="nb", url="https://news.example/again")
    extract_for_article(article)
    fresh = list(CandidateClaim.objects.filter(article=article).values_list("pk", flat=True))
    client.post(LIST, {"action": "dismiss", "_selected_action": fresh})
    assert set(CandidateClaim.objects.filter(pk__in=fresh).values_list("status", flat=True)) <= {"dismissed"}
