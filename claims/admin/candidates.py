"""The "Candidate claims" list: check-worthy sentences from harvested articles, best first.

Reviewers and editors (anyone who may work on claims) see it; nobody else does, not even
read-only. Each row shows the sentence in its paragraph; *Record as claim* and *Dismiss*
work on one candidate (buttons on its page) or many (the list's actions), and both go
through `claims.services`. Article text is third-party: it is escaped, never trusted.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from claims import services
from claims.admin.base import ReadOnlyAdmin, report_errors
from claims.exceptions import ServiceError
from claims.intake.sentences import paragraph_of
from claims.models import CandidateClaim
from claims.selectors_candidates import can_see_candidates, candidates

PARAGRAPH_LIMIT = 600  # characters of context shown around the sentence in the list


class ScoreFilter(admin.SimpleListFilter):
    title = gettext_lazy("score")
    parameter_name = "score"
    BANDS = {"90": (0.9, None), "75": (0.75, 0.9), "50": (0.5, 0.75), "0": (0.0, 0.5)}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("90", "≥ 90 %"), ("75", "75–90 %"), ("50", "50–75 %"), ("0", "< 50 %")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        band = self.BANDS.get(self.value() or "")
        if band is None:
            return queryset
        low, high = band
        queryset = queryset.filter(score__gte=low)
        return queryset.filter(score__lt=high) if high is not None else queryset


class SpeakerFilter(admin.SimpleListFilter):
    title = gettext_lazy("speaker")
    parameter_name = "speaker"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [
            ("claimant", _("Matches a claimant")),
            ("named", _("Named, no claimant yet")),
            ("none", _("No speaker found")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "claimant":
            return queryset.filter(claimant__isnull=False)
        if self.value() == "named":
            return queryset.exclude(speaker="").filter(claimant__isnull=True)
        if self.value() == "none":
            return queryset.filter(speaker="")
        return queryset


class CheckedElsewhereFilter(admin.SimpleListFilter):
    title = gettext_lazy("already checked elsewhere")
    parameter_name = "checked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Checked by another desk")), ("no", _("Not checked elsewhere"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in ("yes", "no"):
            return queryset.filter(external_review__isnull=self.value() == "no")
        return queryset


def sentence_in_paragraph(candidate: CandidateClaim, *, limit: int = PARAGRAPH_LIMIT) -> str:
    """The candidate's paragraph with the sentence marked; escaped, cut around the sentence."""
    text = candidate.article.text or ""
    if text[candidate.start : candidate.end] != candidate.text:
        # The article's text changed since it was scored: show the sentence alone.
        return format_html('<mark class="fc-candidate-sentence">{}</mark>', candidate.text)
    left, right = paragraph_of(text, candidate.start, candidate.end)
    spare = max(0, limit - (candidate.end - candidate.start)) // 2
    left = max(left, candidate.start - spare)
    right = min(right, candidate.end + spare)
    return format_html(
        '<span class="fc-candidate-paragraph">{}{}<mark class="fc-candidate-sentence">{}</mark>{}{}</span>',
        "… " if left > 0 and text[left - 1] != "\n" else "",
        text[left : candidate.start],
        candidate.text,
        text[candidate.end : right],
        " …" if right < len(text) and text[right] != "\n" else "",
    )


