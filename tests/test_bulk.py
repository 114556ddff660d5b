"""claims.models.bulk: one INSERT of constant text writes what bulk_create writes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.forms.models import model_to_dict

from claims.models import CandidateClaim
from claims.models.bulk import insert_returning_ids
from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def _candidates(article, claim, claimant) -> list[CandidateClaim]:
    return [
        CandidateClaim(
            article=article,
            start=0,
            end=61,
            text="Lavrov sa at Russland «ikke har noen planer» om å gå inn i Ukraina.",
            score=0.91,
            language="nb",
            speaker="Sergej Lavrov",
            claimant_id=claimant.pk,
            status=CandidateClaim.Status.TRACKED,
            claim_id=claim.pk,
            match_score=0.73,
            model_version=3,
        ),
        CandidateClaim(
            article=article,
            start=62,
            end=140,
            # Quotes, a backslash, braces and a comma: what an array literal would have to escape.
            text="He said: \"no plans\", {not} a\\b, 'maybe' — and left.\nNext line",
            score=0.5,
            language="en",
            speaker="",
        ),
    ]


def _row(candidate: CandidateClaim) -> dict:
    values = model_to_dict(CandidateClaim.objects.get(pk=candidate.pk))
    return {k: v for k, v in values.items() if k not in {"id"}}


def test_the_rows_and_ids_are_those_bulk_create_gives():
    article, other = ArticleFactory(), ArticleFactory()
    claim, claimant = ClaimFactory(), ClaimantFactory()
    ours = _candidates(article, claim, claimant)
    ids = insert_returning_ids(ours)
    assert ids == [c.pk for c in ours] and ids == sorted(ids)  # in the objects' order
    assert all(not c._state.adding and c.created_at is not None for c in ours)
    theirs = CandidateClaim.objects.bulk_create(_candidates(other, claim, claimant))
    for mine, reference in zip(ours, theirs, strict=True):
        expected = _row(reference) | {"article": article.pk}
        assert _row(mine) == expected
        stored = CandidateClaim.objects.get(pk=mine.pk)
        assert stored.created_at == mine.created_at
        assert stored.decided_by_id is None and stored.external_review_id is None  # NULLs stay NULL


def test_nothing_to_insert_is_no_statement(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert insert_returning_ids([]) == []


def test_one_statement_for_many_rows(django_assert_num_queries):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's path is bulk_create, batched by its parameter limit")
    article = ArticleFactory()
    many = [
        CandidateClaim(article=article, start=i * 10, end=i * 10 + 9, text=f"Setning {i}.", score=0.6, language="nb")
        for i in range(300)
    ]
    with django_assert_num_queries(1):
        ids = insert_returning_ids(many)
    assert len(set(ids)) == 300
    assert list(CandidateClaim.objects.filter(pk__in=ids).order_by("id").values_list("start", flat=True)) == [
        i * 10 for i in range(300)
    ]
