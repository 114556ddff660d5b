"""Public fact-check pages: /factchecks/ and /factchecks/<slug>/."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from claims import services
from claims.models import Claim
from claims.workflow import ClaimStatus
from tests.factories import AppearanceFactory, ClaimFactory, ReviewFactory, SourceFactory, UserFactory, rating

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def live_claim(
    *, status: str = ClaimStatus.PUBLISHED, days_ago: int = 0, rationale: str = "Troops kept arriving.", **kw
):
    """A claim in a live state, built directly (the workflow itself is tested elsewhere)."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    claim = ClaimFactory(status=status, published_at=when, **kw)
    ReviewFactory(
        claim=claim,
        rationale=rationale,
        headline=f"Verdict on {claim.claim_reviewed}",
        approver=UserFactory(role="Editor"),
        published_at=when,
        evidence=[SourceFactory(title="Satellite images of the border", url=f"https://news.example/sat/{claim.slug}")],
    )
    return claim


def ld_json(response) -> dict:
    scripts = LD_JSON.findall(response.content.decode())
    assert len(scripts) == 1
    return json.loads(scripts[0])


@pytest.mark.django_db
def test_root_redirects_to_the_list(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/factchecks/"


@pytest.mark.django_db
def test_list_shows_live_fact_checks_newest_first_and_nothing_else(client):
    old = live_claim(claim_reviewed="Old verdict claim", days_ago=5)
    updated = live_claim(status=ClaimStatus.UPDATED, claim_reviewed="Updated verdict claim", days_ago=2)
    new = live_claim(claim_reviewed="Newest verdict claim", days_ago=0)
    for status in (ClaimStatus.NEW, ClaimStatus.IN_REVIEW, ClaimStatus.REJECTED, ClaimStatus.RETRACTED):
        ClaimFactory(status=status, claim_reviewed=f"Hidden {status} claim")

    response = client.get("/factchecks/")
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f"Verdict on {c.claim_reviewed}") for c in (new, updated, old)]
    assert positions == sorted(positions)
    assert "Hidden" not in html
    assert 'class="verdict verdict-1"' in html  # the default review rating is "false" (1)


@pytest.mark.django_db
def test_list_is_paginated_in_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for n in range(23):
        live_claim(claim_reviewed=f"Claim number {n:02d}", days_ago=n)
    with django_assert_max_num_queries(6):
        first = client.get("/factchecks/")
    assert first.status_code == 200
    assert len(first.context["factchecks"]) == 20
    assert "Claim number 00" in first.content.decode()
    second = client.get("/factchecks/?page=2")
    assert [c.claim_reviewed for c in second.context["factchecks"]] == [
        "Claim number 20",
        "Claim number 21",
        "Claim number 22",
    ]
    assert client.get("/factchecks/?page=9").status_code == 404


@pytest.mark.django_db
def test_detail_page_shows_the_fact_check_with_claimreview(client):
    claim = live_claim(claim_reviewed="Russia denies invasion plans", text="We are not planning any attack.")
    AppearanceFactory(
        claim=claim,
        source=SourceFactory(url="https://news.example/geneva", title="Talks in Geneva"),
        is_first_appearance=True,
        appeared_on=dt.date(2022, 1, 21),
    )
    response = client.get(f"/factchecks/{claim.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "We are not planning any attack." in html
    assert claim.claimant.name in html
    assert "Satellite images of the border" in html  # evidence
    assert 'href="https://news.example/geneva"' in html  # appearance
    assert "False" in html  # verdict label (English by default)

    data = ld_json(response)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == "Russia denies invasion plans"
    assert data["reviewRating"]["ratingValue"] == 1
    assert data["reviewRating"]["alternateName"] == "False"
    assert data["itemReviewed"]["author"]["name"] == claim.claimant.name
    assert data["itemReviewed"]["firstAppearance"]["url"] == "https://news.example/geneva"
    assert data["author"]["@type"] == "Organization"
    assert data["datePublished"] == timezone.localdate(claim.review.published_at).isoformat()
    assert data["inLanguage"] == "en"


@pytest.mark.django_db
def test_detail_of_an_updated_fact_check_shows_the_update(client):
    claim = live_claim(status=ClaimStatus.UPDATED)
    response = client.get(f"/factchecks/{claim.slug}/")
    assert response.status_code == 200
    assert "Updated" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status",
    [ClaimStatus.NEW, ClaimStatus.TRIAGED, ClaimStatus.IN_RESEARCH, ClaimStatus.IN_REVIEW, ClaimStatus.REJECTED],
)
def test_unpublished_claims_are_not_found(client, status):
    claim = ClaimFactory(status=status)
    ReviewFactory(claim=claim)
    assert client.get(f"/factchecks/{claim.slug}/").status_code == 404


