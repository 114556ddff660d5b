"""claims/api/fast.py: one switch, the same bytes either way, no request kept, its private
attributes pinned to the pinned versions, and a list fed without `load()` fails loudly."""

from __future__ import annotations

import gc
import weakref
from typing import Any

import django
import pytest
import rest_framework
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, override_settings
from rest_framework.request import Request

from claims import selectors
from claims.api import fast
from claims.api.serializers import ClaimDetailSerializer, ClaimSerializer
from claims.models import Claim
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401
from tests.test_perf_guards import make_claims

pytestmark = pytest.mark.django_db


def _bytes(client: Any, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/claims/?page_size=50",
        f"{API}/claims/?cursor=&page_size=7",
        f"{API}/claims/?status=published&ordering=-claim_date",
        f"{API}/claims/?page_size=5&page=2",
        f"{API}/claims/?q=claim",
        f"{API}/claims/export/",
        f"{API}/claims/export/?format=csv",
    ],
)
@pytest.mark.parametrize("desk", [False, True])
def test_the_switch_changes_no_byte(url, desk, reviewer):
    make_claims(9)
    make_claims(4, status="in_research", offset=9)
    client = client_for(reviewer if desk else None)
    with override_settings(API_COMPILED_SERIALIZERS=True):
        compiled = _bytes(client, url)
    with override_settings(API_COMPILED_SERIALIZERS=False):
        stock = _bytes(client, url)
    assert compiled == stock
    assert b'"appearances"' in stock or b"first_appearance" in stock


def test_the_blueprint_cache_keeps_no_request():
    make_claims(3)
    fast._BLUEPRINTS.pop(ClaimSerializer, None)
    request = Request(RequestFactory().get(f"{API}/claims/"))
    request.user = AnonymousUser()
    alive = weakref.ref(request)
    page = list(ClaimSerializer.load(selectors.claims_visible_to(user=request.user), desk=False))
    assert ClaimSerializer(page, many=True, context={"request": request, "desk": False}).data
    assert fast._BLUEPRINTS[ClaimSerializer] is not None
    del request
    gc.collect()
    assert alive() is None, gc.get_referrers(alive())


def test_a_list_without_load_fails_loudly_in_tests():
    make_claims(3)
    plain = list(Claim.objects.all())  # no prefetches, every column: each row would query
    with pytest.raises(ImproperlyConfigured, match="load"):
        _ = ClaimSerializer(plain, many=True, context={"desk": False}).data
    loaded = list(ClaimSerializer.load(Claim.objects.all(), desk=False))
    assert len(ClaimSerializer(loaded, many=True, context={"desk": False}).data) == 3


def test_tags_and_appearances_never_vanish_whatever_the_queryset(settings):
    """They are the claim's relations, not attributes only one selector set (they used to vanish)."""
    settings.API_CHECK_SERIALIZER_QUERIES = False
    claim = make_claims(2)[1]  # one with tags and appearances
    assert claim.tags.exists() and claim.appearances.exists()
    for compiled in (True, False):
        settings.API_COMPILED_SERIALIZERS = compiled
        row = ClaimSerializer([Claim.objects.get(pk=claim.pk)], many=True, context={"desk": False}).data[0]
        assert len(row["tags"]) == claim.tags.count() and len(row["appearances"]) == claim.appearances.count()


def test_the_private_attributes_fast_relies_on():
    """fast.py reads a few private DRF/Django attributes; an upgrade must come back here."""
    assert rest_framework.VERSION == "3.18.3" and django.VERSION[:2] == (5, 2)
    from rest_framework import serializers
    from rest_framework.fields import ISO_8601, is_simple_callable
    from rest_framework.relations import PKOnlyObject

    serializer = ClaimSerializer()
    readable = list(serializer._readable_fields)
    assert {f.field_name for f in readable} == set(ClaimSerializer.Meta.fields)
    assert all(isinstance(f, serializers.Field) and f.source_attrs is not None for f in readable)
    assert ISO_8601 == "iso-8601" and is_simple_callable(lambda: 1) and not is_simple_callable(1)
    assert PKOnlyObject(pk=1).pk == 1
    choice = serializers.ChoiceField(choices=[("a", "A")])
    assert choice.choice_strings_to_values == {"a": "a"}
    claim = make_claims(1)[0]
    loaded = ClaimSerializer.load(Claim.objects.filter(pk=claim.pk), desk=False).get()
    # load()'s to-many relations arrive as plain lists (fast.prefetch_rows), not in the cache
    # Django keeps under the relation's name (which fast._many reads for other querysets).
    assert isinstance(loaded.__dict__[fast.rows_attr("tags")], list)
    assert isinstance(loaded.__dict__[fast.rows_attr("appearances")], list)
    detail = ClaimDetailSerializer.load(Claim.objects.filter(pk=claim.pk), desk=True).get()
    assert {"tags", "appearances"} <= set(detail._prefetched_objects_cache)
    assert serializers.Serializer.to_representation is not serializers.ListSerializer.to_representation
