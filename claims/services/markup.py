"""ClaimReview markup pages: the Google Fact Check Tools face of the desk's reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.exceptions import (
    PreconditionFailed,
    ServiceError,
    VersionConflict,
)
from claims.models import Appearance, Claim, ClaimReviewPage, Rating, Review
from claims.services._base import (
    AuthUser,
    User,
    _mark_history_reason,
    _mark_history_user,
    _person,
    _reject_unknown_fields,
    _require,
    claim_refresh_search,
)
from claims.services.claims import (
    AppearanceInput,
    _claim_slug,
    _enqueue_duplicate_check,
    _touch,
    _unmark_first_appearances,
    appearance_add,
)
from claims.services.reference import claimant_for_name
from claims.urlnorm import normalize_url
from claims.workflow import ClaimStatus

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
        _unmark_first_appearances(claim_id=claim.pk, user=user)


def _markup_apply(
    *, user: AuthUser, page: ClaimReviewPage, item: MarkupInput, review: Review | None, published: dt.datetime | None
) -> Review:
    """Write one markup: a new published claim and verdict, or the changes to an existing one."""
    claimant = None
    if item.author_name:
        claimant = claimant_for_name(
            name=item.author_name, job_title=item.author_job_title, same_as_url=item.author_same_as
        )
    summary_max = Claim._meta.get_field("claim_reviewed").max_length or 0
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
            slug=_claim_slug(item.claim_reviewed),
            created_by=_person(user),
        )
        if not item.language:
            claim.language = settings.LANGUAGE_CODE
        claim.full_clean(exclude=["slug"])
        # The creation's history row says where the claim came from; deleting markup reads it.
        _mark_history_reason(claim, MARKUP_CHANGE_REASON)
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
    user = _require(user, "claims.change_claimreviewpage" if page else "claims.add_claimreviewpage")
    wanted = MARKUP_PAGE_FIELDS if fields is None or page is None else frozenset(fields)
    _reject_unknown_fields(wanted, MARKUP_PAGE_FIELDS)
    if "page_url" in wanted and not data.page_url.strip():
        raise ServiceError(_("A page needs a URL."))
    if "markups" in wanted and not data.markups:
        raise ServiceError(_("A page needs at least one markup; delete the page to remove them all."))
    if page is None:
        page = ClaimReviewPage(created_by=_person(user))
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
