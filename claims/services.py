"""Every write the desk makes: the admin, the API, commands and tasks all call these.

Functions are keyword-only and atomic; a refused write raises a `claims.exceptions`
error and leaves the database as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from claims import workflow
from claims.exceptions import (
    PreconditionFailed,
    ServiceError,
    TransitionForbidden,
    TransitionNotAllowed,
    VersionConflict,
)
from claims.models import Appearance, Claim, Claimant, ClaimReviewPage, Comment, Rating, Review, Source, Tag
from claims.urlnorm import normalize_url
from claims.workflow import ClaimStatus

User = Any  # a django.contrib.auth user; typed loosely so AnonymousUser fits too


def _require(user: User, permission: str) -> None:
    if not (user and user.is_active and user.has_perm(permission)):
        raise TransitionForbidden(_("You do not have permission to do this."))


def _mark_history_user(obj: Any, user: User) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        obj._history_user = user


# --- Claimants, sources, tags ------------------------------------------------------------


def claimant_get_or_create(*, name: str, kind: str = Claimant.Kind.PERSON, **fields: Any) -> Claimant:
    """The claimant with this name (case-insensitive), created if the desk has none yet."""
    name = " ".join(name.split())
    if not name:
        raise ServiceError(_("A claimant needs a name."))
    existing = Claimant.objects.filter(name__iexact=name).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Claimant.objects.create(name=name, kind=kind, **fields)
    except IntegrityError:  # created concurrently by someone else
        return Claimant.objects.get(name__iexact=name)


def source_get_or_create(*, url: str, **fields: Any) -> Source:
    """The source for this URL after normalisation; new metadata fills only empty fields."""
    _url_validator(url)
    normalized = normalize_url(url)
    try:
        with transaction.atomic():
            source, created = Source.objects.get_or_create(url=normalized, defaults=fields)
    except IntegrityError:
        source, created = Source.objects.get(url=normalized), False
    if not created:
        missing = {k: v for k, v in fields.items() if v and not getattr(source, k)}
        if missing:
            for key, value in missing.items():
                setattr(source, key, value)
            source.save(update_fields=list(missing))
    return source


_url_validator = URLValidator(schemes=["http", "https"])


def tags_get_or_create(*, names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = " ".join(str(raw).split())[:60]
        if not name:
            continue
        slug = slugify(name, allow_unicode=False) or slugify(name, allow_unicode=True) or "tag"
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.filter(slug=slug).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=_unique_slug(Tag, slug, max_length=70))
        tags.append(tag)
    return tags


def _unique_slug(model: Any, base: str, *, max_length: int) -> str:
    base = (base or "item")[: max_length - 8].strip("-") or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


# --- Claims ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AppearanceInput:
    url: str
    quote: str = ""
    appeared_on: dt.date | None = None
    is_first_appearance: bool = False
    title: str = ""
    outlet: str = ""


def claim_refresh_search(*, claim: Claim) -> None:
    """Recompute the denormalised text the full-text index reads (claimant, quotes, sources)."""
    parts: list[str] = []
    if claim.claimant_id:
        parts.append(Claimant.objects.values_list("name", flat=True).get(pk=claim.claimant_id))
    for quote, title, outlet in Appearance.objects.filter(claim=claim).values_list(
        "quote", "source__title", "source__outlet"
    ):
        parts.extend(p for p in (quote, title, outlet) if p)
    extra = "\n".join(parts)
    if extra != claim.search_extra:
        Claim.objects.filter(pk=claim.pk).update_derived(search_extra=extra)
        claim.search_extra = extra


@transaction.atomic
def claim_create(
    *,
    user: User,
    text: str,
    language: str,
    claimant: Claimant | str | None = None,
    claim_date: dt.date | None = None,
    claim_reviewed: str = "",
    location: str = "",
    appearances: Sequence[AppearanceInput] = (),
    tags: Iterable[str] = (),
    priority: int | None = None,
    assignee: Any = None,
) -> Claim:
    """Record a new claim in state `new`, with its claimant, appearances and tags."""
    _require(user, workflow.WORK)
    text = text.strip()
    if not text:
        raise ServiceError(_("The claim text is empty."))
    if isinstance(claimant, str):
        claimant = claimant_get_or_create(name=claimant) if claimant.strip() else None
    base = slugify(claim_reviewed or text)[:100] or "claim"
    claim = Claim(
        text=text,
        claim_reviewed=claim_reviewed.strip(),
        language=language,
        claimant=claimant,
        claim_date=claim_date,
        location=location,
        priority=priority or Claim._meta.get_field("priority").default,
        assignee=assignee,
        slug=_unique_slug(Claim, base, max_length=120),
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    claim.full_clean(exclude=["slug"])
    _mark_history_user(claim, user)
    claim.save()
    if tags:
        claim.tags.set(tags_get_or_create(names=tags))
    for item in appearances:
        appearance_add(user=user, claim=claim, item=item, refresh=False)
    claim_refresh_search(claim=claim)
    _enqueue_duplicate_check(claim.pk)
    return claim


EDITABLE_CLAIM_FIELDS = frozenset(
    {"text", "claim_reviewed", "language", "claimant", "claim_date", "location", "priority", "assignee"}
)


@transaction.atomic
def claim_update(
    *,
    claim: Claim,
    user: User,
    data: dict[str, Any],
    expected_version: int | None = None,
    tags: Iterable[str] | None = None,
) -> Claim:
    """Change a claim's fields; with `expected_version`, refuse if someone else wrote first.

    The version check and the write are one `UPDATE … WHERE version = n`, so two
    concurrent editors cannot both succeed.
    """
    _require(user, workflow.WORK)
    unknown = set(data) - EDITABLE_CLAIM_FIELDS
    if unknown:
        raise ServiceError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    if isinstance(data.get("claimant"), str):
        data = {**data, "claimant": claimant_get_or_create(name=data["claimant"]) if data["claimant"].strip() else None}
    assignee = data.get("assignee")
    if assignee is not None and not assignee.has_perm(workflow.WORK):
        raise ServiceError(_("%(name)s is not a reviewer or editor.") % {"name": assignee.get_username()})
    if expected_version is not None:
        bumped = Claim.objects.filter(pk=claim.pk, version=expected_version).update_derived(version=F("version") + 1)
        if not bumped:
            raise VersionConflict(_("The claim was changed by someone else; reload it and try again."))
        claim.refresh_from_db()
    else:
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        claim.version += 1
    for key, value in data.items():
        setattr(claim, key, value)
    claim.full_clean(exclude=["slug"])
    claim.updated_at = timezone.now()
    _mark_history_user(claim, user)
    claim.save()
    if tags is not None:
        claim.tags.set(tags_get_or_create(names=tags))
    claim_refresh_search(claim=claim)
    return claim


def _touch(claim: Claim, user: User, *fields: str) -> None:
    claim.version += 1
    claim.updated_at = timezone.now()
    _mark_history_user(claim, user)
    claim.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def claim_assign(*, claim: Claim, user: User, assignee: Any) -> Claim:
    """Give the claim to a reviewer (or to nobody, with assignee=None)."""
    _require(user, workflow.WORK)
    if assignee is not None and not assignee.has_perm(workflow.WORK):
        raise ServiceError(_("%(name)s is not a reviewer or editor.") % {"name": assignee.get_username()})
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.assignee_id == (assignee.pk if assignee else None):
        return claim
    claim.assignee = assignee
    _touch(claim, user, "assignee")
    return claim


def available_transitions(*, claim: Claim, user: User) -> list[workflow.Transition]:
    """The transitions this user may attempt from the claim's state (for buttons and menus)."""
    if not user or not user.is_active:
        return []
    return [t for t in workflow.transitions_from(claim.status) if user.has_perm(t.permission)]


