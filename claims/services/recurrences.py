"""Recurrences: stored from the watch engine's matches, confirmed or dismissed by the desk.

Confirming adds the article as an appearance of the claim (through `appearance_add`, so
the claim's history records it); dismissing keeps the row, so the same article is never
suggested for that claim again.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.exceptions import PreconditionFailed
from claims.models import Article, Claim, Recurrence
from claims.models.audit import history_copy
from claims.models.bulk import insert_returning_ids
from claims.services._base import User, _mark_history_user, _person, _require
from claims.services.claims import AppearanceInput, appearance_add
from claims.services.events import EventDraft, events_emit
from claims.watch import rescorer
from claims.watch.notifications import claim_admin_url
from claims.watch.recurrences import ClaimIndex, LiveClaim, Match, claim_text

# --- The live claims' index, rebuilt only when the live set changes ----------------------------

_CACHE: dict[str, Any] = {}
_CACHE_LOCK = threading.Lock()

# From this many live claims on, a rebuilt index is moved out of the cyclic collector's walks.
# Below it the index is small enough that walking it costs nothing worth a full collection.
GC_FREEZE_FROM = 1_000


def _live() -> Any:
    return Claim.objects.filter(status__in=workflow.LIVE_STATES)


def live_index() -> ClaimIndex:
    """The index of every live fact-check's claim; one aggregate query when nothing changed."""
    key = _live_state()
    with _CACHE_LOCK:
        if _CACHE.get("key") != key:
            rows = _live().values_list("pk", "claim_reviewed", "text", "language")
            _CACHE["index"] = ClaimIndex(LiveClaim(pk, claim_text(cr, t), lang) for pk, cr, t, lang in rows)
            _CACHE["key"] = key
            _keep_out_of_gc(len(_CACHE["index"].ids))
        return _CACHE["index"]


def _keep_out_of_gc(size: int) -> None:
    """Freeze what is alive now (the new index above all) out of the cyclic collector.

    A harvesting worker holds the live index (hundreds of thousands of containers at 10,000
    fact-checks) for as long as the live set stays the same, and every full collection walked
    all of it: 6.9% of the analysis on the harvest bench, most of it in those full walks.
    Freezing stops the walks; the memory of frozen objects is still freed by reference
    counting when they are dropped. Unfreezing and collecting first lets a replaced index, and
    any cycle frozen with it last time, be reclaimed, so nothing frozen piles up across rebuilds.
    """
    if size < GC_FREEZE_FROM:
        return
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _live_state() -> str:
    """How many live fact-checks there are and when the latest changed: a claim entering,
    leaving or changing in the live set moves one of the two. Read per analysed batch:
    COUNT(*), not COUNT(id), is answered from the (status, updated_at) index alone, 1.7 ms
    against a sequential scan's 8-11 ms at 20k claims (growing with the claims)."""
    state = _live().aggregate(n=Count("*"), last=Max("updated_at"))
    return f"{state['n']}|{state['last']}"


def _article_text(article: Article) -> str:
    return article.text or "\n".join(p for p in (article.title, article.summary) if p)


# --- Finding ------------------------------------------------------------------------------------


def recurrences_find_for_article(*, article: Article, index: ClaimIndex | None = None) -> list[Recurrence]:
    """Match one stored article against every live fact-check; store and announce new matches.

    A batch of articles passes the `live_index()` it read once at its start: the check
    that the live set is unchanged costs an aggregate over the claims, per call.
    """
    index = index if index is not None else live_index()
    matches = rescorer.match(index, _article_text(article), article.language, threshold=settings.RECURRENCE_THRESHOLD)
    # Most articles repeat nothing: no transaction for them.
    return recurrences_record(article=article, matches=matches) if matches else []


def recurrences_scan_claim(*, claim_id: int) -> list[Recurrence]:
    """Match a newly published claim against the articles stored in the lookback window."""
    claim = _live().filter(pk=claim_id).first()
    if claim is None:
        return []
    index = ClaimIndex([LiveClaim(claim.pk, claim_text(claim.claim_reviewed, claim.text), claim.language)])
    since = timezone.now() - dt.timedelta(days=settings.RECURRENCE_LOOKBACK_DAYS)
    found: list[Recurrence] = []
    articles = Article.objects.filter(created_at__gte=since).exclude(text="").defer("search_vector").order_by("id")
    for article in articles.iterator(chunk_size=500):
        matches = rescorer.match(
            index, _article_text(article), article.language, threshold=settings.RECURRENCE_THRESHOLD
        )
        if matches:
            found += recurrences_record(article=article, matches=matches)
    return found


