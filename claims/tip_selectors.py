"""Reads of reader tips shared by the admin inbox and the API: one item per grouped question."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, IntegerField, Max, OuterRef, Prefetch, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from claims.models import Tip


def tips_inbox(*, status: str | None = None, since: dt.datetime | None = None) -> QuerySet[Tip]:
    """Root tips (one per question) with their group's total requests and last sighting.

    `total_requests` and `group_last_seen` cover the root and every tip grouped with it;
    `members` is prefetched (for the URLs), and the claims are joined.
    """
    members = Tip.objects.filter(group=OuterRef("pk")).order_by().values("group")
    member_requests = members.annotate(n=Sum("requests")).values("n")
    member_last = members.annotate(t=Max("last_seen")).values("t")
    queryset = (
        Tip.objects.filter(group__isnull=True)
        .select_related("claim", "suggested_claim")
        .prefetch_related(Prefetch("members", queryset=Tip.objects.order_by("first_seen", "id")))
        .annotate(
            total_requests=F("requests") + Coalesce(Subquery(member_requests, output_field=IntegerField()), Value(0)),
            group_last_seen=Greatest("last_seen", Coalesce(Subquery(member_last), F("last_seen"))),
        )
    )
    if status:
        queryset = queryset.filter(status=status)
    if since is not None:
        queryset = queryset.filter(group_last_seen__gte=since)
    return queryset.order_by("-group_last_seen", "-id")


def tip_urls(tip: Tip) -> list[str]:
    """The distinct URLs of a root tip and its group, first seen first (members prefetched)."""
    return list(dict.fromkeys(t.url for t in [tip, *tip.members.all()] if t.url))
