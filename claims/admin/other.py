"""Reference data and the discovery index: claimants, sources, ratings, tags, verdicts, jobs.

Lists select their related rows up front and never count a large table in full. Where a
service exists for a write (claimants, sources, ratings, tags) the admin calls it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from claims import services
from claims.admin.base import URL_FIELDS_HTTPS, DeskHistoryAdmin, ReadOnlyAdmin, RefusalsAsFormErrors
from claims.admin.claims import looks_like_url
from claims.admin.paginator import EstimatedCountPaginator
from claims.admin.saving import adopt
from claims.discovery.jobs import is_stuck, stuck_jobs
from claims.models import (
    Article,
    Claimant,
    ClaimReviewPage,
    Comment,
    DuplicateSuggestion,
    Feed,
    FetchJob,
    Rating,
    RelatedArticle,
    Review,
    Source,
    Tag,
)
from claims.search import search_articles

# Claim columns nobody reads in a list of related rows.
CLAIM_HEAVY = ("claim__search_vector", "claim__search_extra", "claim__search_folded")


def _changed(form: Any, allowed: frozenset[str]) -> dict[str, Any]:
    """The fields a service may write that the user changed (for an update)."""
    return {name: form.cleaned_data[name] for name in form.changed_data if name in allowed}


def _given(form: Any, allowed: frozenset[str]) -> dict[str, Any]:
    """Every field a service may write, as the form cleaned it (for a new row)."""
    return {name: value for name, value in form.cleaned_data.items() if name in allowed}


def claim_link(claim: Any) -> str:
    if claim is None:
        return "—"
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    return format_html('<a href="{}">{}</a>', url, Truncator(str(claim)).chars(80))


@admin.register(Claimant)
class ClaimantAdmin(RefusalsAsFormErrors, DeskHistoryAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ("name", "kind", "job_title", "wikidata_id", "claims_link")
    list_filter = ("kind",)
    search_fields = ("name", "job_title", "wikidata_id")
    ordering = ("name",)
    fields = ("name", "kind", "job_title", "description", "wikidata_id", "same_as_url")

    @admin.display(description=_("claims"))
    def claims_link(self, obj: Claimant) -> str:
        # A link instead of a count: counting per row would scan the claims table.
        url = reverse("admin:claims_claim_changelist") + f"?claimant={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Show claims"))

    def save_model(self, request: HttpRequest, obj: Claimant, form: Any, change: bool) -> None:
        if change:
            fresh = Claimant.objects.get(pk=obj.pk)
            data = _changed(form, services.CLAIMANT_FIELDS)
            adopt(obj, services.claimant_update(claimant=fresh, user=request.user, data=data))
        else:
            data = _given(form, services.CLAIMANT_FIELDS)
            adopt(obj, services.claimant_get_or_create(user=request.user, **data))


@admin.register(Source)
class SourceAdmin(RefusalsAsFormErrors, admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ("display_title", "outlet", "language", "published_at", "created_at")
    search_fields = ("title", "outlet", "url")
    search_help_text = _("Title, outlet or address; a pasted URL finds its source exactly.")
    fields = ("url", "title", "outlet", "author", "published_at", "language", "fetched_at", "content_hash")
    readonly_fields = ("fetched_at", "content_hash")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_filter = (("created_at", admin.DateFieldListFilter),)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).defer("text")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str] | tuple[str, ...]:
        # The URL is the source's identity (stored normalised); a different URL is another source.
        return (*self.readonly_fields, "url") if obj is not None else self.readonly_fields

    @admin.display(description=_("source"), ordering="title")
    def display_title(self, obj: Source) -> str:
        return format_html('{}<br><span class="fc-muted">{}</span>', obj.title or "—", Truncator(obj.url).chars(90))

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        url = looks_like_url(search_term)
        if url:  # also what the evidence/appearance autocompletes use
            return queryset.filter(url=url), False
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request: HttpRequest, obj: Source, form: Any, change: bool) -> None:
        if change:
            fresh = Source.objects.get(pk=obj.pk)
            adopt(
                obj,
                services.source_update(source=fresh, user=request.user, data=_changed(form, services.SOURCE_FIELDS)),
            )
        else:
            data = _given(form, services.SOURCE_FIELDS)
            adopt(obj, services.source_get_or_create(user=request.user, url=form.cleaned_data["url"], **data))


@admin.register(Rating)
class RatingAdmin(RefusalsAsFormErrors, DeskHistoryAdmin):
    """The desk's verdict scale; steps are retired (inactive), never deleted."""

    list_display = ("slug", "label_en", "label_nb", "rating_value", "order", "is_active")
    list_display_links = ("slug",)
    list_editable = ("label_en", "label_nb", "order", "is_active")
    ordering = ("order", "id")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # verdicts refer to ratings; retire a step with "active" off instead

    def save_model(self, request: HttpRequest, obj: Rating, form: Any, change: bool) -> None:
        if change:
            fresh = Rating.objects.get(pk=obj.pk)
            data = _changed(form, services.RATING_FIELDS)
            adopt(obj, services.rating_save(user=request.user, data=data, rating=fresh))
        else:
            data = _given(form, services.RATING_FIELDS)
            adopt(obj, services.rating_save(user=request.user, data=data))


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    readonly_fields = ("slug",)

    def save_model(self, request: HttpRequest, obj: Tag, form: Any, change: bool) -> None:
        if change:  # renaming a tag: no service covers it, and the slug stays stable
            super().save_model(request, obj, form, change)
        else:
            adopt(obj, services.tags_get_or_create(names=[form.cleaned_data["name"]])[0])


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin, DeskHistoryAdmin):
    """Verdicts across claims, for reading; they are written on the claim page."""

    list_display = ("claim_column", "rating", "headline", "author", "approver", "published_at", "updated_at")
    list_select_related = ("claim", "rating", "author", "approver")
    list_filter = ("rating", ("published_at", admin.DateFieldListFilter))
    readonly_fields = (
        "claim_column",
        "rating",
        "headline",
        "rationale",
        "evidence",
        "author",
        "approver",
        "page",
        "published_url",
        "published_at",
    )
    fields = readonly_fields
    ordering = ("-updated_at",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request: HttpRequest) -> QuerySet[Review]:
        return super().get_queryset(request).defer(*CLAIM_HEAVY)

    @admin.display(description=_("claim"), ordering="claim__claim_reviewed")
    def claim_column(self, obj: Review) -> str:
        return claim_link(obj.claim)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """Internal notes across claims; they are written on the claim page."""

    list_display = ("claim_column", "author", "excerpt", "created_at")
    list_select_related = ("claim", "author")
    list_filter = (("created_at", admin.DateFieldListFilter),)
    readonly_fields = ("claim_column", "author", "body", "created_at")
    fields = readonly_fields
    ordering = ("-created_at",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).defer(*CLAIM_HEAVY)

    @admin.display(description=_("claim"))
    def claim_column(self, obj: Comment) -> str:
        return claim_link(obj.claim)

    @admin.display(description=_("comment"))
    def excerpt(self, obj: Comment) -> str:
        return Truncator(obj.body).chars(120)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ClaimReviewPage)
