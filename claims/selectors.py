"""Every read the faces share: who may see what, and querysets that load in few queries."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from claims import workflow
from claims.models import (
    Appearance,
    Article,
    Claim,
    Claimant,
    ClaimReviewPage,
    FetchJob,
    RankerModel,
    Rating,
    RelatedArticle,
    Review,
    Source,
    Tag,
)
from claims.search import search_claims, search_terms
from claims.urlnorm import normalize_url
from claims.users import AuthUser, User


def can_see_unpublished(user: User) -> bool:
    return _desk_may_view(user, "claim")


def claims_visible_to(*, user: User) -> QuerySet[Claim]:
    """Desk members see every claim; everyone else sees published fact-checks only."""
    qs = Claim.objects.all()
    if not can_see_unpublished(user):
        qs = qs.filter(status__in=workflow.LIVE_STATES)
    return qs


def queue_condition(user: User) -> Q:
    """What is in the user's queue: open claims assigned to them and, for editors, every
    claim that waits for approval (in review), whoever has it."""
    condition = Q(assignee=user, status__in=workflow.OPEN_STATES)
    if user and user.is_active and user.has_perm(workflow.PUBLISH):
        condition |= Q(status=workflow.ClaimStatus.IN_REVIEW)
    return condition


def queue_for(*, user: User) -> QuerySet[Claim]:
    """The user's open work (queue_condition), with the reason of a return or rejection."""
    if not isinstance(user, AuthUser):
        return Claim.objects.none()
    return (
        Claim.objects.filter(queue_condition(user))
        .select_related("claimant", "handoff__author")
        .defer("search_vector", "search_extra", "search_folded")
        .order_by("-priority", "-updated_at")
    )


def status_counts() -> dict[str, int]:
    """Claims per workflow state, every state present (zero when empty)."""
    counts = dict(Claim.objects.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in workflow.ClaimStatus.values}


