"""Changelist filters for claims whose choices come from small tables or fixed lists.

Django's related-field filters that list "only values in use" run
`SELECT DISTINCT … FROM claims_claim`, a full scan of the biggest table on every page
load. These filters read their choices from the ratings, users, claimants and tags
tables (capped), and filter with indexed columns or EXISTS, so no duplicates appear.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from claims import selectors, workflow
from claims.models import Claim, Claimant, Rating, Tag

# Languages a Norwegian desk meets most; any other BCP-47 tag is still searchable and editable.
DESK_LANGUAGES = ("nb", "nn", "en", "sv", "da", "fi", "de", "fr", "es", "pl", "uk", "ru", "ar")
# The sidebar lists at most this many claimants/tags; links from their own lists reach the rest.
SIDEBAR_LIMIT = 25


def language_name(code: str) -> Any:
    """A language's name in the user's language; Bokmål spelled as the settings spell it (Django
    ships "Norwegian Bokmal" without the å)."""
    return dict(settings.LANGUAGES).get(code) or get_language_info(code)["name_translated"]


class QueueFilter(admin.SimpleListFilter):
    """Quick views: my open work, and open claims nobody has picked up."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("mine", _("My queue")), ("unassigned", _("Unassigned"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "mine":
            return queryset.filter(selectors.queue_condition(request.user))
        if self.value() == "unassigned":
            return queryset.filter(assignee__isnull=True, status__in=workflow.OPEN_STATES)
        return queryset


class RatingFilter(admin.SimpleListFilter):
    title = _("rating")
    parameter_name = "rating"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        choices: list[tuple[str, Any]] = [(r.slug, r.label) for r in Rating.objects.order_by("order", "id")]
        return [*choices, ("none", _("No rating yet"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "none":
            return queryset.filter(Q(review__isnull=True) | Q(review__rating__isnull=True))
        if value:
            return queryset.filter(review__rating__slug=value)
        return queryset


class AssigneeFilter(admin.SimpleListFilter):
    title = _("assignee")
    parameter_name = "assignee"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        people = [(str(u.pk), u.get_full_name() or u.get_username()) for u in selectors.users_who_can_work()]
        return [("none", _("Nobody")), *people]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "none":
            return queryset.filter(assignee__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assignee_id=int(value))
        return queryset


class LanguageFilter(admin.SimpleListFilter):
    title = _("language")
    parameter_name = "lang"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [(code, language_name(code)) for code in DESK_LANGUAGES]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value:
            # "pt" also matches regional tags such as "pt-BR".
            return queryset.filter(Q(language=value) | Q(language__startswith=f"{value}-"))
        return queryset


class ClaimantFilter(admin.SimpleListFilter):
    """The newest claimants, plus whichever one is selected (e.g. from the claimants list)."""

    title = _("claimant")
    parameter_name = "claimant"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        rows = list(Claimant.objects.order_by("-created_at", "-id").values_list("pk", "name")[:SIDEBAR_LIMIT])
        value = self.value()
        if value and value.isdigit() and all(str(pk) != value for pk, _name in rows):
            rows += list(Claimant.objects.filter(pk=int(value)).values_list("pk", "name"))
        return sorted(((str(pk), name) for pk, name in rows), key=lambda r: r[1].lower())

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(claimant_id=int(value))
        return queryset


class TagFilter(admin.SimpleListFilter):
    """Filter by tag with EXISTS, so a claim never appears twice."""

    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        rows = list(Tag.objects.order_by("name").values_list("slug", "name")[:SIDEBAR_LIMIT])
        value = self.value()
        if value and all(slug != value for slug, _name in rows):
            rows += list(Tag.objects.filter(slug=value).values_list("slug", "name"))
        return rows

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value:
            through = Claim.tags.through
            return queryset.filter(Exists(through.objects.filter(claim_id=OuterRef("pk"), tag__slug=value)))
        return queryset