@transaction.atomic
def claim_transition(*, claim: Claim, user: User, to: str) -> Claim:
    """Move a claim to another state if the workflow, the user's role and the verdict allow it."""
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if to not in ClaimStatus.values:
        raise TransitionNotAllowed(_("“%(state)s” is not a workflow state.") % {"state": to})
    transition = workflow.find_transition(locked.status, to)
    if transition is None:
        raise TransitionNotAllowed(
            _("A claim that is %(source)s cannot be moved to %(target)s.")
            % {"source": ClaimStatus(locked.status).label, "target": ClaimStatus(to).label}
        )
    if not (user and user.is_active and user.has_perm(transition.permission)):
        raise TransitionForbidden(
            _("Your role may not move a claim from %(source)s to %(target)s.")
            % {"source": ClaimStatus(locked.status).label, "target": ClaimStatus(to).label}
        )
    review = Review.objects.filter(claim=locked).first()
    if transition.needs_draft:
        problems = workflow.draft_blockers(
            has_rating=bool(review and review.rating_id), has_rationale=bool(review and review.rationale.strip())
        )
        if problems:
            raise PreconditionFailed(" ".join(problems), errors=problems)
    now = timezone.now()
    if transition.publishes:
        problems = workflow.publish_blockers(
            has_rating=bool(review and review.rating_id),
            has_rationale=bool(review and review.rationale.strip()),
            evidence_count=review.evidence.count() if review else 0,
            author_id=review.author_id if review else None,
            approver_id=user.pk,
            four_eyes=settings.FACTCHECK_FOUR_EYES,
        )
        if problems:
            raise PreconditionFailed(" ".join(problems), errors=problems)
        review.approver = user
        if transition.target == ClaimStatus.PUBLISHED or review.published_at is None:
            review.published_at = now
        if not review.published_url:
            review.published_url = f"{settings.FACTCHECK_SITE_URL}/factchecks/{locked.slug}/"
        _mark_history_user(review, user)
        review.save()
        if locked.published_at is None:
            locked.published_at = now
    locked.status = to
    _touch(locked, user, "status", "published_at")
    if to == ClaimStatus.IN_RESEARCH:
        _enqueue_discovery(locked.pk, user)
    # Callers keep using the object they passed in; bring it up to date.
    for field in ("status", "version", "updated_at", "published_at"):
        setattr(claim, field, getattr(locked, field))
    return locked


