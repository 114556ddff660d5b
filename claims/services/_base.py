"""Helpers shared by the service modules: permission checks, history attribution, slugs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from claims.exceptions import (
    PreconditionFailed,
    ServiceError,
    TransitionForbidden,
)
from claims.models import Appearance, Claim, Claimant
from claims.search import index_text
from claims.users import AuthUser, User


def _require(user: User, permission: str) -> AuthUser:
    """The caller, if signed in, active and holding the permission; TransitionForbidden otherwise."""
    if not (isinstance(user, AuthUser) and user.is_active and user.has_perm(permission)):
        raise TransitionForbidden(_("You do not have permission to do this."))
    return user


def _reject_unknown_fields(names: Iterable[str], allowed: frozenset[str]) -> None:
    unknown = set(names) - allowed
    if unknown:
        raise ServiceError(_("These fields cannot be changed here: %s") % ", ".join(sorted(unknown)))


def _person(user: User) -> AuthUser | None:
    """The user to record as author, creator or reviewer; None for anonymous and system callers."""
    return user if isinstance(user, AuthUser) and user.is_authenticated else None


def _mark_history_user(obj: Any, user: User) -> None:
    if _person(user) is not None:
        obj._history_user = user


def _mark_history_reason(obj: Any, reason: str) -> None:
    """The reason django-simple-history writes on the next history row of `obj`."""
    obj._change_reason = reason


_url_validator = URLValidator(schemes=["http", "https"])


# Letters that Unicode does not decompose into ASCII, so slugify would drop them:
# "nær" would become "nr". Transliterate them the way Nordic newsrooms do in URLs.
_SLUG_TRANSLIT = str.maketrans(
    {
        "æ": "ae",
        "Æ": "Ae",
        "ø": "o",
        "Ø": "O",
        "å": "a",
        "Å": "A",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
    }
)


def ascii_slug(text: str, *, fallback: str, max_length: int = 100) -> str:
    """An ASCII slug (SlugField's and the API schema's pattern) that keeps Nordic words readable."""
    return slugify(text.translate(_SLUG_TRANSLIT))[:max_length].strip("-") or fallback


def _unique_slug(model: Any, base: str, *, max_length: int | None) -> str:
    max_length = max_length or 50  # a SlugField's default
    base = (base or "item")[: max_length - 8].strip("-") or "item"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def claim_refresh_search(*, claim: Claim) -> None:
    """Recompute the denormalised text the full-text index reads (claimant, quotes, sources)
    and the folded, stemmed tokens search matches (wording included)."""
    claims_refresh_search(claims=[claim])


# Claims refreshed per pair of reads: keeps the IN lists well inside every database's limits.
_REFRESH_BATCH = 500


def claims_refresh_search(*, claims: Sequence[Claim]) -> None:
    """claim_refresh_search for many claims: two reads per batch, one write per changed claim."""
    for start in range(0, len(claims), _REFRESH_BATCH):
        _refresh_search_batch(claims[start : start + _REFRESH_BATCH])


def _refresh_search_batch(claims: Sequence[Claim]) -> None:
    claimant_ids = {c.claimant_id for c in claims if c.claimant_id}
    names = dict(Claimant.objects.filter(pk__in=claimant_ids).values_list("pk", "name")) if claimant_ids else {}
    texts: dict[int, list[str]] = defaultdict(list)
    # The model's ordering within each claim: the first appearance, then by date.
    for claim_id, quote, title, outlet in (
        Appearance.objects.filter(claim__in=[c.pk for c in claims])
        .order_by("claim_id", *(Appearance._meta.ordering or ()))
        .values_list("claim_id", "quote", "source__title", "source__outlet")
    ):
        texts[claim_id].extend(p for p in (quote, title, outlet) if p)
    for claim in claims:
        parts = [names[claim.claimant_id]] if claim.claimant_id else []
        extra = "\n".join(parts + texts[claim.pk])
        folded = index_text(claim.claim_reviewed, claim.text, extra)
        if extra != claim.search_extra or folded != claim.search_folded:
            Claim.objects.filter(pk=claim.pk).update_without_history(search_extra=extra, search_folded=folded)
            claim.search_extra, claim.search_folded = extra, folded


def _delete(obj: Any, user: User, permission: str) -> None:
    _require(user, permission)
    _mark_history_user(obj, user)
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError:
        raise PreconditionFailed(_("Other records still refer to this one, so it cannot be deleted.")) from None
