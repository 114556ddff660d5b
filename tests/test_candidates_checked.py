"""The candidates queue uses other desks' reviews: a sentence matching a claim another desk
has already checked (an external review, from an import) says "already checked by …" with
the link, in the admin list and in the API, and can be filtered and sorted on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from claims.intake.candidates import extract_for_article
from claims.models import CandidateClaim, ExternalReview
from claims.services import imports
from tests.factories import ArticleFactory, ClaimFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401

pytestmark = pytest.mark.django_db

# Written for these tests: an article with one sentence another desk has checked.
TEXT = (
    "Av Ola Strand, Bergen\n\n"
    "Bompengene i Bergen gikk ned med 40 prosent i fjor, sa ordføreren på møtet. "
    "Møtet varte i to timer.\n\n"
    "Ifølge Statistisk sentralbyrå flyttet 3000 personer til byen i august. "
    "Det regnet hele dagen."
)


def _review(claim, **fields) -> ExternalReview:
    values = {
        "publisher": "Sjekkdesken",
        "publisher_url": "https://sjekk.example.org/",
        "url": "https://sjekk.example.org/bompenger",
        "claim_reviewed": "Bompengene i Bergen falt med 40 prosent i 2025",
        "rating_text": "Helt feil",
        "date": dt.date(2026, 3, 1),
        "language": "nb",
        **fields,
    }
    return ExternalReview.objects.create(claim=claim, **values)


def _extract() -> CandidateClaim:
    extract_for_article(ArticleFactory(text=TEXT, language="nb"))
    return CandidateClaim.objects.get(text__startswith="Bompengene")


def test_a_sentence_matching_only_an_external_reviews_wording_tracks_its_claim():
    # The desk's claim is worded so differently that only the other desk's wording matches.
    claim = ClaimFactory(text="Mayor boasts about cheaper commuting", language="en", claim_reviewed="")
    review = _review(claim)
    candidate = _extract()
    assert candidate.status == "tracked" and candidate.claim == claim
    assert candidate.external_review == review
    other = CandidateClaim.objects.get(text__startswith="Ifølge Statistisk")
    assert other.external_review is None and other.status == "new"


def test_a_sentence_tracking_a_claim_shows_the_newest_review_of_it():
    claim = ClaimFactory(text="Bompengene i Bergen gikk ned med 40 prosent i fjor", language="nb", claim_reviewed="")
    _review(claim, claim_reviewed="", url="https://old.example.org/a", date=dt.date(2025, 1, 1))
    newest = _review(claim, claim_reviewed="", url="https://new.example.org/b", publisher="Faktasjekk")
    candidate = _extract()
    assert candidate.claim == claim and candidate.external_review == newest


def test_an_import_marks_open_candidates_of_its_claim(editor):
    claim = ClaimFactory(text="Bompengene i Bergen gikk ned med 40 prosent i fjor", language="nb", claim_reviewed="")
    candidate = _extract()
    assert candidate.claim == claim and candidate.external_review is None
    feed = (
        b'{"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://sjekk.example.org/x",'
        b' "claimReviewed": "Bompengene i Bergen gikk ned med 40 prosent i fjor",'
        b' "author": {"@type": "Organization", "name": "Sjekkdesken"},'
        b' "reviewRating": {"@type": "Rating", "alternateName": "Helt feil"}}'
    )
    job = imports.import_job_create(user=editor, content=feed, filename="one.json")
    imports.import_job_run(job_id=job.pk)
    candidate.refresh_from_db()
    assert candidate.external_review is not None
    assert candidate.external_review.publisher == "Sjekkdesken"


def test_the_admin_list_says_who_checked_it_and_filters_and_sorts(client, reviewer):
    claim = ClaimFactory(text="Mayor boasts about cheaper commuting", language="en", claim_reviewed="")
    _review(claim)
    _extract()
    client.force_login(reviewer)
    url = reverse("admin:claims_candidateclaim_changelist")
    page = client.get(url).content.decode()
    assert "already checked by Sjekkdesken: Helt feil" in page
    assert 'href="https://sjekk.example.org/bompenger"' in page
    checked = client.get(url, {"checked": "yes"}).context["cl"].result_list
    assert [c.text[:10] for c in checked] == ["Bompengene"]
    unchecked = client.get(url, {"checked": "no"}).context["cl"].result_list
    assert "Bompengene" not in [c.text[:10] for c in unchecked] and unchecked
    column = list(client.get(url).context["cl"].list_display).index("checked_column")
    ordered = client.get(url, {"o": str(column)}).context["cl"].result_list
    assert ordered[0].text.startswith("Bompengene")


def test_the_api_gives_checked_elsewhere_and_filters_on_it(reviewer):
    claim = ClaimFactory(text="Mayor boasts about cheaper commuting", language="en", claim_reviewed="")
    review = _review(claim)
    _extract()
    api = client_for(reviewer)
    items = api.get(f"{API}/candidates/").json()["results"]
    by_text = {i["text"][:10]: i for i in items}
    checked = by_text["Bompengene"]["checked_elsewhere"]
    assert checked == {
        "id": review.pk,
        "summary": "already checked by Sjekkdesken: Helt feil",
        "publisher": "Sjekkdesken",
        "publisher_url": "https://sjekk.example.org/",
        "url": "https://sjekk.example.org/bompenger",
        "claim_reviewed": "Bompengene i Bergen falt med 40 prosent i 2025",
        "rating_text": "Helt feil",
        "rating": None,
        "date": "2026-03-01",
        "language": "nb",
    }
    assert all(i["checked_elsewhere"] is None for t, i in by_text.items() if t != "Bompengene")
    only = api.get(f"{API}/candidates/", {"checked_elsewhere": "true"}).json()["results"]
    assert [i["text"][:10] for i in only] == ["Bompengene"]
    others = api.get(f"{API}/candidates/", {"checked_elsewhere": "false"}).json()["results"]
    assert others and "Bompengene" not in [i["text"][:10] for i in others]
    assert api.get(f"{API}/candidates/", {"checked_elsewhere": "maybe"}).status_code == 400


def _external(claim, wording: str, date: dt.date | None) -> ExternalReview:
    return ExternalReview.objects.create(
        claim=claim, publisher="Sjekkdesken", publisher_url="https://sjekk.example.org/",
        url=f"https://sjekk.example.org/{ExternalReview.objects.count()}", claim_reviewed=wording,
        rating_text="Feil", date=date, language="nb",
    )  # fmt: skip


@pytest.mark.postgres
def test_the_batch_statement_for_other_desks_reviews_finds_what_the_querysets_find(monkeypatch):
    from django.db import connection

    from claims.intake import tracking

    if connection.vendor != "postgresql":
        pytest.skip("the one-statement form is PostgreSQL's")
    monkeypatch.setattr(tracking, "POOL_LIMIT", 3)  # the per-article cap, with more to cap
    pooled, other, duplicate = ClaimFactory(), ClaimFactory(), ClaimFactory()
    duplicate.duplicate_of = other
    duplicate.save()
    day = dt.date(2026, 3, 1)
    for claim, wording, date in [
        (pooled, "Om noe helt annet", day),
        (pooled, "Uten dato", None),
        (other, "Strømprisen steg 50% i FJOR", day),  # upper case, a LIKE wildcard in the text
        (other, "Strømprisen steg 50 prosent", day - dt.timedelta(days=1)),
        (other, "Skatt_lette for alle", day),  # an underscore, matched only by itself
        (other, "Skattelette for alle", day),
        (other, "", day),  # no wording: never compared
        (duplicate, "Strømprisen steg kraftig", day),  # a duplicate's review: never pooled
        (other, "strømprisen i fjor", day + dt.timedelta(days=2)),
        (other, "STRØMPRISEN I ÅR", None),
    ]:  # fmt: skip
        _external(claim, wording, date)
    terms = [["strømprisen", "50%"], ["skatt_lette"], [], ["fjor", "uten"], ["ingenting"]]
    ids = [[pooled.pk], [], [pooled.pk], [], [other.pk]]
    orm = tracking._external_pools_orm(terms, ids)
    assert [len(rows) for rows in orm] == [3, 1, 0, 3, 3]  # the test has teeth: caps, wildcards, empties
    one_statement = tracking._external_pools_pg(terms, ids)
    assert [[r.pk for r in rows] for rows in one_statement] == [[r.pk for r in rows] for rows in orm]

    def loaded(pools: list[list[ExternalReview]]) -> list[list[tuple]]:
        return [[(r.claim_id, r.claim_reviewed, r.language, r.updated_at, r.date) for r in rows] for rows in pools]

    assert loaded(one_statement) == loaded(orm)
