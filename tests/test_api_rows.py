"""claims/api/rows.py: list pages read as column values, nested the way serializers walk them."""

from __future__ import annotations

import pytest
from django.test import override_settings

from claims.api.fast import rows_attr
from claims.api.rows import Row, Shape, attach_many, rows
from claims.models import Claim, Tag
from tests.factories import ClaimFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401
from tests.test_perf_guards import count_queries, make_claims


def test_a_shape_nests_columns_and_a_missing_relation_is_none():
    shape = Shape.of(["id", "text", "claimant", "claimant__id", "claimant__name", "review__id", "review__rating__id"])
    row = shape.build(
        {"id": 1, "text": "t", "claimant": 7, "claimant__id": 7, "claimant__name": "A", "review__id": None}
        | {"review__rating__id": None}
    )
    assert row.pk == 1 and row.text == "t"
    assert row.claimant.name == "A" and row.claimant.pk == 7  # the nested row, not the foreign key's id
    assert row.review is None
    nested = shape.build(
        {"id": 2, "text": "u", "claimant": None, "claimant__id": None, "claimant__name": None, "review__id": 3}
        | {"review__rating__id": 4}
    )
    assert nested.claimant is None and nested.review.rating.pk == 4
    assert nested.review.serializable_value("rating") == 4  # what DRF's primary-key fields read


def test_a_nested_relation_without_its_id_is_refused():
    with pytest.raises(ValueError, match="claimant"):
        Shape.of(["id", "claimant__name"])


def test_a_row_cannot_query_and_says_what_it_lacks():
    row = Row([("id", 1)])
    with pytest.raises(AttributeError):
        _ = row.claimant
    assert rows([]) == []


@pytest.mark.django_db
def test_attach_many_groups_in_the_relations_order_and_gives_empty_lists():
    tagged, bare = ClaimFactory(), ClaimFactory()
    tagged.tags.set([Tag.objects.create(name="Zeta", slug="zeta"), Tag.objects.create(name="Alfa", slug="alfa")])
    parents = rows(list(Claim.objects.filter(pk__in=[tagged.pk, bare.pk]).values("id")))
    tags = Tag.objects.filter(claims__in=[tagged.pk, bare.pk]).values("claims__id", "id", "name")
    attach_many(parents, "tags", tags, key="claims__id")
    by_id = {row.pk: row for row in parents}
    assert [t.name for t in by_id[tagged.pk].__dict__[rows_attr("tags")]] == ["Alfa", "Zeta"]
    assert by_id[bare.pk].__dict__[rows_attr("tags")] == []


@pytest.mark.django_db
@pytest.mark.parametrize("compiled", [True, False])
def test_a_list_page_costs_three_queries_either_way(compiled):
    make_claims(12)
    with override_settings(API_COMPILED_SERIALIZERS=compiled):
        n, _ = count_queries(client_for(None), f"{API}/claims/?page_size=10")
    assert n == 3  # the page with its capped count, the tags, the appearances


@pytest.mark.django_db
def test_the_desk_sees_the_assignee_from_rows(reviewer):
    claim = make_claims(1, status="in_research")[0]
    Claim.objects.filter(pk=claim.pk).update(assignee=reviewer)
    body = client_for(reviewer).get(f"{API}/claims/").json()
    assert body["results"][0]["assignee"] == {"id": reviewer.pk, "username": reviewer.username}