@pytest.mark.django_db
def test_a_live_claim_without_a_verdict_still_renders(client):
    claim = ClaimFactory(status=ClaimStatus.PUBLISHED, published_at=timezone.now(), claim_reviewed="Imported claim")
    assert client.get("/factchecks/").status_code == 200
    response = client.get(f"/factchecks/{claim.slug}/")
    assert response.status_code == 200
    data = ld_json(response)
    assert "reviewRating" not in data
    assert data["url"].endswith(f"/factchecks/{claim.slug}/")


@pytest.mark.django_db
def test_unknown_slug_is_not_found(client):
    assert client.get("/factchecks/no-such-fact-check/").status_code == 404


@pytest.mark.django_db
def test_retracted_fact_check_shows_a_notice_without_verdict_or_markup(client, reviewer, editor):
    claim = services.claim_create(user=reviewer, text="The talks ended in a full agreement.", language="en")
    for target in ("triaged", "in_research"):
        services.claim_transition(claim=claim, user=reviewer, to=target)
    services.review_save(
        claim=claim,
        user=reviewer,
        rating=rating("false"),
        rationale="Secret rationale text.",
        evidence=[SourceFactory()],
    )
    services.claim_transition(claim=claim, user=reviewer, to="in_review")
    services.claim_transition(claim=claim, user=editor, to="published")
    assert client.get(f"/factchecks/{claim.slug}/").status_code == 200
    services.claim_transition(claim=claim, user=editor, to="retracted")

    response = client.get(f"/factchecks/{claim.slug}/")
    assert response.status_code == 410
    html = response.content.decode()
    assert "retracted" in html
    assert "The talks ended in a full agreement." in html
    assert "Secret rationale text." not in html
    assert not LD_JSON.search(html)
    assert "The talks ended" not in client.get("/factchecks/").content.decode()


@pytest.mark.django_db
def test_rationale_markdown_is_rendered_and_sanitised(client):
    claim = live_claim(
        rationale=(
            "The build-up is **well documented**, see [the report](https://news.example/report).\n\n"
            "<script>alert('rationale-xss')</script>\n\n"
            '<img src="x" onerror="alert(\'img-xss\')">\n\n'
            '<iframe src="https://evil.example/"></iframe>\n\n'
            "<style>body{display:none}</style>\n\n"
            "[click me](javascript:stealCookies)\n\n"
            "<p onclick=\"alert('attr-xss')\">Plain paragraph.</p>"
        )
    )
    html = client.get(f"/factchecks/{claim.slug}/").content.decode()
    rationale = html.split('<div class="rationale">', 1)[1].split("</div>", 1)[0]
    assert "<strong>well documented</strong>" in rationale
    assert '<a href="https://news.example/report" rel="noopener nofollow">the report</a>' in rationale
    assert "Plain paragraph." in rationale
    for bad in ("<script", "rationale-xss", "<img", "onerror", "<iframe", "<style", "javascript:", "onclick"):
        assert bad not in rationale, bad
    # Nothing of it leaked elsewhere on the page either.
    for bad in ("rationale-xss", "img-xss", "stealCookies", "attr-xss", "evil.example"):
        assert bad not in html, bad


@pytest.mark.django_db
def test_json_ld_cannot_break_out_of_its_script_element(client):
    hostile = "Ends here </script><script>alert('ld-xss')</script> & <!-- more"
    claim = live_claim(claim_reviewed=hostile[:200])
    response = client.get(f"/factchecks/{claim.slug}/")
    html = response.content.decode()
    script = LD_JSON.search(html).group(1)
    assert "<" not in script and ">" not in script and "&" not in script
    assert "\\u003C/script\\u003E" in script
    assert ld_json(response)["claimReviewed"] == hostile
    assert "<script>alert(" not in html


@pytest.mark.django_db
def test_public_pages_need_no_login_and_show_no_desk_internals(client):
    claim = live_claim()
    Claim.objects.filter(pk=claim.pk).update(assignee=UserFactory(username="secret-reviewer-name"))
    html = client.get(f"/factchecks/{claim.slug}/").content.decode()
    assert "secret-reviewer-name" not in html
    assert claim.review.author.username not in html