# --- Appearances, reviews, comments ------------------------------------------------------


@transaction.atomic
def appearance_add(*, user: User, claim: Claim, item: AppearanceInput, refresh: bool = True) -> Appearance:
    """Record that the claim appears in a source; at most one appearance is the first."""
    _require(user, workflow.WORK)
    source = source_get_or_create(url=item.url, title=item.title, outlet=item.outlet)
    if item.is_first_appearance:
        for previous in Appearance.objects.filter(claim=claim, is_first_appearance=True).exclude(source=source):
            previous.is_first_appearance = False
            _mark_history_user(previous, user)
            previous.save(update_fields=["is_first_appearance"])
    appearance = Appearance.objects.filter(claim=claim, source=source).first() or Appearance(claim=claim, source=source)
    appearance.quote = item.quote or appearance.quote
    appearance.appeared_on = item.appeared_on or appearance.appeared_on
    appearance.is_first_appearance = item.is_first_appearance or appearance.is_first_appearance
    _mark_history_user(appearance, user)
    appearance.save()
    if refresh:
        claim_refresh_search(claim=claim)
    return appearance


@transaction.atomic
def appearance_update(
    *,
    user: User,
    appearance: Appearance,
    quote: str,
    appeared_on: dt.date | None,
    is_first_appearance: bool,
) -> Appearance:
    """Edit an appearance's quote, date and first-appearance mark (unlike appearance_add, values may be cleared)."""
    _require(user, workflow.WORK)
    appearance = Appearance.objects.select_for_update().select_related("claim").get(pk=appearance.pk)
    if is_first_appearance and not appearance.is_first_appearance:
        for previous in Appearance.objects.filter(claim_id=appearance.claim_id, is_first_appearance=True):
            previous.is_first_appearance = False
            _mark_history_user(previous, user)
            previous.save(update_fields=["is_first_appearance"])
    appearance.quote = quote
    appearance.appeared_on = appeared_on
    appearance.is_first_appearance = is_first_appearance
    appearance.full_clean(exclude=["claim", "source"])
    _mark_history_user(appearance, user)
    appearance.save()
    claim_refresh_search(claim=appearance.claim)
    return appearance


