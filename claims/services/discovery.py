"""Related-article discovery and duplicate claims: jobs on request and reviewers' feedback."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from claims import workflow
from claims.discovery import jobs as discovery_jobs
from claims.exceptions import (
    PreconditionFailed,
    ServiceError,
)
from claims.models import Appearance, Claim, Feed, FetchJob, Source
from claims.services._base import (
    User,
    _mark_history_user,
    _person,
    _reject_unknown_fields,
    _require,
    claim_refresh_search,
)
from claims.services.claims import _touch, claim_transition, review_add_evidence
from claims.services.reference import source_for_url
from claims.workflow import ClaimStatus

# --- Related-article discovery: jobs on request (the API's and admin's "fetch related" buttons) ---


@transaction.atomic
def discovery_request(*, claim: Claim, user: User) -> Any:
    """Queue a related-article search for the claim; returns its FetchJob (202 for the API).

    A job for the claim still waiting in the queue is returned instead of a second one.
    """
    member = _require(user, workflow.WORK)
    return discovery_job_start(claim_id=claim.pk, user_id=member.pk)


@transaction.atomic
def feed_harvest_request(*, feed: Any, user: User) -> Any:
    """Queue a harvest of one feed now; returns its FetchJob."""
    member = _require(user, workflow.WORK)
    if not feed.enabled:
        raise PreconditionFailed(_("This feed is disabled; enable it before harvesting."))
    return harvest_job_start(feed_id=feed.pk, user_id=member.pk)


def _job_send_on_commit(job: FetchJob) -> FetchJob:
    # By task name through claims.discovery.jobs (which notes when the message went out).
    transaction.on_commit(lambda: discovery_jobs.send_job(job.pk, job.kind))
    return job


def _job_reuse(job: FetchJob) -> FetchJob:
    # A waiting job whose message may have been lost is sent again (a duplicate is a no-op).
    return _job_send_on_commit(job) if discovery_jobs.needs_resend(job) else job


@transaction.atomic
def discovery_job_start(*, claim_id: int, user_id: int | None = None) -> FetchJob | None:
    """Create a discovery job for the claim and queue it once the transaction commits.

    For the services (when a claim enters research, on commit), the request above and the
    beat's recheck; a job for the claim still waiting in the queue is reused, not doubled
    (and its message sent again if it may have been lost). None if the claim was deleted
    before this ran.
    """
    existing = discovery_jobs.open_job(kind=FetchJob.Kind.DISCOVER, claim_id=claim_id)
    if existing is not None:
        return _job_reuse(existing)
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:
        return None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return _job_send_on_commit(discovery_jobs.create_job(kind=FetchJob.Kind.DISCOVER, claim=claim, user=user))


@transaction.atomic
def harvest_job_start(*, feed_id: int, user_id: int | None = None) -> FetchJob:
    """Create a harvest job for the feed and queue it once the transaction commits (an open
    one is reused, and sent again if its message may have been lost)."""
    existing = discovery_jobs.open_job(kind=FetchJob.Kind.HARVEST, feed_id=feed_id)
    if existing is not None:
        return _job_reuse(existing)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    feed = Feed.objects.get(pk=feed_id)
    return _job_send_on_commit(discovery_jobs.create_job(kind=FetchJob.Kind.HARVEST, feed=feed, user=user))


@transaction.atomic
def job_retry(*, job: Any, user: User) -> Any:
    """Run a stuck or failed job again (the admin's and the API's "retry"); returns the job.

    Stuck: its worker died and the sweep has not revived it, or its message was lost. A job
    that is running with a live lease, queued normally or finished well is not retried.
    """
    _require(user, workflow.WORK)
    if job.kind not in discovery_jobs.JOB_TASKS:
        raise PreconditionFailed(_("This kind of job cannot be retried."))
    if not discovery_jobs.requeue(job, reset_attempts=True):
        raise PreconditionFailed(_("Only a stuck or failed job can be retried; this one is not."))
    job.refresh_from_db()
    return job


# --- Discovery feedback: related articles and duplicate claims (reviewers' buttons) ----------


@transaction.atomic
def related_article_mark(*, related: Any, user: User, status: str) -> Any:
    """Record the reviewer's verdict on a suggested article: relevant or irrelevant, or
    `suggested` to undo a mark (nobody's verdict any more).

    The verdict survives later discovery runs (they refresh score and reasons only), and an
    article marked irrelevant is never suggested for this claim again.
    """
    from claims.models import RelatedArticle

    _require(user, workflow.WORK)
    allowed = {RelatedArticle.Status.RELEVANT, RelatedArticle.Status.IRRELEVANT, RelatedArticle.Status.SUGGESTED}
    if status not in allowed:
        raise ServiceError(_("Mark an article as relevant or irrelevant."))
    related = RelatedArticle.objects.select_for_update().get(pk=related.pk)
    reviewer = None if status == RelatedArticle.Status.SUGGESTED else _person(user)
    if related.status != status or related.reviewed_by_id != getattr(reviewer, "pk", None):
        related.status = status
        related.reviewed_by = reviewer
        related.save(update_fields=["status", "reviewed_by", "updated_at"])
    return related


@transaction.atomic
def related_article_to_evidence(*, related: Any, user: User) -> Source:
    """One click: the suggested article becomes a Source cited as evidence in the claim's review.

    The source gets the article's title, outlet, date and text; the suggestion is marked
    relevant. Publishing rules still apply (a live verdict needs an editor to change it).
    """
    from claims.models import RelatedArticle

    _require(user, workflow.WORK)
    related = RelatedArticle.objects.select_related("claim", "article").get(pk=related.pk)
    article = related.article
    source = source_for_url(
        url=article.url,
        title=article.title[:500],
        outlet=article.outlet[:200],
        author=article.author[:200],
        published_at=article.published_at,
        language=article.language[:35],
        text=article.text,
        content_hash=article.content_hash,
        fetched_at=article.fetched_at,
    )
    review_add_evidence(claim=related.claim, user=user, source=source)
    related_article_mark(related=related, user=user, status=RelatedArticle.Status.RELEVANT)
    return source


@transaction.atomic
def duplicate_dismiss(*, suggestion: Any, user: User) -> Any:
    """The two claims are not the same: dismiss the suggestion (in both directions) for good."""
    from claims.models import DuplicateSuggestion

    _require(user, workflow.WORK)
    suggestion = DuplicateSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status == DuplicateSuggestion.Status.MERGED:
        raise PreconditionFailed(_("These claims have already been merged."))
    DuplicateSuggestion.objects.filter(
        claim_id__in=[suggestion.claim_id, suggestion.candidate_id],
        candidate_id__in=[suggestion.claim_id, suggestion.candidate_id],
        status=DuplicateSuggestion.Status.SUGGESTED,
    ).update(status=DuplicateSuggestion.Status.DISMISSED)
    suggestion.refresh_from_db()
    return suggestion


def _merge_quotes(kept: str, extra: str) -> str:
    if not extra or extra in kept:
        return kept
    return f"{kept}\n\n{extra}" if kept else extra


@transaction.atomic
def claims_merge(*, claim: Claim, into: Claim, user: User) -> Claim:
    """Merge `claim`, a duplicate, into `into`, the claim the desk keeps.

    The duplicate's appearances and tags move to the kept claim (an appearance in a source
    the kept claim already cites adds its quote and date there), the duplicate points to the
    kept claim with `duplicate_of`, every change is in the history, and the duplicate
    suggestion between the two is marked merged. The duplicate's own verdict, comments and
    history stay on it. If the workflow lets this user reject the duplicate from its state,
    it is rejected so it leaves the queues.
    """
    from claims.discovery.duplicates import ClaimFeatures, similarity
    from claims.models import DuplicateSuggestion

    user = _require(user, workflow.WORK)
    if claim.pk == into.pk:
        raise ServiceError(_("A claim cannot be merged into itself."))
    # Lock both rows in a fixed order so two merges of the same pair cannot deadlock.
    locked = {c.pk: c for c in Claim.objects.select_for_update().filter(pk__in=[claim.pk, into.pk]).order_by("pk")}
    duplicate, kept = locked[claim.pk], locked[into.pk]
    if duplicate.duplicate_of_id:
        raise PreconditionFailed(_("This claim has already been merged into another claim."))
    ancestor, seen = kept, set()
    while ancestor.duplicate_of_id and ancestor.pk not in seen:  # never build a cycle
        seen.add(ancestor.pk)
        if ancestor.duplicate_of_id == duplicate.pk:
            raise PreconditionFailed(_("The claim to keep is itself a duplicate of this claim."))
        ancestor = Claim.objects.get(pk=ancestor.duplicate_of_id)

    # The kept claim's appearances, read once (not once per moved appearance).
    kept_by_source = {a.source_id: a for a in Appearance.objects.filter(claim=kept)}
    kept_has_first = any(a.is_first_appearance for a in kept_by_source.values())
    for appearance in Appearance.objects.filter(claim=duplicate):
        existing = kept_by_source.get(appearance.source_id)
        if existing is not None:
            existing.quote = _merge_quotes(existing.quote, appearance.quote)
            existing.appeared_on = existing.appeared_on or appearance.appeared_on
            _mark_history_user(existing, user)
            existing.save()
            _mark_history_user(appearance, user)
            appearance.delete()
            continue
        appearance.claim = kept
        if appearance.is_first_appearance and kept_has_first:
            appearance.is_first_appearance = False
        _mark_history_user(appearance, user)
        appearance.save()
    kept.tags.add(*duplicate.tags.all())
    claim_refresh_search(claim=kept)
    _touch(kept, user)

    rejection = workflow.find_transition(duplicate.status, ClaimStatus.REJECTED)
    if rejection is not None and user.has_perm(rejection.permission):
        reason = _("A duplicate of “%(kept)s” (claim %(id)s); merged into it.") % {"kept": kept, "id": kept.pk}
        duplicate = claim_transition(claim=duplicate, user=user, to=ClaimStatus.REJECTED, reason=reason)
    duplicate.duplicate_of = kept
    _touch(duplicate, user, "duplicate_of")
    claim_refresh_search(claim=duplicate)

    pair = [duplicate.pk, kept.pk]
    updated = DuplicateSuggestion.objects.filter(claim_id__in=pair, candidate_id__in=pair).update(
        status=DuplicateSuggestion.Status.MERGED
    )
    if not updated:  # merged without a suggestion (e.g. by hand): record the pair anyway
        score, _signals = similarity(ClaimFeatures.of(duplicate), ClaimFeatures.of(kept))
        DuplicateSuggestion.objects.create(
            claim=duplicate, candidate=kept, score=round(score, 4), status=DuplicateSuggestion.Status.MERGED
        )
    for field in ("status", "duplicate_of", "version", "updated_at"):
        setattr(claim, field, getattr(duplicate, field))
    return duplicate


FEED_FIELDS = frozenset({"url", "name", "language", "enabled"})


@transaction.atomic
def feed_save(*, user: User, data: dict[str, Any], feed: Any = None) -> Any:
    """Add a news feed to harvest, or change one (editors and admins)."""
    from claims.models import Feed

    _require(user, "claims.change_feed" if feed is not None else "claims.add_feed")
    _reject_unknown_fields(data, FEED_FIELDS)
    feed = feed if feed is not None else Feed()
    for key, value in data.items():
        setattr(feed, key, value.strip() if isinstance(value, str) else value)
    if not (feed.url or "").lower().startswith(("http://", "https://")):
        raise ServiceError(_("A feed URL must start with http:// or https://."))
    if not feed.name:
        feed.name = feed.url[:200]
    feed.full_clean()
    feed.save()
    return feed


# --- Duplicates -----------------------------------------------------------------------------


@transaction.atomic
def duplicates_refresh(*, claim_id: int) -> int:
    """(Re)compute suggested duplicates of a claim; dismissed and merged pairs are kept as they are."""
    from claims.discovery.duplicates_external import find_duplicates
    from claims.models import DuplicateSuggestion

    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None:  # deleted before the job ran
        return 0
    # A pair the desk already dismissed or merged the other way round is not suggested again.
    settled = set(
        DuplicateSuggestion.objects.filter(candidate=claim)
        .exclude(status=DuplicateSuggestion.Status.SUGGESTED)
        .values_list("claim_id", flat=True)
    )
    # Found through the desk's wording or through another desk's review of the other claim.
    found = [m for m in find_duplicates(claim) if m.claim.pk not in settled]
    for match in found:
        review_id = match.review.pk if match.review else None
        suggestion, created = DuplicateSuggestion.objects.get_or_create(
            claim=claim, candidate=match.claim, defaults={"score": match.score, "via_review_id": review_id}
        )
        if (
            not created
            and suggestion.status == DuplicateSuggestion.Status.SUGGESTED
            and (suggestion.score, suggestion.via_review_id) != (match.score, review_id)
        ):
            suggestion.score, suggestion.via_review_id = match.score, review_id
            suggestion.save(update_fields=["score", "via_review"])
    return len(found)
