"""The provider interface: one small class per source of candidate articles."""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.dateparse import parse_datetime

from claims.discovery.http import JSON_TYPES, Fetcher, PermanentFetchError
from claims.discovery.jobs import JobRecorder
from claims.models import Article, Claim


@dataclass
class DiscoveryContext:
    """What a provider gets for one claim: the claim, the shared client, the job, the query."""

    claim: Claim
    fetcher: Fetcher
    recorder: JobRecorder
    # Search words, most telling first: names, then long words, with cognate spellings
    # (Ukraina/Ukraine) so a Norwegian claim also finds English articles.
    terms: list[str] = field(default_factory=list)
    # A short keyword query for external search APIs.
    query: str = ""


class Provider(ABC):
    """A source of candidate articles. Each stores what it finds in the Article index."""

    name: ClassVar[str]

    def unavailable(self) -> str | None:
        """Why this provider cannot run as configured (recorded on the job), or None."""
        return None

    @abstractmethod
    def candidates(self, ctx: DiscoveryContext) -> list[Article]:
        """Articles worth ranking for `ctx.claim`; per-item failures go to `ctx.recorder.error`."""


class ProviderFailed(Exception):
    """Every request the provider made failed; the errors are already on the job."""


class BadResponse(PermanentFetchError):
    """An API answered with something that is not the JSON it documents."""


def fetch_json(
    fetcher: Fetcher, url: str, *, params: Mapping[str, Any] | None = None, headers: Mapping[str, str] | None = None
) -> Any:
    response = fetcher.fetch(url, accept=JSON_TYPES, params=params, headers=headers)
    try:
        return json.loads(response.content)
    except ValueError:
        raise BadResponse(f"{response.final_url} did not return JSON.", url=response.final_url) from None


def api_timestamp(value: str | None) -> dt.datetime | None:
    """An API's ISO 8601 time ("2022-01-21T16:00:00Z"), or None when missing or malformed."""
    try:
        return parse_datetime((value or "").replace("Z", "+00:00"))
    except ValueError:
        return None