@transaction.atomic
def appearance_remove(*, user: User, appearance: Appearance) -> None:
    """Remove an appearance from its claim (the source itself stays)."""
    _require(user, workflow.WORK)
    appearance = Appearance.objects.select_related("claim").filter(pk=appearance.pk).first()
    if appearance is None:  # already removed
        return
    claim = appearance.claim
    _mark_history_user(appearance, user)
    appearance.delete()
    claim_refresh_search(claim=claim)


@transaction.atomic
def review_save(
    *,
    claim: Claim,
    user: User,
    rating: Rating | None = None,
    rationale: str | None = None,
    headline: str | None = None,
    evidence: Iterable[Source] | None = None,
    evidence_urls: Iterable[str] = (),
) -> Review:
    """Draft or revise the verdict. Reviewers draft; once published only editors may revise it."""
    permission = workflow.PUBLISH if claim.status in workflow.LIVE_STATES else workflow.WORK
    _require(user, permission)
    if claim.status in {ClaimStatus.REJECTED, ClaimStatus.RETRACTED}:
        raise PreconditionFailed(_("A rejected or retracted claim has no verdict to edit."))
    if rating is not None and not rating.is_active:
        raise ServiceError(_("This rating is no longer in use."))
    review = Review.objects.select_for_update().filter(claim=claim).first() or Review(claim=claim, author=user)
    if rating is not None:
        review.rating = rating
    if rationale is not None:
        review.rationale = rationale
    if headline is not None:
        review.headline = headline
    if review.author_id is None:
        review.author = user
    _mark_history_user(review, user)
    review.save()
    sources = list(evidence) if evidence is not None else None
    extra = [source_get_or_create(url=url) for url in evidence_urls]
    if sources is not None:
        review.evidence.set(sources + extra)
    elif extra:
        review.evidence.add(*extra)
    return review


@transaction.atomic
def review_add_evidence(*, claim: Claim, user: User, source: Source) -> Review:
    review = review_save(claim=claim, user=user)
    review.evidence.add(source)
    return review


def comment_create(*, claim: Claim, user: User, body: str) -> Comment:
    _require(user, workflow.WORK)
    body = body.strip()
    if not body:
        raise ServiceError(_("The comment is empty."))
    return Comment.objects.create(claim=claim, author=user, body=body)


# --- Background work, enqueued only once the transaction commits ---------------------------


def _enqueue_discovery(claim_id: int, user: User) -> None:
    from claims import tasks  # tasks import services; import here to avoid the cycle

    user_id = user.pk if getattr(user, "is_authenticated", False) else None
    transaction.on_commit(lambda: tasks.enqueue_discovery(claim_id=claim_id, user_id=user_id))


def _enqueue_duplicate_check(claim_id: int) -> None:
    from claims import tasks

    transaction.on_commit(lambda: tasks.find_duplicates.delay(claim_id))


def system_user() -> AnonymousUser | AbstractBaseUser:
    """Stand-in for background jobs that act on no one's behalf."""
    return AnonymousUser()


# --- Duplicates -----------------------------------------------------------------------------


