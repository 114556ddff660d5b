"""The Tips inbox: one row per reader question (similar tips grouped), with what the desk
needs to choose — how many readers asked, when, where they saw it, and the existing claim
it most resembles — and the actions Record as claim, Attach to claim and Spam.

Every action goes through claims.services.tips. Contact addresses are shown to editors
only (the TipContact view permission).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from claims import tip_selectors
from claims.admin.base import can_work, error_messages
from claims.exceptions import ServiceError
from claims.models import Claim, Tip, TipContact
from claims.services import tips as tip_services


class AttachForm(forms.Form):
    claim = forms.IntegerField(label=gettext_lazy("Claim id"), min_value=1)

    def clean_claim(self) -> Claim:
        claim = Claim.objects.filter(pk=self.cleaned_data["claim"]).first()
        if claim is None:
            raise forms.ValidationError(_("There is no claim with this id."))
        return claim


class TipContactInline(admin.TabularInline):
    model = TipContact
    extra = 0
    can_delete = False
    fields = ("email", "consent", "language", "created_at", "notified_at")
    readonly_fields = fields

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("claims.view_tipcontact")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _report(request: HttpRequest, done: int, refused: Sequence[tuple[Tip, Exception]], message: str) -> None:
    if done:
        messages.success(request, message)
    for tip, exc in refused:
        for text in error_messages(exc):
            messages.error(request, f"{Truncator(tip.text).chars(60)}: {text}")


@admin.action(description=gettext_lazy("Record as claim"), permissions=["work"])
def record_as_claim(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Tip]) -> None:
    done, refused = 0, []
    for tip in queryset.order_by("pk"):
        try:
            tip_services.tip_record_as_claim(tip=tip, user=request.user)
            done += 1
        except ServiceError as exc:
            refused.append((tip, exc))
    _report(request, done, refused, ngettext("%(n)d claim recorded.", "%(n)d claims recorded.", done) % {"n": done})


@admin.action(description=gettext_lazy("Attach to claim"), permissions=["work"])
def attach_to_claim(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Tip]) -> TemplateResponse | None:
    if "apply" in request.POST:
        form = AttachForm(request.POST)
        if form.is_valid():
            done, refused = 0, []
            for tip in queryset.order_by("pk"):
                try:
                    tip_services.tip_attach(tip=tip, claim=form.cleaned_data["claim"], user=request.user)
                    done += 1
                except ServiceError as exc:
                    refused.append((tip, exc))
            _report(
                request,
                done,
                refused,
                ngettext("%(n)d tip attached.", "%(n)d tips attached.", done) % {"n": done},
            )
            return None
    else:
        first = queryset.select_related("suggested_claim").first()
        initial = {"claim": first.suggested_claim_id} if first and first.suggested_claim_id else {}
        form = AttachForm(initial=initial)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Attach tips to a claim"),
        "opts": modeladmin.model._meta,
        "form": form,
        "tips": list(queryset),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/claims/tip/attach.html", context)


@admin.action(description=gettext_lazy("Mark as spam"), permissions=["work"])
def mark_spam(modeladmin: Any, request: HttpRequest, queryset: QuerySet[Tip]) -> None:
    count = tip_services.tips_mark_spam(tips=list(queryset), user=request.user)
    messages.success(request, ngettext("%(n)d tip marked as spam.", "%(n)d tips marked as spam.", count) % {"n": count})


class StatusFilter(admin.SimpleListFilter):
    """New tips by default: the inbox is what still needs a decision."""

    title = gettext_lazy("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [*Tip.Status.choices, ("all", _("All"))]

    def choices(self, changelist: Any) -> Iterator[Any]:  # django-stubs: _ListFilterChoices dicts
        value = self.value() or Tip.Status.NEW
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Tip]) -> QuerySet[Tip]:
        value = self.value() or Tip.Status.NEW
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(Tip)
class TipAdmin(admin.ModelAdmin):
    """The Tips inbox (root tips only; each row stands for its whole group)."""

    list_display = (
        "question",
        "readers",
        "languages",
        "first_seen",
        "last_seen_group",
        "where_seen",
        "best_match",
        "status",
    )
    list_display_links = ("question",)
    list_filter = (StatusFilter,)
    search_fields = ("text",)
    actions = (record_as_claim, attach_to_claim, mark_spam)
    list_per_page = 50
    inlines = (TipContactInline,)
    fields = ("text", "url", "language", "status", "requests", "first_seen", "last_seen", "claim", "suggested_claim")
    readonly_fields = fields

    def has_work_permission(self, request: HttpRequest) -> bool:
        return can_work(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tips come from readers

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The list's actions need it; the tip itself is never edited (the text is the reader's).
        return obj is None and super().has_change_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tip]:
        if request.resolver_match and (request.resolver_match.url_name or "").endswith("changelist"):
            return tip_selectors.tips_inbox()
        return super().get_queryset(request)

    @admin.display(description=gettext_lazy("question"))
    def question(self, obj: Tip) -> str:
        return Truncator(obj.text).chars(140)

    @admin.display(description=gettext_lazy("readers"), ordering="total_requests")
    def readers(self, obj: Tip) -> int:
        return getattr(obj, "total_requests", obj.requests)

    @admin.display(description=gettext_lazy("languages"))
    def languages(self, obj: Tip) -> str:
        return ", ".join(sorted({t.language for t in [obj, *obj.members.all()] if t.language})) or "—"

    @admin.display(description=gettext_lazy("last seen"), ordering="group_last_seen")
    def last_seen_group(self, obj: Tip) -> Any:
        return getattr(obj, "group_last_seen", obj.last_seen)

    @admin.display(description=gettext_lazy("URLs"))
    def where_seen(self, obj: Tip) -> str:
        links = tip_selectors.tip_urls(obj)
        if not links:
            return "—"
        return format_html_join(
            mark_safe("<br>"),  # a constant separator
            '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>',
            ((u, Truncator(u).chars(60)) for u in links),
        )

    @admin.display(description=gettext_lazy("best matching claim"))
    def best_match(self, obj: Tip) -> str:
        claim = obj.claim or obj.suggested_claim
        if claim is None:
            return "—"
        url = reverse("admin:claims_claim_change", args=[claim.pk])
        score = "" if obj.claim else f" ({obj.suggestion_score:.2f})" if obj.suggestion_score is not None else ""
        return format_html('<a href="{}">#{} {}</a>{}', url, claim.pk, Truncator(str(claim)).chars(60), score)
