"""Helpers shared by the REST API tests (no tests here): clients per role and ready-made claims."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim
from tests.factories import AppearanceFactory, ClaimFactory, ReviewFactory, SourceFactory, rating

API = "/api/v1"


@pytest.fixture(autouse=True)
def fresh_throttle_counts():
    """Throttle counters live in the cache: give each test its own, empty one.

    A private in-memory cache rather than clearing the configured one, which under
    REDIS_URL is a Redis database other tests (and the Celery broker) share.
    """
    private = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "api-tests"}}
    with override_settings(CACHES=private):
        cache.clear()
        yield
        cache.clear()


def client_for(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def live_claim(**fields: Any) -> Claim:
    """A published fact-check with a verdict, evidence and a first appearance."""
    now = timezone.now()
    claim = ClaimFactory(status="published", published_at=now, **fields)
    ReviewFactory(
        claim=claim,
        rating=rating("false"),
        published_at=now,
        published_url=f"https://desk.example/factchecks/{claim.slug}/",
        evidence=[SourceFactory()],
    )
    AppearanceFactory(claim=claim, is_first_appearance=True, appeared_on=dt.date(2022, 1, 21))
    return claim


def ids(response: Any) -> set[int]:
    return {item["id"] for item in response.json()["results"]}