@transaction.atomic
def duplicates_refresh(*, claim_id: int) -> int:
    """(Re)compute suggested duplicates of a claim; dismissed and merged pairs are kept as they are."""
    from claims.discovery.duplicates import find_duplicates
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
    found = [(c, score) for c, score in find_duplicates(claim) if c.pk not in settled]
    for candidate, score in found:
        suggestion, created = DuplicateSuggestion.objects.get_or_create(
            claim=claim, candidate=candidate, defaults={"score": score}
        )
        if not created and suggestion.status == DuplicateSuggestion.Status.SUGGESTED and suggestion.score != score:
            suggestion.score = score
            suggestion.save(update_fields=["score"])
    return len(found)


# --- Reference data and deletions (the REST API's resource endpoints) -------------------------


def _save_fields(obj: Any, user: User, data: dict[str, Any], *, allowed: frozenset[str]) -> Any:
    unknown = set(data) - allowed
    if unknown:
        raise ServiceError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
    for key, value in data.items():
        setattr(obj, key, value)
    obj.full_clean()
    _mark_history_user(obj, user)
    obj.save()
    return obj


def _delete(obj: Any, user: User, permission: str) -> None:
    _require(user, permission)
    _mark_history_user(obj, user)
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError:
        raise PreconditionFailed(_("Other records still refer to this one, so it cannot be deleted.")) from None


CLAIMANT_FIELDS = frozenset({"name", "kind", "job_title", "description", "wikidata_id", "same_as_url"})
SOURCE_FIELDS = frozenset({"title", "outlet", "author", "published_at", "language"})
RATING_FIELDS = frozenset(
    {"slug", "label_en", "label_nb", "explanation_en", "explanation_nb", "rating_value", "best_rating"}
    | {"worst_rating", "order", "is_active"}
)


def claimant_create(*, user: User, name: str, **fields: Any) -> Claimant:
    _require(user, "claims.add_claimant")
    return claimant_get_or_create(name=name, **fields)


@transaction.atomic
def claimant_update(*, claimant: Claimant, user: User, data: dict[str, Any]) -> Claimant:
    """Edit a claimant; a new name is carried into the search text of their claims."""
    _require(user, "claims.change_claimant")
    renamed = "name" in data and data["name"] != claimant.name
    _save_fields(claimant, user, data, allowed=CLAIMANT_FIELDS)
    if renamed:
        for claim in Claim.objects.filter(claimant=claimant).only("pk", "claimant_id", "search_extra"):
            claim_refresh_search(claim=claim)
    return claimant


def source_create(*, user: User, url: str, **fields: Any) -> Source:
    _require(user, "claims.add_source")
    return source_get_or_create(url=url, **fields)


@transaction.atomic
def source_update(*, source: Source, user: User, data: dict[str, Any]) -> Source:
    _require(user, "claims.change_source")
    return _save_fields(source, user, data, allowed=SOURCE_FIELDS)


@transaction.atomic
def rating_save(*, user: User, data: dict[str, Any], rating: Rating | None = None) -> Rating:
    """Add a step to the desk's rating scale or change one; retire a step with is_active=False."""
    _require(user, "claims.change_rating" if rating else "claims.add_rating")
    return _save_fields(rating or Rating(), user, data, allowed=RATING_FIELDS)


@transaction.atomic
def claim_delete(*, claim: Claim, user: User) -> None:
    """Delete a claim with its appearances, verdict and comments (editors; history keeps a record)."""
    _delete(claim, user, "claims.delete_claim")


# --- ClaimReview markup pages (the Google Fact Check Tools face, claims.api.google) -------------
#
# A markup page records fact-checks the desk has already published on its own site: the CMS
# that wrote the page did the drafting and the second reading. So each markup's claim is born
# published, dated by the page's publish date, and only holders of `claims.publish_claim`
# (editors, admins) may write pages — the four-eyes rule moves to who may publish markup.
# A page owns its markups: an update rewrites their claims and verdicts (markups are matched
# to the page's reviews by position), and markups that disappear — or all of them, when the
# page is deleted — delete the claims the page created (their history keeps the record).
# Claims the desk made itself and later linked to a page are never deleted, only detached.

