"""Query-string filters for the API's lists (django-filter FilterSets).

Bad values (an unknown status, a malformed date or timestamp, an ordering that is not
whitelisted) are 400 field errors, not silently ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from claims.models import Claim, Review, Source, Tag
from claims.search import search_claims
from claims.urlnorm import url_variants
from claims.workflow import ClaimStatus

_MAX_ID = 2**63 - 1


def as_utc(value: dt.datetime) -> dt.datetime:
    """A timestamp from a query string in UTC, safe to hand to the database.

    Python accepts UTC offsets up to ±23:59 but PostgreSQL only ±15:59 ("time zone
    displacement out of range", a 500 found by tests/test_api_fuzz.py), so the value is
    converted first; an instant beyond the calendar's ends becomes its end. A value
    without an offset is read in the desk's time zone, as Django's forms read it.
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.get_current_timezone())
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        before_year_one = (value.utcoffset() or dt.timedelta(0)) > dt.timedelta(0)
        return (dt.datetime.min if before_year_one else dt.datetime.max).replace(tzinfo=dt.UTC)


def parse_instant(raw: str, *, field: str, dates: bool = False) -> dt.datetime:
    """An ISO 8601 timestamp (or, with `dates`, a date: its first moment) from a query
    parameter, in UTC; a 400 with a field error if it is not one."""
    try:
        value = parse_datetime(raw)
        if value is None and dates and (day := parse_date(raw)) is not None:
            value = dt.datetime.combine(day, dt.time.min)
    except ValueError:  # well formed, but no such day or time
        value = None
    if value is None:
        raise ValidationError({field: [_("Give an ISO 8601 date and time, e.g. 2026-01-31T12:00:00Z.")]})
    return as_utc(value)


class UTCDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 timestamp, compared in UTC (see `as_utc`)."""

    def filter(self, qs: QuerySet, value: dt.datetime | None) -> QuerySet:
        if value is not None and value.tzinfo is not None:
            value = as_utc(value)
        return super().filter(qs, value)


def parse_id(value: str) -> int | None:
    """The value as a database id, or None if it is not one (too large ids match nothing)."""
    value = value.strip()
    if value.isascii() and value.isdigit() and int(value) <= _MAX_ID:
        return int(value)
    return None


class StableOrderingFilter(filters.OrderingFilter):
    """The whitelisted ordering, with the id as tie-breaker so pages never overlap."""

    def filter(self, qs: QuerySet, value: Any) -> QuerySet:
        # "?ordering=," splits into empty names, which validate as choices but name no field.
        value = [param for param in value or () if param]
        if not value:
            return qs
        ordering = [self.get_ordering_value(param) for param in value]
        if not any(o.lstrip("-") == "id" for o in ordering):
            ordering.append("-id" if ordering[-1].startswith("-") else "id")
        return qs.order_by(*ordering)


class ClaimFilter(filters.FilterSet):
    """Filters for `/api/v1/claims/` and its export."""

    status = filters.ChoiceFilter(choices=ClaimStatus.choices, help_text=_("Workflow state."))
    rating = filters.CharFilter(field_name="review__rating__slug", help_text=_("Rating slug, e.g. “false”."))
    language = filters.CharFilter(field_name="language", help_text=_("BCP-47 language tag, e.g. “nb”."))
    claimant = filters.CharFilter(method="filter_claimant", help_text=_("Claimant id or exact name."))
    tag = filters.CharFilter(method="filter_tag", help_text=_("Tag slug or name."))
    assignee = filters.CharFilter(
        method="filter_assignee", help_text=_("User id or username; “me” for yourself, “none” for unassigned.")
    )
    claim_date = filters.DateFromToRangeFilter(
        field_name="claim_date", help_text=_("Claim date range: claim_date_after / claim_date_before (inclusive).")
    )
    updated_since = UTCDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text=_("Only claims changed at or after this ISO 8601 timestamp (incremental sync)."),
    )
    q = filters.CharFilter(
        method="filter_q",
        help_text=_(
            "Full-text search over claim text, summary, claimant and appearances; every word must match "
            "(stemmed prefix matching in Norwegian and English on PostgreSQL)."
        ),
    )
    ordering = StableOrderingFilter(
        fields=(
            ("updated_at", "updated_at"),
            ("created_at", "created_at"),
            ("published_at", "published_at"),
            ("claim_date", "claim_date"),
            ("priority", "priority"),
            ("id", "id"),
        ),
        help_text=_("Sort order (prefix “-” for descending); default “-updated_at”. Ignored in cursor mode."),
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_claimant(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if value.isascii() and value.isdigit():
            pk = parse_id(value)
            return qs.filter(claimant_id=pk) if pk is not None else qs.none()
        return qs.filter(claimant__name__iexact=value)

    def filter_tag(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        tags = Tag.objects.filter(Q(slug=value) | Q(name__iexact=value)).values("pk")
        return qs.filter(pk__in=Claim.tags.through.objects.filter(tag__in=tags).values("claim_id"))

    def filter_assignee(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if value.lower() == "none":
            return qs.filter(assignee__isnull=True)
        if value.lower() == "me":
            user = getattr(self.request, "user", None)
            return qs.filter(assignee=user) if user and user.is_authenticated else qs.none()
        if value.isascii() and value.isdigit():
            pk = parse_id(value)
            return qs.filter(assignee_id=pk) if pk is not None else qs.none()
        return qs.filter(assignee__username=value)

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return search_claims(qs, value)


class ReviewFilter(filters.FilterSet):
    """Filters for `/api/v1/reviews/`."""

    claim = filters.NumberFilter(method="filter_claim", help_text=_("Claim id."))
    rating = filters.CharFilter(field_name="rating__slug", help_text=_("Rating slug."))

    class Meta:
        model = Review
        fields: list[str] = []

    def filter_claim(self, qs: QuerySet, name: str, value: Any) -> QuerySet:
        # NumberFilter gives a Decimal: 1.5 or an id beyond the column's range matches nothing.
        if value != value.to_integral_value() or not 0 <= value <= _MAX_ID:
            return qs.none()
        return qs.filter(claim_id=int(value))


class SourceFilter(filters.FilterSet):
    """Filters for `/api/v1/sources/`."""

    url = filters.CharFilter(method="filter_url", help_text=_("Exact URL (normalised the way the desk stores it)."))

    class Meta:
        model = Source
        fields: list[str] = []

    def filter_url(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        try:
            return qs.filter(url__in=url_variants(value))
        except ValueError:  # e.g. a port that is not a number
            return qs.none()


class NameFilter(filters.FilterSet):
    """`?q=` matches part of a name, for claimants and tags."""

    q = filters.CharFilter(field_name="name", lookup_expr="icontains", help_text=_("Part of the name."))
