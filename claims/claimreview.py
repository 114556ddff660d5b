"""schema.org ClaimReview JSON-LD for a published fact-check.

One builder for every face that emits ClaimReview (the public page's <script> block, the
REST API, the Google Fact Check Tools compatibility face), so they cannot disagree.

`build_claimreview` is a pure function over an already-loaded claim: it reads
`claim.review` (with `rating`), `claim.appearances.all()` (with `source`) and
`claim.claimant`, and expects the caller to have prefetched them (see
`claims.selectors.published_factchecks`, or the API detail's `ClaimDetailSerializer.load`).
It never writes and, given a prefetched claim, never queries.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from claims.models import Appearance, Claim, Claimant, Review

SCHEMA_CONTEXT = "https://schema.org"
WIKIDATA_ENTITY_URL = "https://www.wikidata.org/wiki/{id}"


def public_path(claim: Claim) -> str:
    """The path of the claim's public fact-check page."""
    try:
        return reverse("factchecks:detail", kwargs={"slug": claim.slug})
    except NoReverseMatch:
        # The public pages are not routed (e.g. an API-only deployment); keep the documented path.
        return f"/factchecks/{claim.slug}/"


def public_url(claim: Claim, *, request: HttpRequest | None = None) -> str:
    """The absolute URL of the public page: from the request if there is one, else the site URL."""
    path = public_path(claim)
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.FACTCHECK_SITE_URL}{path}"


def _date(value: dt.date | dt.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        # Published timestamps are aware (USE_TZ); the desk's calendar day is what readers see.
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value.isoformat()


def review_of(claim: Claim) -> Review | None:
    """The claim's verdict, or None if it has none (a reverse one-to-one raises instead)."""
    try:
        return claim.review
    except ObjectDoesNotExist:
        return None


def _claimant_json(claimant: Claimant) -> dict[str, Any]:
    is_person = claimant.kind == Claimant.Kind.PERSON
    data: dict[str, Any] = {"@type": "Person" if is_person else "Organization", "name": claimant.name}
    # schema.org has jobTitle on Person only.
    if is_person and claimant.job_title:
        data["jobTitle"] = claimant.job_title
    same_as = []
    if claimant.wikidata_id:
        same_as.append(WIKIDATA_ENTITY_URL.format(id=claimant.wikidata_id))
    if claimant.same_as_url and claimant.same_as_url not in same_as:
        same_as.append(claimant.same_as_url)
    if same_as:
        data["sameAs"] = same_as
    return data


def _creative_work(appearance: Appearance) -> dict[str, Any]:
    data: dict[str, Any] = {"@type": "CreativeWork", "url": appearance.source.url}
    when = _date(appearance.appeared_on)
    if when:
        data["datePublished"] = when
    return data


def _rating_json(review: Review, language: str) -> dict[str, Any] | None:
    rating = review.rating
    if rating is None:
        return None
    data: dict[str, Any] = {"@type": "Rating"}
    # Verdicts off the numeric scale ("Misleading", "Unproven") carry only their label.
    if rating.rating_value is not None:
        data["ratingValue"] = rating.rating_value
        data["bestRating"] = rating.best_rating
        data["worstRating"] = rating.worst_rating
    data["alternateName"] = rating.label_for(language)
    return data


def build_claimreview(claim: Claim, *, request: HttpRequest | None = None) -> dict:
    """The ClaimReview JSON-LD object for a published claim, ready for `json.dumps`.

    Optional values the desk has not recorded are left out rather than emitted empty.
    `sameAs` is always a list (schema.org allows several values).
    """
    review = review_of(claim)
    appearances = list(claim.appearances.all())

    item: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant is not None:
        item["author"] = _claimant_json(claim.claimant)
    claim_date = _date(claim.claim_date)
    if claim_date:
        item["datePublished"] = claim_date
    if appearances:
        item["appearance"] = [_creative_work(a) for a in appearances]
        first = next((a for a in appearances if a.is_first_appearance), None)
        if first is not None:
            item["firstAppearance"] = _creative_work(first)

    data: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": claim.claim_reviewed or claim.text,
    }
    if review is not None:
        rating = _rating_json(review, claim.language)
        if rating is not None:
            data["reviewRating"] = rating
    data["itemReviewed"] = item
    data["author"] = {
        "@type": "Organization",
        "name": settings.FACTCHECK_ORGANIZATION_NAME,
        "url": settings.FACTCHECK_ORGANIZATION_URL,
    }
    published = _date(review.published_at) if review is not None else None
    if published:
        data["datePublished"] = published
    corrections = _corrections(claim)
    if corrections:
        # Changes to a published fact-check are public: the latest date and every note.
        data["dateModified"] = _date(corrections[-1].created_at)
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.note, "datePublished": _date(c.created_at)} for c in corrections
        ]
    data["url"] = (review.published_url if review is not None else "") or public_url(claim, request=request)
    data["inLanguage"] = claim.language
    return data


def _corrections(claim: Claim) -> list[Any]:
    """The claim's corrections, oldest first, when the caller prefetched them (the selectors
    for public pages and API details do); a caller that did not gets none rather than a query."""
    cache = getattr(claim, "_prefetched_objects_cache", {})
    return list(cache["corrections"]) if "corrections" in cache else []