MARKUP_CHANGE_REASON = "ClaimReview markup page"
MARKUP_PAGE_FIELDS = frozenset({"page_url", "publish_date", "author_name", "author_image_url", "markups"})


@dataclass(frozen=True)
class MarkupInput:
    """One validated ClaimReview markup: the claim, who made it, where it appeared, the verdict."""

    claim_reviewed: str
    rating: Rating
    rating_explanation: str = ""
    url: str = ""  # the fact-check's own URL; the page URL when empty
    claim_date: dt.date | None = None
    location: str = ""
    language: str = ""  # empty: keep the claim's; a new claim gets settings.LANGUAGE_CODE
    author_name: str = ""
    author_job_title: str = ""
    author_same_as: str = ""
    first_appearance: str = ""
    appearances: tuple[str, ...] = ()


@dataclass(frozen=True)
class MarkupPageInput:
    """A validated ClaimReviewMarkupPage."""

    page_url: str
    publish_date: dt.date | None = None
    author_name: str = ""
    author_image_url: str = ""
    markups: tuple[MarkupInput, ...] = ()


def _markup_published_at(page: ClaimReviewPage) -> dt.datetime | None:
    # Noon UTC is the same calendar day in every time zone from UTC-11 to UTC+11, so the
    # publish date reads back unchanged wherever the desk and its readers are.
    if page.publish_date is None:
        return None
    return dt.datetime.combine(page.publish_date, dt.time(12), tzinfo=dt.UTC)


def _changed(obj: Any, values: dict[str, Any]) -> list[str]:
    """Set the values that differ on `obj`; the names of the fields that changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _markup_appearances(*, user: User, claim: Claim, item: MarkupInput) -> None:
    """Make the claim's appearances exactly the markup's (its first appearance included)."""
    keep = []
    for url in dict.fromkeys(u for u in (item.first_appearance, *item.appearances) if u):
        first = url == item.first_appearance
        keep.append(
            appearance_add(
                user=user, claim=claim, item=AppearanceInput(url=url, is_first_appearance=first), refresh=False
            ).pk
        )
    for appearance in Appearance.objects.filter(claim=claim).exclude(pk__in=keep):
        _mark_history_user(appearance, user)
        appearance.delete()
    if not item.first_appearance:
        for appearance in Appearance.objects.filter(claim=claim, is_first_appearance=True):
            appearance.is_first_appearance = False
            _mark_history_user(appearance, user)
            appearance.save(update_fields=["is_first_appearance"])


def _markup_apply(
    *, user: User, page: ClaimReviewPage, item: MarkupInput, review: Review | None, published: dt.datetime | None
) -> Review:
    """Write one markup: a new published claim and verdict, or the changes to an existing one."""
    claimant = None
    if item.author_name:
        claimant = claimant_get_or_create(
            name=item.author_name, job_title=item.author_job_title, same_as_url=item.author_same_as
        )
    summary_max = Claim._meta.get_field("claim_reviewed").max_length
    values: dict[str, Any] = {
        "text": item.claim_reviewed,
        # A claim too long for the summary keeps only its full text; reading back shows that.
        "claim_reviewed": item.claim_reviewed if len(item.claim_reviewed) <= summary_max else "",
        "claimant_id": claimant.pk if claimant else None,
        "claim_date": item.claim_date,
        "location": item.location,
    }
    if item.language:
        values["language"] = item.language
    now = timezone.now()
    if review is None:
        claim = Claim(
            **values,
            status=ClaimStatus.PUBLISHED,
            published_at=published or now,
            slug=_unique_slug(Claim, slugify(item.claim_reviewed)[:100] or "claim", max_length=120),
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
        if not item.language:
            claim.language = settings.LANGUAGE_CODE
        claim.full_clean(exclude=["slug"])
        # The creation's history row says where the claim came from; deleting markup reads it.
        claim._change_reason = MARKUP_CHANGE_REASON
        _mark_history_user(claim, user)
        claim.save()
        review = Review(claim=claim, author=user)
        _enqueue_duplicate_check(claim.pk)
    else:
        claim = review.claim
        if published is not None:
            values["published_at"] = published
        changed = _changed(claim, values)
        if changed:
            claim.full_clean(exclude=["slug"])
            _touch(claim, user, *changed)
    _markup_appearances(user=user, claim=claim, item=item)
    claim_refresh_search(claim=claim)
    changed = _changed(
        review,
        {
            "rating_id": item.rating.pk,
            "rationale": item.rating_explanation,
            "published_url": item.url or page.page_url,
            "page_id": page.pk,
            "published_at": published or review.published_at or now,
        },
    )
    if changed or review.pk is None:
        review.approver = user
        _mark_history_user(review, user)
        review.save()
    return review


def _markup_release(*, user: User, reviews: Sequence[Review]) -> None:
    """Take markups off their page: claims the page created are deleted, the desk's own detached."""
    if not reviews:
        return
    born_here = set(
        Claim.history.filter(
            id__in=[r.claim_id for r in reviews], history_type="+", history_change_reason=MARKUP_CHANGE_REASON
        ).values_list("id", flat=True)
    )
    for review in reviews:
        if review.claim_id in born_here:
            _require(user, "claims.delete_claim")
            claim = review.claim
            _mark_history_user(claim, user)
            try:
                with transaction.atomic():
                    claim.delete()
                continue
            except ProtectedError:
                pass  # another claim is recorded as its duplicate: keep it, detached
        review.page = None
        _mark_history_user(review, user)
        review.save(update_fields=["page", "updated_at"])