@admin.register(CandidateClaim)
class CandidateClaimAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "score_column",
        "sentence_column",
        "language",
        "speaker_column",
        "article_column",
        "status_column",
        "checked_column",
    )
    list_display_links = ("score_column",)
    list_filter = (
        "status",
        "language",
        ScoreFilter,
        SpeakerFilter,
        CheckedElsewhereFilter,
        ("article__feed", admin.RelatedOnlyFieldListFilter),
        ("created_at", admin.DateFieldListFilter),
    )
    search_fields = ("text", "speaker", "article__title", "external_review__publisher")
    ordering = ("-score", "-id")
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER
    actions = ("record_as_claims", "dismiss")
    fields = (
        "paragraph",
        "score",
        "language",
        "speaker",
        "claimant",
        "status",
        "claim_column",
        "checked_column",
        "article_column",
        "model_version",
        "decided_by",
        "decided_at",
        "created_at",
    )
    readonly_fields = fields
    change_form_template = "admin/claims/candidateclaim/change_form.html"

    # --- Who sees what: reviewers and editors only; nothing is edited by hand ------------------

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_see_candidates(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_see_candidates(request.user)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Django offers actions only to users with a change/delete permission by default.
        return super().get_actions(request) if can_see_candidates(request.user) else {}

    def get_queryset(self, request: HttpRequest) -> QuerySet[CandidateClaim]:
        return candidates().defer("article__search_vector", "article__summary")

    # --- Columns ---------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("score"), ordering="score")
    def score_column(self, obj: CandidateClaim) -> str:
        return format_html('<span class="fc-badge fc-score">{} %</span>', round(100 * obj.score))

    @admin.display(description=gettext_lazy("sentence in its paragraph"))
    def sentence_column(self, obj: CandidateClaim) -> str:
        return sentence_in_paragraph(obj, limit=300)

    @admin.display(description=gettext_lazy("sentence in its paragraph"))
    def paragraph(self, obj: CandidateClaim) -> str:
        return sentence_in_paragraph(obj, limit=2000)

    @admin.display(description=gettext_lazy("speaker"), ordering="speaker")
    def speaker_column(self, obj: CandidateClaim) -> str:
        if obj.claimant is not None:
            url = reverse("admin:claims_claimant_change", args=[obj.claimant_id])
            return format_html('<a href="{}">{}</a>', url, obj.claimant.name)
        return obj.speaker or "—"

    @admin.display(description=gettext_lazy("article"))
    def article_column(self, obj: CandidateClaim) -> str:
        article = obj.article
        feed = article.feed.name if article.feed_id and article.feed else article.outlet
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a><br><small>{}{}</small>',
            article.url,
            article.title or article.url,
            feed,
            f" · {article.published_at:%Y-%m-%d}" if article.published_at else "",
        )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_column(self, obj: CandidateClaim) -> str:
        label = CandidateClaim.Status(obj.status).label
        if obj.claim_id:
            url = reverse("admin:claims_claim_change", args=[obj.claim_id])
            return format_html('{}<br><a href="{}">{}</a>', label, url, _("claim %(id)s") % {"id": obj.claim_id})
        return str(label)

    @admin.display(
        description=gettext_lazy("already checked by"),
        ordering=F("external_review__date").desc(nulls_last=True),
    )
    def checked_column(self, obj: CandidateClaim) -> str:
        review = obj.external_review
        if review is None:
            return "—"
        if not review.url:
            return review.summary
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>', review.url, review.summary
        )

    @admin.display(description=gettext_lazy("claim"))
    def claim_column(self, obj: CandidateClaim) -> str:
        if not obj.claim_id:
            return "—"
        url = reverse("admin:claims_claim_change", args=[obj.claim_id])
        return format_html('<a href="{}">{}</a>', url, obj.claim)

    # --- Actions -----------------------------------------------------------------------------

    @admin.action(description=gettext_lazy("Record the selected candidates as claims"))
    def record_as_claims(self, request: HttpRequest, queryset: QuerySet[CandidateClaim]) -> None:
        created = existing = 0
        for candidate in queryset:
            try:
                _claim, made = services.candidate_accept(candidate=candidate, user=request.user)
            except ServiceError as exc:
                report_errors(request, exc, prefix=f"{candidate.text[:60]}: ")
                continue
            created += made
            existing += not made
        if created:
            messages.success(request, _("Recorded %(n)d new claim(s).") % {"n": created})
        if existing:
            messages.info(request, _("%(n)d candidate(s) were already tracked claims.") % {"n": existing})

    @admin.action(description=gettext_lazy("Dismiss the selected candidates"))
    def dismiss(self, request: HttpRequest, queryset: QuerySet[CandidateClaim]) -> None:
        try:
            count = services.candidates_dismiss(candidates=list(queryset), user=request.user)
        except ServiceError as exc:
            report_errors(request, exc)
            return
        messages.success(request, _("Dismissed %(n)d candidate(s).") % {"n": count})

    # --- One candidate: its page's buttons ------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/accept/", wrap(require_POST(self.accept_view)), name="claims_candidateclaim_accept"),
            path(
                "<path:object_id>/dismiss/", wrap(require_POST(self.dismiss_view)), name="claims_candidateclaim_dismiss"
            ),
            *super().get_urls(),
        ]

    def _candidate(self, request: HttpRequest, object_id: str) -> CandidateClaim:
        if not can_see_candidates(request.user):
            raise PermissionDenied
        candidate = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if candidate is None:
            raise Http404(_("No such candidate."))
        return candidate

    def accept_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        candidate = self._candidate(request, object_id)
        try:
            claim, created = services.candidate_accept(candidate=candidate, user=request.user)
        except ServiceError as exc:
            report_errors(request, exc)
            return HttpResponseRedirect(reverse("admin:claims_candidateclaim_change", args=[candidate.pk]))
        if created:
            messages.success(request, _("Recorded as claim %(id)s.") % {"id": claim.pk})
        else:
            messages.info(request, _("Already tracked as claim %(id)s; the article was added.") % {"id": claim.pk})
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))

    def dismiss_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        candidate = self._candidate(request, object_id)
        try:
            services.candidate_dismiss(candidate=candidate, user=request.user)
        except ServiceError as exc:
            report_errors(request, exc)
            return HttpResponseRedirect(reverse("admin:claims_candidateclaim_change", args=[candidate.pk]))
        messages.success(request, _("The candidate was dismissed."))
        return HttpResponseRedirect(reverse("admin:claims_candidateclaim_changelist"))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        candidate = self._candidate(request, object_id)
        context = {
            **(extra_context or {}),
            "fc_candidate": candidate,
            "fc_open": candidate.status in (CandidateClaim.Status.NEW, CandidateClaim.Status.TRACKED),
            "fc_accept_url": reverse("admin:claims_candidateclaim_accept", args=[candidate.pk]),
            "fc_dismiss_url": reverse("admin:claims_candidateclaim_dismiss", args=[candidate.pk]),
        }
        return super().change_view(request, object_id, form_url, extra_context=context)
