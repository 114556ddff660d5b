"""The claim list and the claim page: where reviewers and editors do their work.

Every write goes through `claims.services`: the model form only validates input, and
`save_model`/`save_formset` hand the cleaned data to the services. When a service
refuses (a role rule, a stale version, a verdict that may no longer change) the page is
rendered again with the reason, and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, URLPattern, URLResolver, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from claims import services, workflow
from claims.admin.actions import assign_to, assign_to_me, move_to_state
from claims.admin.audit import audit_response
from claims.admin.base import DeskHistoryAdmin, RefusalsAsFormErrors, can_work, report_errors, status_badge_html
from claims.admin.discovery import claim_discovery_urls, viewable_claim
from claims.admin.filters import (
    AssigneeFilter,
    ClaimantFilter,
    LanguageFilter,
    QueueFilter,
    RatingFilter,
    TagFilter,
)
from claims.admin.forms import ClaimAdminForm, CorrectionForm
from claims.admin.inlines import AppearanceInline, ReviewInline
from claims.admin.paginator import EstimatedCountPaginator
from claims.admin.saving import adopt, save_appearances, save_review
from claims.exceptions import ServiceError
from claims.models import Appearance, Claim, Comment, Rating, RelatedArticle, Review
from claims.search import search_claims
from claims.textcut import cut_at_word
from claims.urlnorm import normalize_url, url_variants
from claims.workflow import ClaimStatus

# Transitions that end or undo work get a confirmation prompt and a warning colour.
DANGEROUS_TARGETS = frozenset({ClaimStatus.REJECTED, ClaimStatus.RETRACTED})
# Claims listed for one pasted source URL (a source rarely carries more than a handful).
URL_MATCH_LIMIT = 1000


def looks_like_url(term: str) -> str | None:
    """The normalised URL if the search term is a link, else None."""
    term = term.strip()
    if " " in term or not term.lower().startswith(("http://", "https://", "www.")):
        return None
    try:
        return normalize_url(term if "://" in term else f"https://{term}")
    except ValueError:
        return None


@admin.register(Claim)
class ClaimAdmin(RefusalsAsFormErrors, DeskHistoryAdmin):
    """Claims: a fast, filterable list and a working page with verdict, sources and workflow."""

    form = ClaimAdminForm
    change_form_template = "admin/claims/claim/change_form.html"
    change_list_template = "admin/claims/claim/change_list.html"
    list_display = (
        "claim_title",
        "status_badge",
        "rating_badge",
        "claimant",
        "language",
        "assignee_name",
        "priority_badge",
        "readers",
        "claim_date",
        "updated_at",
    )
    list_display_links = ("claim_title",)
    list_filter = (
        QueueFilter,
        "status",
        RatingFilter,
        "priority",
        AssigneeFilter,
        LanguageFilter,
        ClaimantFilter,
        TagFilter,
        ("claim_date", admin.DateFieldListFilter),
        ("updated_at", admin.DateFieldListFilter),
    )
    list_select_related = ("claimant", "assignee", "review__rating")
    list_per_page = 50
    list_max_show_all = 500
    ordering = ("-updated_at",)
    # The box needs a search field to appear; get_search_results does the real search.
    search_fields = ("text",)
    search_help_text = gettext_lazy(
        "Words from the claim, its summary, the claimant, quotes or source titles; or paste a source URL."
    )
    show_full_result_count = False
    # Facet counts ("Show counts") would add a conditional COUNT over all claims per filter choice.
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    autocomplete_fields = ("claimant", "tags")
    actions = (assign_to_me, assign_to, move_to_state)
    inlines = (ReviewInline, AppearanceInline)
    readonly_fields = (
        "status_badge",
        "version",
        "slug",
        "created_by",
        "created_at",
        "updated_at",
        "published_at",
        "duplicate_of",
    )
    fieldsets = (
        (None, {"fields": ("text", "claim_reviewed")}),
        (gettext_lazy("Context"), {"fields": (("claimant", "language"), ("claim_date", "location"), "tags")}),
        (gettext_lazy("Desk"), {"fields": (("priority", "assignee"),)}),
        (
            gettext_lazy("Record"),
            {
                "classes": ("collapse",),
                "fields": (
                    ("status_badge", "version"),
                    "slug",
                    ("created_by", "created_at"),
                    ("updated_at", "published_at"),
                    "duplicate_of",
                ),
            },
        ),
    )

    class Media:
        css = {"all": ("claims/admin.css",)}
        js = ("claims/admin.js",)

    # --- Permissions -----------------------------------------------------------------

    def has_work_permission(self, request: HttpRequest) -> bool:
        """Used by the bulk actions (`permissions=["work"]`)."""
        return can_work(request.user)

    # --- The list --------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claim]:
        return super().get_queryset(request).defer("search_vector", "search_extra", "search_folded")

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """Full-text search (PostgreSQL) or substring search (SQLite), plus exact source-URL match."""
        term = search_term.strip()
        if not term:
            return queryset, False
        url = looks_like_url(term)
        if url is None:
            return search_claims(queryset, term), False
        # The source URL is unique and indexed: resolve it to claim ids first, then OR two
        # index-friendly conditions (an OR with EXISTS would scan every claim). A claim
        # matching both ways is still one row.
        by_url = list(
            Appearance.objects.filter(source__url__in=url_variants(url))
            .values_list("claim_id", flat=True)
            .distinct()[:URL_MATCH_LIMIT]
        )
        return queryset.filter(pk__in=by_url) | search_claims(queryset, term), False

    @admin.display(description=gettext_lazy("claim"), ordering="claim_reviewed")
    def claim_title(self, obj: Claim) -> str:
        return obj.claim_reviewed or cut_at_word(obj.text, 100)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def status_badge(self, obj: Claim) -> str:
        return status_badge_html(obj.status)

    @admin.display(description=gettext_lazy("rating"), ordering="review__rating__order")
    def rating_badge(self, obj: Claim) -> str:
        review = getattr(obj, "review", None)  # select_related: a missing verdict costs no query
        rating = review.rating if review else None
        if rating is None:
            return "—"
        return format_html('<span class="fc-badge fc-rating fc-rating-{}">{}</span>', rating.slug, rating.label)

    @admin.display(description=gettext_lazy("assignee"), ordering="assignee__username")
    def assignee_name(self, obj: Claim) -> str:
        if obj.assignee is None:
            return "—"
        return obj.assignee.get_full_name() or obj.assignee.get_username()

    @admin.display(description=gettext_lazy("priority"), ordering="priority")
    def priority_badge(self, obj: Claim) -> str:
        return format_html(
            '<span class="fc-badge fc-priority fc-priority-{}">{}</span>', obj.priority, obj.get_priority_display()
        )

    @admin.display(description=gettext_lazy("readers asked"), ordering="reader_requests")
    def readers(self, obj: Claim) -> int | str:
        return obj.reader_requests or "—"

    # --- The claim page --------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Claim | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else fieldsets[:-1]  # no record before there is one

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Claim | None = None,
    ) -> HttpResponse:
        if obj is not None and obj.pk:
            context.update(self.claim_page_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def claim_page_context(self, request: HttpRequest, claim: Claim) -> dict[str, Any]:
        """Header, workflow buttons, verdict hints and comments for the claim page.

        The header shows the claim as stored: after a refused save the form keeps what was
        typed, but the header must not present those unsaved values as the claim's.
        """
        user = request.user
        claim = Claim.objects.select_related("claimant", "assignee").get(pk=claim.pk)
        may_change = self.has_change_permission(request, claim)
        review = Review.objects.filter(claim=claim).select_related("rating").first()
        evidence_count = review.evidence.count() if review else 0
        transitions = services.available_transitions(claim=claim, user=user) if may_change else []
        buttons = []
        correction = None
        for t in transitions:
            hints = services.transition_blockers(transition=t, review=review, user=user, evidence_count=evidence_count)
            if t.corrects:  # not a button: the correction form, with its required public note
                correction = {"label": t.label, "hints": hints, "target": t.target}
                continue
            buttons.append(
                {
                    "target": t.target,
                    "label": t.label,
                    "danger": t.target in DANGEROUS_TARGETS,
                    "primary": t.publishes or t.needs_draft,
                    "needs_reason": t.needs_reason,
                    "hints": hints,
                }
            )
        if correction is not None and review is not None:
            correction.update(
                url=reverse("admin:claims_claim_correct", args=[claim.pk]),
                ratings=list(Rating.objects.filter(is_active=True).order_by("order", "id")),
                review=review,
            )
        else:
            correction = None
        public_url = None
        if claim.status in workflow.LIVE_STATES:
            try:
                public_url = reverse("factchecks:detail", kwargs={"slug": claim.slug})
            except NoReverseMatch:
                public_url = None
        info = self.opts.app_label, self.opts.model_name
        return {
            "claim": claim,
            "claim_review": review,
            "claim_evidence_count": evidence_count,
            "external_reviews": list(claim.external_reviews.select_related("rating")),
            "workflow_buttons": buttons,
            "transition_url": reverse("admin:{}_{}_transition".format(*info), args=[claim.pk]),
            "assign_me_url": reverse("admin:{}_{}_assign_me".format(*info), args=[claim.pk]),
            "audit_url": reverse("admin:{}_{}_audit".format(*info), args=[claim.pk]),
            "can_assign_to_me": may_change and can_work(user) and claim.assignee_id != user.pk,
            "claim_comments": list(claim.comments.select_related("author").order_by("created_at", "id")),
            "can_comment": may_change and can_work(user),
            "review_history_url": (
                reverse("admin:claims_review_history", args=[review.pk])
                if review and user.has_perm("claims.view_review")
                else None
            ),
            "public_url": public_url,
            "correction": correction,
            "claim_corrections": list(claim.corrections.select_related("author")),
            "handoff": (
                Comment.objects.select_related("author").filter(pk=claim.handoff_id).first()
                if claim.handoff_id
                else None
            ),
            "handoff_for_me": claim.assignee_id == user.pk,
            "related_tab_count": claim.related_articles.exclude(status=RelatedArticle.Status.IRRELEVANT).count(),
        }

    # --- Saving through the services -------------------------------------------------

    def save_model(self, request: HttpRequest, obj: Claim, form: Any, change: bool) -> None:
        data = form.cleaned_data
        tag_names = [t.name for t in data.get("tags") or []]
        if not change:
            created = services.claim_create(
                user=request.user,
                text=data["text"],
                language=data["language"],
                claimant=data.get("claimant"),
                claim_date=data.get("claim_date"),
                claim_reviewed=data.get("claim_reviewed") or "",
                location=data.get("location") or "",
                priority=data.get("priority"),
                assignee=data.get("assignee"),
                tags=tag_names,
            )
            adopt(obj, created)
            return
        expected = data.get("expected_version")
        fields = {n: data[n] for n in form.changed_data if n in services.EDITABLE_CLAIM_FIELDS}
        tags_changed = "tags" in form.changed_data
        if fields or tags_changed:
            updated = services.claim_update(
                claim=obj,
                user=request.user,
                data=fields,
                expected_version=expected,
                tags=tag_names if tags_changed else None,
            )
            adopt(obj, updated)
        elif expected is not None:
            # Only the verdict or sources may have changed.
            services.claim_version_bump(claim=obj, user=request.user, expected_version=expected)

    def save_related(self, request: HttpRequest, form: Any, formsets: list, change: bool) -> None:
        # No form.save_m2m(): the tags were written by claim_create/claim_update.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
        body = (form.cleaned_data.get("new_comment") or "").strip()
        if body:
            services.comment_create(claim=form.instance, user=request.user, body=body)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is Appearance:
            save_appearances(request.user, form.instance, formset)
        elif formset.model is Review:
            save_review(request.user, form.instance, formset)
        else:  # inlines added later by other parts of the desk keep Django's behaviour
            super().save_formset(request, form, formset, change)

    def delete_model(self, request: HttpRequest, obj: Claim) -> None:
        services.claim_delete(claim=obj, user=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for claim in queryset:
            services.claim_delete(claim=claim, user=request.user)

    # --- Workflow buttons ------------------------------------------------------------

    def get_urls(self) -> list[URLPattern | URLResolver]:
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/transition/",
                wrap(require_POST(self.transition_view)),
                name="{}_{}_transition".format(*info),
            ),
            path(
                "<path:object_id>/assign-me/",
                wrap(require_POST(self.assign_me_view)),
                name="{}_{}_assign_me".format(*info),
            ),
            path(
                "<path:object_id>/correct/",
                wrap(require_POST(self.correct_view)),
                name="{}_{}_correct".format(*info),
            ),
            path("<path:object_id>/audit/", wrap(self.audit_view), name="{}_{}_audit".format(*info)),
            *claim_discovery_urls(self),  # the discovery panel's buttons and progress (admin/discovery.py)
            *super().get_urls(),
        ]

    def _claim_for_post(self, request: HttpRequest, object_id: str) -> Claim:
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            raise Http404(_("No claim with this id."))
        if not self.has_change_permission(request, claim):
            raise PermissionDenied
        return claim

    def audit_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Every change to the claim, its verdict and its appearances, newest first."""
        return audit_response(self, request, viewable_claim(self, request, object_id))

    def transition_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """POST only: move the claim along the workflow; refusals become messages, nothing changes."""
        claim = self._claim_for_post(request, object_id)
        target = request.POST.get("to", "")
        try:
            services.claim_transition(claim=claim, user=request.user, to=target, reason=request.POST.get("reason", ""))
        except ServiceError as exc:
            report_errors(request, exc)
        else:
            label = ClaimStatus(target).label
            self.log_change(request, claim, _("Moved to %(state)s.") % {"state": label})
            messages.success(request, _("The claim is now %(state)s.") % {"state": label})
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))

    def correct_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """POST only: publish an update / correction of a live verdict, with its public note."""
        claim = self._claim_for_post(request, object_id)
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
        data = form.cleaned_data
        try:
            services.claim_correct(
                claim=claim,
                user=request.user,
                note=data["note"],
                rating=data.get("rating"),
                headline=data["headline"],
                rationale=data["rationale"],
            )
        except ServiceError as exc:
            report_errors(request, exc)
        else:
            self.log_change(request, claim, _("Published an update / correction."))
            messages.success(request, _("The update is published with its note."))
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))

    def assign_me_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        claim = self._claim_for_post(request, object_id)
        try:
            services.claim_assign(claim=claim, user=request.user, assignee=request.user)
        except ServiceError as exc:
            report_errors(request, exc)
        else:
            self.log_change(request, claim, _("Assigned to %(name)s.") % {"name": request.user.get_username()})
            messages.success(request, _("The claim is now in your queue."))
        return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