@transaction.atomic
def markup_page_save(
    *,
    user: User,
    data: MarkupPageInput,
    page: ClaimReviewPage | None = None,
    fields: Iterable[str] | None = None,
    expected_version: int | None = None,
) -> ClaimReviewPage:
    """Create a markup page (page=None) with a published claim per markup, or update one.

    An update changes every field, or only `fields` (names from MARKUP_PAGE_FIELDS; Google's
    update mask). With `expected_version` it refuses (VersionConflict) if the page changed
    since the caller read it; the check and the version bump are one UPDATE.
    """
    _require(user, workflow.PUBLISH)
    _require(user, "claims.change_claimreviewpage" if page else "claims.add_claimreviewpage")
    wanted = MARKUP_PAGE_FIELDS if fields is None or page is None else frozenset(fields)
    if wanted - MARKUP_PAGE_FIELDS:
        raise ServiceError(
            _("These fields cannot be changed here: %s") % ", ".join(sorted(wanted - MARKUP_PAGE_FIELDS))
        )
    if "page_url" in wanted and not data.page_url.strip():
        raise ServiceError(_("A page needs a URL."))
    if "markups" in wanted and not data.markups:
        raise ServiceError(_("A page needs at least one markup; delete the page to remove them all."))
    if page is None:
        page = ClaimReviewPage(created_by=user if getattr(user, "is_authenticated", False) else None)
    elif expected_version is not None:
        bumped = ClaimReviewPage.objects.filter(pk=page.pk, version=expected_version).update(version=F("version") + 1)
        if not bumped:
            raise VersionConflict(_("The page was changed by someone else; get it again and retry."))
        page = ClaimReviewPage.objects.get(pk=page.pk)
    else:
        page = ClaimReviewPage.objects.select_for_update().get(pk=page.pk)
        page.version += 1
    if "page_url" in wanted:
        page.page_url = normalize_url(data.page_url)
    for name in ("publish_date", "author_name", "author_image_url"):
        if name in wanted:
            setattr(page, name, getattr(data, name))
    taken = _("Another page already has markup for %(url)s.") % {"url": page.page_url}
    if ClaimReviewPage.objects.filter(page_url=page.page_url).exclude(pk=page.pk).exists():
        raise PreconditionFailed(taken)
    page.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            page.save()
    except IntegrityError:  # a concurrent request took the URL first
        raise PreconditionFailed(taken) from None
    published = _markup_published_at(page)
    reviews = list(Review.objects.select_for_update().filter(page=page).select_related("claim").order_by("id"))
    if "markups" in wanted:
        for index, item in enumerate(data.markups):
            current = reviews[index] if index < len(reviews) else None
            _markup_apply(user=user, page=page, item=item, review=current, published=published)
        _markup_release(user=user, reviews=reviews[len(data.markups) :])
    elif "publish_date" in wanted and published is not None:
        for review in reviews:
            review.published_at = review.claim.published_at = published
            _touch(review.claim, user, "published_at")
            _mark_history_user(review, user)
            review.save(update_fields=["published_at", "updated_at"])
    return page