def users_who_can_work() -> QuerySet:
    """Active users who may be assigned claims (the work permission via a group, directly, or as superuser)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    app_label, codename = workflow.WORK.split(".")
    perm = Q(permissions__codename=codename, permissions__content_type__app_label=app_label)
    via_group = Q(groups__in=Group.objects.filter(perm))
    direct = Q(user_permissions__codename=codename, user_permissions__content_type__app_label=app_label)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | via_group | direct)
        .distinct()
        .order_by("username")
    )


def latest_job_for(*, claim: Claim) -> FetchJob | None:
    return FetchJob.objects.filter(claim=claim).order_by("-created_at", "-id").first()


def published_factchecks() -> QuerySet[Claim]:
    """Live fact-checks for the public pages, newest first, with all the page and its JSON-LD read."""
    return (
        _live_claims()
        .select_related("claimant", "review__rating")
        .prefetch_related(
            "tags",
            Prefetch("appearances", queryset=Appearance.objects.select_related("source")),
            Prefetch("review__evidence"),
            "corrections",
        )
        .defer("search_vector", "search_extra", "search_folded")
        .order_by("-published_at", "-id")
    )


def live_claims_for_sitemap() -> QuerySet[Claim]:
    """Live fact-checks with only what the sitemap prints (slug and last change), oldest first."""
    return _live_claims().only("id", "slug", "updated_at").order_by("published_at", "id")


def retracted_factchecks() -> QuerySet[Claim]:
    """Fact-checks that were public once and have been retracted (the public page shows a notice)."""
    return (
        Claim.objects.filter(status=workflow.ClaimStatus.RETRACTED, published_at__isnull=False)
        .select_related("claimant")
        .defer("search_vector", "search_extra", "search_folded")
    )


def _desk_may_view(user: User, model: str) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(f"claims.view_{model}"))


def _live_claims() -> QuerySet[Claim]:
    return Claim.objects.filter(status__in=workflow.LIVE_STATES)


def claimants_visible_to(*, user: User) -> QuerySet[Claimant]:
    """Desk members see every claimant; everyone else only those of published fact-checks."""
    qs = Claimant.objects.all()
    if not _desk_may_view(user, "claimant"):
        qs = qs.filter(pk__in=_live_claims().values("claimant_id"))
    return qs


def sources_visible_to(*, user: User) -> QuerySet[Source]:
    """Desk members see every source; everyone else those a published fact-check shows or cites."""
    qs = Source.objects.defer("text")
    if not _desk_may_view(user, "source"):
        shown = Appearance.objects.filter(claim__in=_live_claims()).values("source_id")
        cited = Review.evidence.through.objects.filter(review__claim__in=_live_claims()).values("source_id")
        qs = qs.filter(Q(pk__in=shown) | Q(pk__in=cited))
    return qs


def reviews_visible_to(*, user: User) -> QuerySet[Review]:
    """Desk members see every verdict, drafts included; everyone else only published ones."""
    qs = Review.objects.select_related("claim", "rating", "author", "approver").prefetch_related("evidence")
    if not _desk_may_view(user, "review"):
        qs = qs.filter(claim__status__in=workflow.LIVE_STATES)
    return qs.order_by("-updated_at", "-id")


def ratings_visible_to(*, user: User) -> QuerySet[Rating]:
    """The rating scale is public methodology; retired ratings are shown to the desk only."""
    qs = Rating.objects.all()
    if not _desk_may_view(user, "rating"):
        qs = qs.filter(is_active=True)
    return qs


def tags_visible_to(*, user: User) -> QuerySet[Tag]:
    """Desk members see every tag; everyone else the tags of published fact-checks."""
    qs = Tag.objects.all()
    if not _desk_may_view(user, "tag"):
        qs = qs.filter(pk__in=Claim.tags.through.objects.filter(claim__in=_live_claims()).values("tag_id"))
    return qs


# Bumped on every write; they would make every entry of the trail look like a change.
_AUDIT_NOISE = frozenset({"updated_at", "version", "id"})


def _audit_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def claim_audit_trail(*, claim: Claim) -> list[dict[str, Any]]:
    """Who changed what, and when, on a claim, its review and its appearances; oldest first.

    Reads one query per model (history rows with their users) and diffs consecutive rows of
    the same object here, rather than asking simple-history for each row's predecessor.
    """
    histories = (
        ("claim", Claim.history.filter(id=claim.pk)),
        ("review", Review.history.filter(claim_id=claim.pk)),
        ("appearance", Appearance.history.filter(claim_id=claim.pk)),
    )
    entries: list[dict[str, Any]] = []
    for label, rows in histories:
        fields = [f for f in rows.model.tracked_fields if f.name not in _AUDIT_NOISE]
        previous: dict[int, dict[str, Any]] = {}
        for row in rows.select_related("history_user").order_by("history_date", "history_id"):
            values = {f.name: _audit_value(getattr(row, f.attname)) for f in fields}
            before = previous.get(row.id)
            if row.history_type == "-":
                changes = []
            else:
                changes = [
                    {"field": name, "old": before.get(name) if before else None, "new": value}
                    for name, value in values.items()
                    if (before.get(name) != value if before else value not in (None, "", False))
                ]
            previous[row.id] = values
            entries.append(
                {
                    "model": label,
                    "object_id": row.id,
                    "history_id": row.history_id,
                    "date": row.history_date,
                    "user": row.history_user.get_username() if row.history_user else None,
                    "user_name": (row.history_user.get_full_name() or row.history_user.get_username())
                    if row.history_user
                    else None,
                    "type": row.history_type,
                    "reason": row.history_change_reason or "",
                    "changes": changes,
                }
            )
    entries.sort(key=lambda e: (e["date"], e["history_id"]))
    return entries


# --- The Google Fact Check Tools face (claims.api.google) ---------------------------------------

# "no" is the macrolanguage of Bokmål and Nynorsk; Google's clients may send any of the three.
_LANGUAGE_FAMILIES = {"no": ("no", "nb", "nn"), "nb": ("nb", "no"), "nn": ("nn", "no")}


def desk_site() -> str:
    """The desk's own host name, from FACTCHECK_ORGANIZATION_URL (Google's "publisher site")."""
    return (urlsplit(settings.FACTCHECK_ORGANIZATION_URL).hostname or "").lower()


def _on_site(host: str, site: str) -> bool:
    return host == site or host.endswith(f".{site}")


def _url_on_site(field: str, site: str) -> Q:
    """URLs in `field` on host `site` or a subdomain of it; `site` is a validated host name."""
    pattern = r"^https?://([^/?#@]*\.)?" + site.replace(".", r"\.") + r"(:[0-9]+)?([/?#]|$)"
    return Q(**{f"{field}__iregex": pattern})


def language_q(language_code: str) -> Q:
    """Claims in the language of a BCP-47 code; like Google, the region is not considered."""
    primary = language_code.split("-")[0].lower()
    condition = Q()
    for code in _LANGUAGE_FAMILIES.get(primary, (primary,)):
        condition |= Q(language__iexact=code) | Q(language__istartswith=f"{code}-")
    return condition


def factchecks_search(
    *, query: str = "", language_code: str = "", site: str = "", max_age_days: int | None = None
) -> QuerySet[Claim]:
    """Published fact-checks as Google's claims:search selects them, newest first, in one query.

    `site` keeps fact-checks published on that host (all of them if it is the desk's own);
    `max_age_days` keeps claims made or reviewed within that many days. A query without a
    searchable word matches nothing.
    """
    qs = (
        _live_claims()
        .select_related("claimant", "review__rating")
        .defer("search_vector", "search_extra", "search_folded")
    )
    if query:
        if not search_terms(query):
            return qs.none()
        qs = search_claims(qs, query)
    if language_code:
        qs = qs.filter(language_q(language_code))
    if site and not _on_site(desk_site(), site):
        qs = qs.filter(_url_on_site("review__published_url", site))
    if max_age_days is not None:
        since = timezone.now() - dt.timedelta(days=max_age_days)
        qs = qs.filter(Q(claim_date__gte=timezone.localdate(since)) | Q(review__published_at__gte=since))
    return qs.order_by("-published_at", "-id")


def markup_pages(*, user: User, url: str = "", organization: str = "") -> QuerySet[ClaimReviewPage]:
    """ClaimReview markup pages, newest first, with their markups in four queries whatever the count.

    Markups are the pages' reviews (oldest first, the order updates match them by) with
    claim, claimant, rating and appearances; people who may not see unpublished claims see
    only the published ones' markup.
    """
    reviews = Review.objects.select_related("rating", "claim__claimant").order_by("id")
    if not can_see_unpublished(user):
        reviews = reviews.filter(claim__status__in=workflow.LIVE_STATES)
    qs = ClaimReviewPage.objects.prefetch_related(
        Prefetch("reviews", queryset=reviews),
        Prefetch("reviews__claim__appearances", queryset=Appearance.objects.select_related("source")),
    )
    if url:
        qs = qs.filter(page_url=normalize_url(url))
    if organization and not _on_site(desk_site(), organization):
        qs = qs.filter(_url_on_site("page_url", organization))
    return qs.order_by("-id")


def rating_labels() -> list[str]:
    return [rating.label_en for rating in Rating.objects.filter(is_active=True)]


def rating_for_markup(
    *, textual: str = "", value: int | None = None, best: int | None = None, worst: int | None = None
) -> tuple[Rating | None, str]:
    """The desk's rating a ClaimReview rating names, and the language of the label it matched.

    `textual` is matched, ignoring case and spacing, against the English and Norwegian
    labels and the slug; the language is "en" or "nb" when the label says so, else "".
    Failing that, `value` is placed on the desk's numeric scale (rescaled from best/worst,
    which default to ClaimReview's 5 and 1) and the nearest step wins, the lower on a tie.
    """
    ratings = list(Rating.objects.filter(is_active=True))
    key = " ".join(textual.split()).casefold()
    if key:
        for rating in ratings:
            english, norwegian = rating.label_en.casefold(), rating.label_nb.casefold()
            if key in (english, norwegian, rating.slug):
                if english == norwegian or key not in (english, norwegian):
                    return rating, ""
                return rating, "en" if key == english else "nb"
    best, worst = (5 if best is None else best), (1 if worst is None else worst)
    if value is None or best == worst or not min(best, worst) <= value <= max(best, worst):
        return None, ""
    position = Fraction(value - worst, best - worst)
    numeric = [r for r in ratings if r.rating_value is not None and r.best_rating != r.worst_rating]
    if not numeric:
        return None, ""
    nearest = min(
        numeric,
        key=lambda r: (
            abs(Fraction(r.rating_value - r.worst_rating, r.best_rating - r.worst_rating) - position),
            r.rating_value,
        ),
    )
    return nearest, ""


# --- Discovery: related articles, duplicates, feeds, jobs, the article index ----------------


def related_articles_by_status(*, claim: Claim, status: str = "") -> QuerySet[RelatedArticle]:
    """A claim's suggestions, best first; by default without those marked irrelevant.

    `status` is one of RelatedArticle.Status, or "all" for every suggestion.
    """
    qs = (
        RelatedArticle.objects.filter(claim=claim)
        .select_related("article")
        .defer("article__text", "article__search_vector")  # a list shows no article body
        .order_by("-score", "id")
    )
    if status == "all":
        return qs
    if status:
        return qs.filter(status=status)
    return qs.exclude(status=RelatedArticle.Status.IRRELEVANT)


def duplicate_suggestions_for(*, claim: Claim, include_settled: bool = False) -> QuerySet[Any]:
    """Duplicate suggestions involving the claim in either direction, best first.

    A suggestion is stored once, on the claim that was created later; both claims' pages
    show it. Dismissed and merged pairs only with `include_settled`.
    """
    from claims.models import DuplicateSuggestion

    qs = (
        DuplicateSuggestion.objects.filter(Q(claim=claim) | Q(candidate=claim))
        .select_related("claim", "candidate", "via_review")
        .defer(
            "claim__search_vector",
            "claim__search_extra",
            "claim__search_folded",
            "candidate__search_vector",
            "candidate__search_extra",
            "candidate__search_folded",
        )
        .order_by("-score", "id")
    )
    if not include_settled:
        qs = qs.filter(status=DuplicateSuggestion.Status.SUGGESTED)
    return qs


def feeds_list() -> QuerySet[Any]:
    from claims.models import Feed

    return Feed.objects.order_by("name", "id")


def jobs_visible_to(*, user: User) -> QuerySet[FetchJob]:
    """Fetch jobs, for desk members only (they are internal)."""
    if not _desk_may_view(user, "fetchjob"):
        return FetchJob.objects.none()
    return FetchJob.objects.select_related("claim", "feed").order_by("-created_at", "-id")


def articles_search(*, query: str = "") -> QuerySet[Any]:
    """The local article index, newest first; `query` is full-text (stemmed on PostgreSQL)."""
    from claims.models import Article
    from claims.search import search_articles

    qs = Article.objects.defer("text", "search_vector").order_by("-published_at", "-id")
    return search_articles(qs, query) if query.strip() else qs


def jobs_waiting() -> dict[str, Any]:
    """For alerting: how many jobs wait or run, and the oldest one still waiting."""
    counts = dict(
        FetchJob.objects.filter(status__in=[FetchJob.Status.QUEUED, FetchJob.Status.RUNNING])
        .values_list("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    oldest = FetchJob.objects.filter(status=FetchJob.Status.QUEUED).order_by("created_at", "id").first()
    return {
        "queued": counts.get(FetchJob.Status.QUEUED, 0),
        "running": counts.get(FetchJob.Status.RUNNING, 0),
        "oldest_queued": oldest,
    }


# --- What the desk's marks teach the ranker ------------------------------------------------


def marked_articles(*, claim: Claim) -> tuple[list[Article], list[Article]]:
    """The articles reviewers marked relevant and irrelevant for `claim` (for re-ranking)."""
    rows = (
        RelatedArticle.objects.filter(
            claim=claim, status__in=[RelatedArticle.Status.RELEVANT, RelatedArticle.Status.IRRELEVANT]
        )
        .select_related("article")
        .defer("article__search_vector")
        .order_by("id")
    )
    relevant: list[Article] = []
    irrelevant: list[Article] = []
    for row in rows:
        (relevant if row.status == RelatedArticle.Status.RELEVANT else irrelevant).append(row.article)
    return relevant, irrelevant


def active_ranker() -> Any:
    """The desk re-ranker in use (claims.discovery.feedback.DeskModel), or None."""
    from claims.discovery.feedback import DeskModel

    row = RankerModel.objects.filter(active=True).only("params").first()
    if row is None:
        return None
    try:
        return DeskModel.from_dict(row.params)
    except (KeyError, TypeError, ValueError):
        return None  # stored by an older version: the default weights until the next training