class ClaimReviewPageAdmin(RefusalsAsFormErrors, admin.ModelAdmin):
    """Published ClaimReview markup pages, for reading and deleting.

    Pages are written through the Fact Check Tools API (`services.markup_page_save`): a page
    owns the claims it created, so editing its fields here would leave them out of step.
    """

    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ("page_url", "publish_date", "author_name", "version", "updated_at")
    search_fields = ("page_url", "author_name")
    list_filter = (("publish_date", admin.DateFieldListFilter),)
    fields = ("page_url", "publish_date", "author_name", "author_image_url", "version", "claims_on_page")
    readonly_fields = fields
    ordering = ("-updated_at",)

    @admin.display(description=_("claims on this page"))
    def claims_on_page(self, obj: ClaimReviewPage) -> str:
        reviews = obj.reviews.select_related("claim").defer(*CLAIM_HEAVY).order_by("id")
        return format_html_join(mark_safe("<br>"), "{}", ((claim_link(r.claim),) for r in reviews)) or "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ClaimReviewPage) -> None:
        services.markup_page_delete(user=request.user, page=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for page in queryset:
            services.markup_page_delete(user=request.user, page=page)


@admin.register(Feed)
class FeedAdmin(RefusalsAsFormErrors, admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ("name", "url", "language", "enabled", "last_harvested_at", "error_excerpt")
    list_editable = ("enabled",)
    list_filter = ("enabled",)
    search_fields = ("name", "url")
    readonly_fields = ("last_harvested_at", "last_error", "created_at")

    @admin.display(description=_("last error"))
    def error_excerpt(self, obj: Feed) -> str:
        return Truncator(obj.last_error).chars(80) or "—"

    def save_model(self, request: HttpRequest, obj: Feed, form: Any, change: bool) -> None:
        if change:
            fresh = Feed.objects.get(pk=obj.pk)
            adopt(obj, services.feed_save(user=request.user, data=_changed(form, services.FEED_FIELDS), feed=fresh))
        else:
            data = _given(form, services.FEED_FIELDS)
            adopt(obj, services.feed_save(user=request.user, data=data))


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS
    list_display = ("display_title", "outlet", "language", "published_at", "provider", "feed")
    list_select_related = ("feed",)
    list_filter = ("feed", ("published_at", admin.DateFieldListFilter))
    search_fields = ("title",)
    search_help_text = _("Words from the title, summary or text.")
    ordering = ("-published_at", "-id")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    readonly_fields = ("fetched_at", "created_at", "content_hash")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        qs = super().get_queryset(request)
        # Lists skip the article bodies; the change page needs them.
        return (
            qs
            if request.resolver_match and "object_id" in request.resolver_match.kwargs
            else qs.defer("text", "summary", "search_vector")
        )

    @admin.display(description=_("article"), ordering="title")
    def display_title(self, obj: Article) -> str:
        return obj.title or obj.url

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        if not search_term.strip():
            return queryset, False
        return search_articles(queryset, search_term), False


@admin.register(RelatedArticle)
class RelatedArticleAdmin(admin.ModelAdmin):
    list_display = ("article", "claim_column", "score", "rank", "provider", "status")
    list_select_related = ("claim", "article")
    list_filter = ("status",)
    raw_id_fields = ("claim", "article")
    readonly_fields = ("score", "rank", "provider", "why", "snippet", "reviewed_by", "created_at", "updated_at")
    ordering = ("-created_at",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request: HttpRequest) -> QuerySet[RelatedArticle]:
        return super().get_queryset(request).defer(*CLAIM_HEAVY, "article__text", "article__search_vector")

    @admin.display(description=_("claim"))
    def claim_column(self, obj: RelatedArticle) -> str:
        return claim_link(obj.claim)

    # Marking a suggestion relevant or irrelevant goes through the claim page (or the API),
    # which records who decided; here the suggestions are for reading.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DuplicateSuggestion)
class DuplicateSuggestionAdmin(admin.ModelAdmin):
    list_display = ("claim_column", "candidate_column", "score", "status", "created_at")
    list_select_related = ("claim", "candidate")
    list_filter = ("status",)
    raw_id_fields = ("claim", "candidate")
    readonly_fields = ("score", "created_at")
    ordering = ("-created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[DuplicateSuggestion]:
        return (
            super()
            .get_queryset(request)
            .defer(*CLAIM_HEAVY, "candidate__search_vector", "candidate__search_extra", "candidate__search_folded")
        )

    @admin.display(description=_("claim"))
    def claim_column(self, obj: DuplicateSuggestion) -> str:
        return claim_link(obj.claim)

    @admin.display(description=_("possible duplicate"))
    def candidate_column(self, obj: DuplicateSuggestion) -> str:
        return claim_link(obj.candidate)

    # Merging moves appearances and tags and dismissing records the decision: both happen on
    # the claim page (or the API) through the services, so the status is not edited here.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StuckJobFilter(admin.SimpleListFilter):
    """Jobs nobody is working on although they are not finished (claims.discovery.jobs.stuck_jobs)."""

    title = _("stuck")
    parameter_name = "stuck"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Stuck"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[FetchJob]) -> QuerySet[FetchJob]:
        if self.value() == "yes":
            return queryset.filter(pk__in=stuck_jobs().values("pk"))
        return queryset


@admin.register(FetchJob)
class FetchJobAdmin(admin.ModelAdmin):
    """Background jobs and how far they got; read-only, the workers write them."""

    list_display = ("__str__", "kind", "status", "stuck", "claim_column", "feed", "progress", "attempts", "created_at")
    list_select_related = ("claim", "feed")
    list_filter = (StuckJobFilter, "kind", "status", ("created_at", admin.DateFieldListFilter))
    actions = ("retry",)
    ordering = ("-created_at", "-id")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request: HttpRequest) -> QuerySet[FetchJob]:
        return super().get_queryset(request).defer(*CLAIM_HEAVY)

    @admin.display(description=_("claim"))
    def claim_column(self, obj: FetchJob) -> str:
        return claim_link(obj.claim)

    @admin.display(boolean=True, description=_("stuck"))
    def stuck(self, obj: FetchJob) -> bool:
        return is_stuck(obj)

    @admin.action(description=_("Retry the selected stuck or failed jobs"))
    def retry(self, request: HttpRequest, queryset: QuerySet[FetchJob]) -> None:
        retried, refused = 0, []
        for job in queryset:
            try:
                services.job_retry(job=job, user=request.user)
                retried += 1
            except services.ServiceError as exc:
                refused.append(f"#{job.pk}: {exc.message}")
        if retried:
            message = ngettext("Queued %(count)d job again.", "Queued %(count)d jobs again.", retried)
            self.message_user(request, message % {"count": retried}, messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.display(description=_("progress"))
    def progress(self, obj: FetchJob) -> str:
        if not obj.progress_total:
            return "—"
        return f"{obj.progress_done}/{obj.progress_total}"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str] | tuple[str, ...]:
        return [f.name for f in self.model._meta.fields]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