def recurrence_payload(recurrence: Recurrence) -> dict[str, Any]:
    """The recurrence as the API shows it (also the webhook's `data.recurrence`)."""
    article = recurrence.article
    return {
        "id": recurrence.pk,
        "claim": recurrence.claim_id,
        "article": article.pk,
        "article_url": article.url,
        "article_title": article.title,
        "passage": recurrence.passage,
        "start": recurrence.start,
        "end": recurrence.end,
        "score": recurrence.score,
        "status": recurrence.status,
        "created_at": recurrence.created_at.isoformat(),
    }


@transaction.atomic
def recurrences_record(*, article: Article, matches: list[Match]) -> list[Recurrence]:
    """Store matches (an article already matched to a claim is left as it is); returns the new ones.

    One read of the article's existing recurrences and one insert of the new ones with one of
    their history rows, not a `get_or_create` and a history row per match: a harvested article
    that repeats fact-checks repeats several (bench/results/harvest_scale_corpus.md, session 19).
    Their events likewise: one insert and one task for all (session 20).
    """
    known = _recorded_claims(article, matches)
    fresh = [m for m in matches if m.claim_id not in known]
    if not fresh:
        return []
    created = [
        Recurrence(claim_id=m.claim_id, article=article, passage=m.passage, start=m.start, end=m.end, score=m.score)
        for m in fresh
    ]
    using = Recurrence.objects.db
    try:
        with transaction.atomic(using=using):
            ids = insert_returning_ids(created, using=using)
    except IntegrityError:
        # Another worker stored one of these pairs meanwhile (the unique constraint): theirs
        # stays, and the rest are stored one by one.
        return _record_each(article=article, matches=fresh)
    history_copy(Recurrence, ids, using=using)
    _announce(created, article)
    return created


def _recorded_claims(article: Article, matches: list[Match]) -> set[int]:
    """The claims among `matches` the article is already recorded for."""
    found = Recurrence.objects.filter(article=article, claim_id__in=[m.claim_id for m in matches])
    return set(found.values_list("claim_id", flat=True))


def _record_each(*, article: Article, matches: list[Match]) -> list[Recurrence]:
    created: list[Recurrence] = []
    for match in matches:
        recurrence, is_new = Recurrence.objects.get_or_create(
            claim_id=match.claim_id,
            article=article,
            defaults={"passage": match.passage, "start": match.start, "end": match.end, "score": match.score},
        )
        if is_new:
            created.append(recurrence)
    _announce(created, article)
    return created


def _announce(recurrences: list[Recurrence], article: Article) -> None:
    """An event for each new recurrence; the article's all in one insert and one task."""
    events_emit(
        events=[
            EventDraft(
                kind="recurrence.found",
                claim_id=recurrence.claim_id,
                data={
                    "article_title": article.title,
                    "article_url": article.url,
                    "url": claim_admin_url(recurrence.claim_id) + "#recurrences",
                    "recurrence": recurrence_payload(recurrence),
                },
                key=f"recurrence-{recurrence.pk}",
            )
            for recurrence in recurrences
        ]
    )


# --- Deciding -----------------------------------------------------------------------------------


def _decide(recurrence: Recurrence, user: User, status: str) -> Recurrence:
    recurrence.status = status
    recurrence.decided_by = _person(user)
    recurrence.decided_at = timezone.now()
    _mark_history_user(recurrence, user)
    recurrence.save(update_fields=["status", "decided_by", "decided_at"])
    return recurrence


@transaction.atomic
def recurrence_confirm(*, user: User, recurrence: Recurrence) -> Recurrence:
    """The article does repeat the claim: add it as an appearance (with history) and mark it confirmed."""
    _require(user, workflow.WORK)
    recurrence = Recurrence.objects.select_for_update().select_related("article", "claim").get(pk=recurrence.pk)
    if recurrence.status == Recurrence.Status.CONFIRMED:
        return recurrence
    if recurrence.status == Recurrence.Status.DISMISSED:
        raise PreconditionFailed(_("This recurrence was dismissed."))
    article = recurrence.article
    appearance_add(
        user=user,
        claim=recurrence.claim,
        item=AppearanceInput(
            url=article.url,
            quote=recurrence.passage[:5000],
            appeared_on=timezone.localdate(article.published_at) if article.published_at else None,
            title=article.title[:500],
            outlet=article.outlet[:200],
        ),
    )
    return _decide(recurrence, user, Recurrence.Status.CONFIRMED)


@transaction.atomic
def recurrence_dismiss(*, user: User, recurrence: Recurrence) -> Recurrence:
    """The article does not repeat the claim; kept, so it is not suggested again."""
    _require(user, workflow.WORK)
    recurrence = Recurrence.objects.select_for_update().get(pk=recurrence.pk)
    if recurrence.status == Recurrence.Status.DISMISSED:
        return recurrence
    if recurrence.status == Recurrence.Status.CONFIRMED:
        raise PreconditionFailed(_("This recurrence was confirmed; remove the appearance instead."))
    return _decide(recurrence, user, Recurrence.Status.DISMISSED)
