"""Shapes of the Google Fact Check Tools API (v1alpha1): validation, the OpenAPI schema, responses.

Field names are Google's (camelCase) so existing clients work unchanged. Request bodies are
validated strictly: unknown fields, wrong types, over-long text, bad URLs and bad dates are
400 errors, at every level of nesting. Responses are built by `claims.api.google` and
described here; optional values the desk has not recorded are left out, as Google does.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from claims import selectors, services
from claims.api import fields
from claims.api.fields import StrictCharField, StrictURLField
from claims.claimreview import WIKIDATA_ENTITY_URL, public_url, review_of
from claims.models import Claim, Claimant, ClaimReviewPage, Review

MAX_MARKUPS = 100
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10

# Google takes any BCP-47 tag ("en-US", "sr-Latn"); only the language subtag is used.
_LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_HOST_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"^{_HOST_LABEL}(\.{_HOST_LABEL})*$")


def _field_max(model: Any, name: str) -> int:
    return model._meta.get_field(name).max_length


@extend_schema_field(OpenApiTypes.DATE)
class FlexibleDateField(StrictCharField):
    """A calendar date, given as "2022-01-21" or as an RFC 3339 timestamp (its own date is kept)."""

    default_error_messages = {"invalid": _("Enter a date such as “2022-01-21”.")}

    def to_internal_value(self, data: Any) -> dt.date | None:  # type: ignore[override]
        text = super().to_internal_value(data).strip()
        if not text:
            return None
        if len(text) > 40:
            self.fail("invalid")
        try:
            parsed = parse_date(text) or parse_datetime(text)
        except ValueError:  # well-formed but impossible, e.g. 2022-02-30
            parsed = None
        if parsed is None:
            self.fail("invalid")
        value = parsed.date() if isinstance(parsed, dt.datetime) else parsed
        if not 1 <= value.year <= 9999:
            self.fail("invalid")
        return value


class StrictSerializer(fields.StrictSerializer):
    """Refuses fields it does not know, as Google's API does ("Unknown name …")."""

    unknown_field_message = _("Unknown field.")


def _text(max_length: int, **kwargs: Any) -> StrictCharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return StrictCharField(max_length=max_length, **kwargs)


def _url(**kwargs: Any) -> StrictURLField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return StrictURLField(**kwargs)


# --- claims:search -------------------------------------------------------------------------------


class GooglePublisherSerializer(serializers.Serializer):
    """The organisation that published a fact-check: the desk itself."""

    name = serializers.CharField(required=False)
    site = serializers.CharField(required=False, help_text=_("Host name, e.g. “factcheck.example.org”."))


class GoogleClaimReviewSerializer(serializers.Serializer):
    """One fact-check of a claim, as Google's search lists it."""

    publisher = GooglePublisherSerializer(required=False)
    url = serializers.URLField(required=False)
    title = serializers.CharField(required=False)
    reviewDate = serializers.DateTimeField(required=False)
    textualRating = serializers.CharField(required=False)
    languageCode = serializers.CharField(required=False)


class GoogleClaimSerializer(serializers.Serializer):
    """A published claim with its fact-check."""

    text = serializers.CharField(required=False)
    claimant = serializers.CharField(required=False)
    claimDate = serializers.DateTimeField(required=False)
    claimReview = GoogleClaimReviewSerializer(many=True, required=False)


class GoogleClaimSearchResponseSerializer(serializers.Serializer):
    claims = GoogleClaimSerializer(many=True, required=False)
    nextPageToken = serializers.CharField(
        required=False, help_text=_("Pass as pageToken to get the next page; absent on the last page.")
    )


class _PagingParams(serializers.Serializer):
    pageSize = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_PAGE_SIZE,
        help_text=_("Results per page; 0 or absent means 10."),
    )
    pageToken = _text(
        1000, help_text=_("The nextPageToken of the previous page; the other parameters must not change.")
    )
    offset = serializers.IntegerField(
        required=False, min_value=0, max_value=100_000, help_text=_("Results to skip; ignored with a pageToken.")
    )

    def validate_pageSize(self, value: int) -> int:
        return value or DEFAULT_PAGE_SIZE


