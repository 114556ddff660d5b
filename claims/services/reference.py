"""Claimants, sources, tags and the rating scale: the reference data claims point to."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from claims.exceptions import (
    ServiceError,
)
from claims.models import Claim, Claimant, Rating, Source, Tag
from claims.services._base import (
    User,
    _mark_history_user,
    _reject_unknown_fields,
    _require,
    _unique_slug,
    _url_validator,
    ascii_slug,
    claims_refresh_search,
)
from claims.urlnorm import normalize_url, url_variants

# --- Claimants, sources, tags ------------------------------------------------------------


def claimant_for_name(*, name: str, kind: str = Claimant.Kind.PERSON, **fields: Any) -> Claimant:
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


def source_for_url(*, url: str, **fields: Any) -> Source:
    """The source for this URL after normalisation; new metadata fills only empty fields."""
    _url_validator(url)
    normalized = normalize_url(url)
    # The same page pasted as http/https, with or without "www." or a trailing slash is the
    # source already stored, not a new one.
    existing = Source.objects.filter(url__in=url_variants(url)).order_by("id").first()
    if existing is not None and existing.url != normalized:
        source, created = existing, False
    else:
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


def tags_get_or_create(*, names: Iterable[str]) -> list[Tag]:
    tags = []
    for raw in names:
        name = " ".join(str(raw).split())[:60]
        if not name:
            continue
        slug = ascii_slug(name, fallback="tag", max_length=60)
        tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.filter(slug=slug).first()
        if tag is None:
            tag = Tag.objects.create(name=name, slug=_unique_slug(Tag, slug, max_length=70))
        tags.append(tag)
    return tags


# --- Reference data and deletions (the REST API's resource endpoints) -------------------------


def _save_fields(obj: Any, user: User, data: dict[str, Any], *, allowed: frozenset[str]) -> Any:
    _reject_unknown_fields(data, allowed)
    for key, value in data.items():
        setattr(obj, key, value)
    obj.full_clean()
    _mark_history_user(obj, user)
    obj.save()
    return obj


CLAIMANT_FIELDS = frozenset({"name", "kind", "job_title", "description", "wikidata_id", "same_as_url"})
SOURCE_FIELDS = frozenset({"title", "outlet", "author", "published_at", "language"})
RATING_FIELDS = frozenset(
    {"slug", "label_en", "label_nb", "explanation_en", "explanation_nb", "rating_value", "best_rating"}
    | {"worst_rating", "order", "is_active"}
)


def claimant_get_or_create(*, user: User, name: str, **fields: Any) -> Claimant:
    """The claimant with this name if the desk has one (fields ignored), else a new one; needs add_claimant."""
    _require(user, "claims.add_claimant")
    return claimant_for_name(name=name, **fields)


@transaction.atomic
def claimant_update(*, claimant: Claimant, user: User, data: dict[str, Any]) -> Claimant:
    """Edit a claimant; a new name is carried into the search text of their claims."""
    _require(user, "claims.change_claimant")
    renamed = "name" in data and data["name"] != claimant.name
    _save_fields(claimant, user, data, allowed=CLAIMANT_FIELDS)
    if renamed:
        claims = Claim.objects.filter(claimant=claimant).only(
            "pk", "claimant_id", "text", "claim_reviewed", "search_extra", "search_folded"
        )
        claims_refresh_search(claims=list(claims))
    return claimant


def source_get_or_create(*, user: User, url: str, **fields: Any) -> Source:
    """The source for this URL if the desk has one (new metadata fills its empty fields), else a
    new one; needs add_source."""
    _require(user, "claims.add_source")
    return source_for_url(url=url, **fields)


@transaction.atomic
def source_update(*, source: Source, user: User, data: dict[str, Any]) -> Source:
    _require(user, "claims.change_source")
    return _save_fields(source, user, data, allowed=SOURCE_FIELDS)


@transaction.atomic
def rating_save(*, user: User, data: dict[str, Any], rating: Rating | None = None) -> Rating:
    """Add a step to the desk's rating scale or change one; retire a step with is_active=False."""
    _require(user, "claims.change_rating" if rating else "claims.add_rating")
    return _save_fields(rating or Rating(), user, data, allowed=RATING_FIELDS)