@transaction.atomic
def markup_page_delete(*, user: User, page: ClaimReviewPage) -> None:
    """Delete a markup page: the claims it created go with it, the desk's own are detached."""
    _require(user, workflow.PUBLISH)
    _require(user, "claims.delete_claimreviewpage")
    page = ClaimReviewPage.objects.select_for_update().get(pk=page.pk)
    _markup_release(user=user, reviews=list(Review.objects.filter(page=page).select_related("claim").order_by("id")))
    page.delete()


# --- Related-article discovery: jobs on request (the API's and admin's "fetch related" buttons) ---


@transaction.atomic
def discovery_request(*, claim: Claim, user: User) -> Any:
    """Queue a related-article search for the claim; returns its FetchJob (202 for the API).

    A job for the claim still waiting in the queue is returned instead of a second one.
    """
    from claims import tasks

    _require(user, workflow.WORK)
    return tasks.enqueue_discovery(claim_id=claim.pk, user_id=user.pk)


@transaction.atomic
def feed_harvest_request(*, feed: Any, user: User) -> Any:
    """Queue a harvest of one feed now; returns its FetchJob."""
    from claims import tasks

    _require(user, workflow.WORK)
    if not feed.enabled:
        raise PreconditionFailed(_("This feed is disabled; enable it before harvesting."))
    return tasks.enqueue_harvest(feed_id=feed.pk, user_id=user.pk)


# --- Discovery feedback: related articles and duplicate claims (reviewers' buttons) ----------


@transaction.atomic
def related_article_mark(*, related: Any, user: User, status: str) -> Any:
    """Record the reviewer's verdict on a suggested article: relevant or irrelevant.

    The verdict survives later discovery runs (they refresh score and reasons only), and an
    article marked irrelevant is never suggested for this claim again.
    """
    from claims.models import RelatedArticle

    _require(user, workflow.WORK)
    allowed = {RelatedArticle.Status.RELEVANT, RelatedArticle.Status.IRRELEVANT}
    if status not in allowed:
        raise ServiceError(_("Mark an article as relevant or irrelevant."))
    related = RelatedArticle.objects.select_for_update().get(pk=related.pk)
    if related.status != status or related.reviewed_by_id != getattr(user, "pk", None):
        related.status = status
        related.reviewed_by = user if getattr(user, "is_authenticated", False) else None
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
    source = source_get_or_create(
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

    _require(user, workflow.WORK)
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

    kept_has_first = Appearance.objects.filter(claim=kept, is_first_appearance=True).exists()
    for appearance in Appearance.objects.filter(claim=duplicate).select_related("source"):
        existing = Appearance.objects.filter(claim=kept, source=appearance.source).first()
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
        duplicate = claim_transition(claim=duplicate, user=user, to=ClaimStatus.REJECTED)
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
    unknown = set(data) - FEED_FIELDS
    if unknown:
        raise ServiceError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))
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