def _clean_site(value: str) -> str:
    """A host name from "example.org", "www.example.org" or "https://example.org/…"."""
    value = value.strip().lower()
    if "://" in value:
        value = urlsplit(value).hostname or ""
    value = value.rstrip(".")
    if value and (len(value) > 253 or not _HOST.match(value)):
        raise serializers.ValidationError(_("Enter a host name such as “example.org”."))
    return value


class GoogleClaimSearchParamsSerializer(_PagingParams):
    query = _text(500, help_text=_("Words to search for; required unless reviewPublisherSiteFilter is given."))
    languageCode = _text(35, help_text=_("BCP-47 code such as “nb” or “en-US”; the region is not considered."))
    reviewPublisherSiteFilter = _text(300, help_text=_("Only fact-checks published on this site, e.g. “example.org”."))
    maxAgeDays = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=36_500,
        help_text=_("Only claims made or reviewed within this many days."),
    )
    key = _text(200, help_text=_("An API key, as Google's clients send it; accepted and ignored."))

    def validate_languageCode(self, value: str) -> str:
        value = value.strip()
        if value and not _LANGUAGE_CODE.match(value):
            raise serializers.ValidationError(_("Enter a BCP-47 language code such as “nb” or “en-US”."))
        return value

    def validate_reviewPublisherSiteFilter(self, value: str) -> str:
        return _clean_site(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("query", "").strip() and not attrs.get("reviewPublisherSiteFilter"):
            raise serializers.ValidationError(
                {"query": [_("Give a query, a reviewPublisherSiteFilter, or both.")]}, code="required"
            )
        return attrs


# --- pages ---------------------------------------------------------------------------------------


class GoogleClaimReviewAuthorSerializer(StrictSerializer):
    """Who wrote the fact-check."""

    name = _text(_field_max(ClaimReviewPage, "author_name"))
    imageUrl = _url()


class GoogleClaimAuthorSerializer(StrictSerializer):
    """Who made the claim; found or created as a claimant by name. imageUrl is accepted but not kept."""

    name = _text(_field_max(Claimant, "name"))
    jobTitle = _text(_field_max(Claimant, "job_title"))
    imageUrl = _url()
    sameAs = _url(max_length=_field_max(Claimant, "same_as_url"))


class GoogleClaimRatingSerializer(StrictSerializer):
    """The verdict. It must name a rating on the desk's scale: by label (English or Norwegian) or slug,
    or by ratingValue (rescaled from bestRating/worstRating when they are not 5 and 1).
    imageUrl is accepted but not kept."""

    textualRating = _text(80)
    ratingValue = serializers.IntegerField(required=False, min_value=-1_000_000, max_value=1_000_000)
    bestRating = serializers.IntegerField(required=False, min_value=-1_000_000, max_value=1_000_000)
    worstRating = serializers.IntegerField(required=False, min_value=-1_000_000, max_value=1_000_000)
    ratingExplanation = _text(10_000)
    imageUrl = _url()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        textual = attrs.get("textualRating", "").strip()
        value = attrs.get("ratingValue")
        if not textual and value is None:
            raise serializers.ValidationError(
                {"textualRating": [_("Give a textualRating or a ratingValue.")]}, code="required"
            )
        rating, language = selectors.rating_for_markup(
            textual=textual, value=value, best=attrs.get("bestRating"), worst=attrs.get("worstRating")
        )
        if rating is None:
            labels = ", ".join(selectors.rating_labels())
            field = "textualRating" if textual else "ratingValue"
            raise serializers.ValidationError(
                {field: [_("No rating on the desk's scale matches this. Use one of: %(labels)s.") % {"labels": labels}]}
            )
        attrs["desk_rating"] = rating
        attrs["language"] = language
        return attrs


class GoogleClaimReviewMarkupSerializer(StrictSerializer):
    """One ClaimReview on the page: it becomes one published claim with its verdict."""

    claimReviewed = StrictCharField(
        max_length=_field_max(Claim, "text"),
        help_text=_("The claim as checked (stored as the claim's text)."),
    )
    claimDate = FlexibleDateField(required=False, allow_blank=True)
    claimLocation = _text(_field_max(Claim, "location"))
    claimFirstAppearance = _url()
    claimAppearances = serializers.ListField(child=StrictURLField(), required=False, max_length=50)
    claimAuthor = GoogleClaimAuthorSerializer(required=False)
    rating = GoogleClaimRatingSerializer()
    url = _url(help_text=_("The fact-check's own URL; defaults to the page URL."))

    def validate_claimReviewed(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError(_("This field may not be blank."), code="blank")
        return value


class GoogleClaimReviewMarkupPageSerializer(StrictSerializer):
    """A page with ClaimReview markup (Google's ClaimReviewMarkupPage), as created and replaced."""

    name = _text(40, help_text=_("“pages/{id}”; set by the server. On update it must name the page being updated."))
    pageUrl = StrictURLField(max_length=_field_max(ClaimReviewPage, "page_url"))
    publishDate = FlexibleDateField(required=False, allow_blank=True)
    versionId = _text(
        20, help_text=_("Set by the server. Sent back on update, the update fails (409) if the page changed since.")
    )
    claimReviewAuthor = GoogleClaimReviewAuthorSerializer(required=False)
    claimReviewMarkups = GoogleClaimReviewMarkupSerializer(many=True, allow_empty=False, max_length=MAX_MARKUPS)  # type: ignore[call-arg]

    def validate_versionId(self, value: str) -> int | None:
        value = value.strip()
        if not value:
            return None
        if not value.isascii() or not value.isdigit() or len(value) > 9:
            raise serializers.ValidationError(_("Send back the versionId the page was read with."))
        return int(value)


class GoogleClaimReviewMarkupPagePatchSerializer(GoogleClaimReviewMarkupPageSerializer):
    """The same page for a partial update: only the fields present (or named in updateMask) change."""

    pageUrl = StrictURLField(max_length=_field_max(ClaimReviewPage, "page_url"), required=False)
    claimReviewMarkups = GoogleClaimReviewMarkupSerializer(
        many=True,
        allow_empty=False,
        max_length=MAX_MARKUPS,
        required=False,  # type: ignore[call-arg]
    )


class GoogleListPagesResponseSerializer(serializers.Serializer):
    claimReviewMarkupPages = GoogleClaimReviewMarkupPageSerializer(many=True, required=False)
    nextPageToken = serializers.CharField(required=False)


class GoogleListPagesParamsSerializer(_PagingParams):
    url = _url(help_text=_("The page whose markup to return (at most one result)."))
    organization = _text(300, help_text=_("Only pages on this site, e.g. “example.org”."))

    def validate_organization(self, value: str) -> str:
        return _clean_site(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("url") and attrs.get("organization"):
            raise serializers.ValidationError({"organization": [_("Give a url or an organization, not both.")]})
        return attrs


# Google's update mask paths and the page fields (of the service) they stand for.
UPDATE_MASK_PATHS: dict[str, frozenset[str]] = {
    "pageUrl": frozenset({"page_url"}),
    "publishDate": frozenset({"publish_date"}),
    "claimReviewAuthor": frozenset({"author_name", "author_image_url"}),
    "claimReviewAuthor.name": frozenset({"author_name"}),
    "claimReviewAuthor.imageUrl": frozenset({"author_image_url"}),
    "claimReviewMarkups": frozenset({"markups"}),
}


class GoogleUpdateParamsSerializer(serializers.Serializer):
    updateMask = _text(
        500,
        help_text=_(
            "Comma-separated fields to change, e.g. “publishDate,claimReviewAuthor.name”; “*” for all. "
            "Without it, the fields present in the body change."
        ),
    )

    def validate_updateMask(self, value: str) -> str:
        paths = [p.strip() for p in value.split(",") if p.strip()]
        unknown = [p for p in paths if p != "*" and p not in UPDATE_MASK_PATHS]
        if unknown:
            raise serializers.ValidationError(_("Unknown field path(s): %(paths)s.") % {"paths": ", ".join(unknown)})
        return ",".join(paths)


class GoogleEmptySerializer(serializers.Serializer):
    """Google's empty message, returned by delete."""


# --- Responses and service inputs ---------------------------------------------------------------
#
# Built by hand rather than by serializers: they read only what the selectors loaded (fixed
# queries) and leave out what the desk has not recorded, as Google does.


def _timestamp(value: Any) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def claim_json(claim: Claim, *, request: Request) -> dict[str, Any]:
    """A published claim as Google's search returns it; reads only what the selector joined."""
    data: dict[str, Any] = {"text": claim.text}
    if claim.claimant is not None:
        data["claimant"] = claim.claimant.name
    if claim.claim_date:
        data["claimDate"] = f"{claim.claim_date.isoformat()}T00:00:00Z"
    review = review_of(claim)
    reviews = []
    if review is not None:
        item: dict[str, Any] = {
            "publisher": {"name": settings.FACTCHECK_ORGANIZATION_NAME, "site": selectors.desk_site()},
            "url": review.published_url or public_url(claim, request=request),
        }
        title = review.headline or claim.claim_reviewed
        if title:
            item["title"] = title
        if review.published_at or claim.published_at:
            item["reviewDate"] = _timestamp(review.published_at or claim.published_at)
        if review.rating is not None:
            item["textualRating"] = review.rating.label_for(claim.language)
        item["languageCode"] = claim.language
        reviews.append(item)
    data["claimReview"] = reviews
    return data


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def markup_json(review: Review) -> dict[str, Any]:
    claim = review.claim
    appearances = list(claim.appearances.all())
    first = next((a for a in appearances if a.is_first_appearance), None)
    claimant = claim.claimant
    rating = review.rating
    rating_data: dict[str, Any] = {}
    if rating is not None:
        rating_data["textualRating"] = rating.label_for(claim.language)
        if rating.rating_value is not None:
            rating_data.update(
                ratingValue=rating.rating_value, bestRating=rating.best_rating, worstRating=rating.worst_rating
            )
    rating_data["ratingExplanation"] = review.rationale
    author = None
    if claimant is not None:
        same_as = claimant.same_as_url or (
            WIKIDATA_ENTITY_URL.format(id=claimant.wikidata_id) if claimant.wikidata_id else ""
        )
        author = _compact({"name": claimant.name, "jobTitle": claimant.job_title, "sameAs": same_as})
    return _compact(
        {
            "claimReviewed": claim.claim_reviewed or claim.text,
            "claimDate": claim.claim_date.isoformat() if claim.claim_date else None,
            "claimLocation": claim.location,
            "claimFirstAppearance": first.source.url if first else None,
            "claimAppearances": [a.source.url for a in appearances if a is not first],
            "claimAuthor": author,
            "rating": _compact(rating_data),
            "url": review.published_url,
        }
    )


def page_json(page: ClaimReviewPage) -> dict[str, Any]:
    """A page in Google's ClaimReviewMarkupPage shape; reads only what `selectors.markup_pages` prefetched."""
    return _compact(
        {
            "name": f"pages/{page.pk}",
            "pageUrl": page.page_url,
            "publishDate": page.publish_date.isoformat() if page.publish_date else None,
            "versionId": str(page.version),
            "claimReviewAuthor": _compact({"name": page.author_name, "imageUrl": page.author_image_url}),
            "claimReviewMarkups": [markup_json(review) for review in page.reviews.all()],
        }
    )


def markup_input(data: dict[str, Any]) -> services.MarkupInput:
    author = data.get("claimAuthor") or {}
    rating = data["rating"]
    return services.MarkupInput(
        claim_reviewed=data["claimReviewed"],
        rating=rating["desk_rating"],
        rating_explanation=rating.get("ratingExplanation", "").strip(),
        language=rating["language"],
        url=data.get("url", ""),
        claim_date=data.get("claimDate") or None,
        location=data.get("claimLocation", "").strip(),
        author_name=author.get("name", "").strip(),
        author_job_title=author.get("jobTitle", "").strip(),
        author_same_as=author.get("sameAs", ""),
        first_appearance=data.get("claimFirstAppearance", ""),
        appearances=tuple(data.get("claimAppearances", ())),
    )


def page_input(data: dict[str, Any]) -> services.MarkupPageInput:
    author = data.get("claimReviewAuthor") or {}
    return services.MarkupPageInput(
        page_url=data.get("pageUrl", ""),
        publish_date=data.get("publishDate") or None,
        author_name=author.get("name", "").strip(),
        author_image_url=author.get("imageUrl", ""),
        markups=tuple(markup_input(m) for m in data.get("claimReviewMarkups", ())),
    )
