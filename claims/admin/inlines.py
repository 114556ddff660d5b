"""The claim page's inlines: where the claim appeared, and the verdict.

Saving happens in `ClaimAdmin.save_formset`, through the services; these classes only
decide what is shown and who may edit it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from claims import services
from claims.admin.base import URL_FIELDS_HTTPS, can_work
from claims.admin.forms import ReviewInlineForm
from claims.models import Appearance, Claim, Review


class AppearanceInline(admin.TabularInline):
    """Sources the claim appeared in, with the quote as it was worded there."""

    model = Appearance
    fields = ("source", "quote", "appeared_on", "is_first_appearance")
    autocomplete_fields = ("source",)
    extra = 1
    classes = ("fc-appearances",)
    verbose_name = _("appearance")
    verbose_name_plural = _("Where the claim appeared")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Appearance]:
        return super().get_queryset(request).select_related("source")

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "quote" and field is not None:
            field.widget.attrs.update({"rows": 2, "cols": 36})
        return field

    def _may_work(self, request: HttpRequest) -> bool:
        return can_work(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_work(request) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_work(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._may_work(request) and super().has_delete_permission(request, obj)


def review_editable_by(user: Any, claim: Claim | None) -> bool:
    """The rules of `services.review_save`: reviewers draft, only editors revise a live verdict."""
    if claim is None or claim.pk is None:
        return can_work(user)
    return services.review_editable(claim=claim, user=user)


class ReviewInline(admin.StackedInline):
    """The verdict: rating, headline, rationale and the evidence it rests on."""

    model = Review
    form = ReviewInlineForm
    formfield_overrides = URL_FIELDS_HTTPS
    fields = ("rating", "headline", "rationale", "evidence", "author", "approver", "published_at", "published_url")
    readonly_fields = ("author", "approver", "published_at", "published_url")
    autocomplete_fields = ("evidence",)
    max_num = 1
    extra = 1
    can_delete = False
    classes = ("fc-review",)
    verbose_name = _("verdict")
    verbose_name_plural = _("Verdict")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Review]:
        return super().get_queryset(request).select_related("rating", "author", "approver")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return review_editable_by(request.user, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return review_editable_by(request.user, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
