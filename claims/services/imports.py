"""Imports of other desks' ClaimReviews and of claim spreadsheets, as jobs with a row report.

An item is keyed by the review's URL with the claim it reviews, or, without a URL, by the
claim text + claimant + date (ImportRecord); importing the same item again is `skipped`
("unchanged") or `updated`. Another desk's verdict becomes an ExternalReview beside the
claim, never the desk's own; a CSV `verdict` becomes the desk's draft verdict, never
published. A dry run does the whole import in a transaction that is rolled back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import workflow
from claims.discovery import http
from claims.exceptions import ServiceError
from claims.intake import claimreview_import as cr
from claims.intake import csv_import
from claims.intake.language import detect as language_detect
from claims.intake.matching import closest_match
from claims.intake.tips import normalize_text
from claims.models import (
    Appearance,
    CandidateClaim,
    Claim,
    ExternalReview,
    ImportJob,
    ImportRecord,
    Rating,
    RatingMapping,
)
from claims.services._base import AuthUser, User, _require, _url_validator
from claims.services._queue import enqueue_on_commit
from claims.services.claims import AppearanceInput, appearance_add, claim_create, claim_update, review_save
from claims.urlnorm import normalize_url

logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 20 * 1024 * 1024  # 20 MiB
PROGRESS_EVERY = 20  # a running job's counts are written every this many items
PROGRESS_SECONDS = 2.0  # … or this often, whichever comes first


class ImportTooLarge(ServiceError):
    """The file is over MAX_IMPORT_BYTES (HTTP 413)."""


class ImportRefused(ServiceError):
    """The import cannot start: a bad or refused URL, no input (HTTP 400)."""


def _enqueue_run(job_id: int) -> None:
    enqueue_on_commit("claims.tasks.run_import", job_id)


def check_import_url(url: str) -> str:
    """The URL if it may be fetched; ImportRefused at once when the fetch rules refuse its host."""
    url = url.strip()
    try:
        _url_validator(url)
    except ValidationError:
        raise ImportRefused(_("Enter a web address starting with http:// or https://.")) from None
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        http.Fetcher().pin(url, parts.hostname or "", port, timeout=float(settings.FETCH_CONNECT_TIMEOUT))
    except http.RefusedAddress as exc:
        raise ImportRefused(str(exc)) from None
    except http.InvalidURL as exc:
        raise ImportRefused(str(exc)) from None
    except http.FetchError:
        pass  # an unknown or slow host fails the job, with the reason, when it runs
    return url


@transaction.atomic
def import_job_create(
    *,
    user: User,
    url: str = "",
    content: bytes | None = None,
    filename: str = "",
    dry_run: bool = False,
    atomic: bool = False,
) -> ImportJob:
    """Queue an import of a file or a URL (editors)."""
    _require(user, workflow.PUBLISH)
    assert isinstance(user, AuthUser)  # _require let only a signed-in editor through
    if bool(url) == (content is not None):
        raise ImportRefused(_("Give either a file or a URL."))
    if content is not None and len(content) > MAX_IMPORT_BYTES:
        raise ImportTooLarge(_("The file is larger than 20 MiB."))
    if url:
        url = check_import_url(url)
    job = ImportJob.objects.create(
        source_url=url,
        filename=filename[:255],
        payload=content,
        dry_run=dry_run,
        atomic=atomic,
        created_by=user,
    )
    _enqueue_run(job.pk)
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, user: User) -> ImportJob:
    """Run for real what a dry run previewed (the same file or URL, the same options)."""
    _require(user, workflow.PUBLISH)
    if not job.dry_run or job.status != ImportJob.Status.DONE:
        raise ImportRefused(_("Only a finished dry run can be confirmed."))
    return import_job_create(
        user=user,
        url=job.source_url,
        content=bytes(job.payload) if job.payload is not None else None,
        filename=job.filename,
        dry_run=False,
        atomic=job.atomic,
    )


# --- Reading ---------------------------------------------------------------------------------


def _read(job: ImportJob) -> tuple[str, list[cr.ImportItem]]:
    if job.source_url:
        result = http.fetch(job.source_url, accept=None, max_bytes=MAX_IMPORT_BYTES)
        content, kind = result.content, result.content_type
        if kind in http.HTML_TYPES or (not kind and content.lstrip()[:1] == b"<"):
            return "page", cr.items_from_html(result.text(), url=result.final_url)
        return cr.items_from_json(content)
    content = bytes(job.payload or b"")
    name = job.filename.lower()
    if name.endswith(".csv") or (not name.endswith((".json", ".jsonld")) and content.lstrip()[:1] not in (b"{", b"[")):
        return "csv", csv_import.items_from_csv(content)
    return cr.items_from_json(content)


# --- Applying ---------------------------------------------------------------------------------


def _key(item: cr.ImportItem) -> str:
    if item.review and item.review.url:
        raw = f"review|{normalize_url(item.review.url)}|{normalize_text(item.claim_text)}"
    else:
        raw = f"claim|{item.claim_text.strip().casefold()}|{item.claimant.strip().casefold()}|{item.claim_date}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _content_hash(item: cr.ImportItem) -> str:
    data = asdict(item)
    data.pop("position")
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


class RatingTable:
    """The rating-text mapping, read once per job, compared case-insensitively."""

    def __init__(self) -> None:
        self.by_text = {
            " ".join(m.text.casefold().split()): m.rating for m in RatingMapping.objects.select_related("rating")
        }

    def get(self, text: str) -> Rating | None:
        return self.by_text.get(" ".join(text.casefold().split()))


def _existing_claim(item: cr.ImportItem) -> tuple[Claim | None, str]:
    urls = [normalize_url(u) for u in item.appearance_urls]
    if urls:
        appearance = Appearance.objects.filter(source__url__in=urls).select_related("claim").first()
        if appearance is not None:
            return appearance.claim, _("same appearance URL as claim #%(id)d") % {"id": appearance.claim_id}
    match = closest_match(item.claim_text, item.language)
    if match is None:
        return None, ""
    values: dict[str, Any] = {"id": match.claim.pk, "score": match.score}
    if match.review is not None:
        values["publisher"] = match.review.publisher or match.review.url
        return match.claim, _(
            "the duplicate finder matched claim #%(id)d through %(publisher)s's wording of it (%(score).2f)"
        ) % values
    return match.claim, _("the duplicate finder matched claim #%(id)d (%(score).2f)") % values


def _review_fields(item: cr.ImportItem, table: RatingTable) -> dict[str, Any]:
    review = item.review
    assert review is not None
    rating = table.get(review.rating_text) if review.rating_text else None
    return {
        "publisher": review.publisher[:200],
        "publisher_url": review.publisher_url[:2000],
        "url": review.url[:2000],
        "claim_reviewed": item.claim_text,
        "rating_text": review.rating_text[:300],
        "rating_value": review.rating_value,
        "best_rating": review.best_rating,
        "worst_rating": review.worst_rating,
        "rating": rating,
        "rating_unmapped": bool(review.rating_text) and rating is None,
        "date": review.date,
        "language": review.language[:35],
    }


def _flag(text: str) -> str:
    return _("rating text “%(text)s” is not in the mapping table: kept and flagged") % {"text": text}


def _apply_item(item: cr.ImportItem, *, user: User, table: RatingTable) -> dict[str, Any]:
    """Import one item; returns its row of the report (without the position)."""
    if item.error:
        return {"action": "failed", "reason": item.error}
    # A ClaimReview without inLanguage: the claim's own words say which language it is in
    # (compared as the desk's default language, a Norwegian claim met too few of its words).
    item.language = item.language or language_detect(item.claim_text, default=settings.LANGUAGE_CODE)
    key, digest = _key(item), _content_hash(item)
    record = ImportRecord.objects.select_for_update().filter(key=key).select_related("claim").first()
    if record is not None and record.content_hash == digest:
        return {"action": "skipped", "reason": _("unchanged"), "claim": record.claim_id}
    notes: list[str] = []
    verdict = table.get(item.verdict_text) if item.verdict_text else None
    if item.verdict_text and verdict is None:
        notes.append(_flag(item.verdict_text))
    if record is None:
        claim, why = _existing_claim(item)
        if claim is None:
            claim = claim_create(
                user=user,
                text=item.claim_text,
                language=item.language,
                claimant=item.claimant or None,
                claim_date=item.claim_date,
                appearances=[AppearanceInput(url=u) for u in item.appearance_urls],
                tags=item.tags,
            )
            notes.insert(0, _("new claim"))
        else:
            notes.insert(0, why)
            _add_appearances(claim, item, user)
        external = None
        if item.review is not None:
            fields = _review_fields(item, table)
            external = ExternalReview.objects.create(claim=claim, **fields)
            # Open candidates already tracking this claim now say who checked it.
            CandidateClaim.objects.filter(
                claim=claim, external_review__isnull=True, status__in=CandidateClaim.OPEN
            ).update(external_review=external)
            if fields["rating_unmapped"]:
                notes.append(_flag(item.review.rating_text))
        if verdict is not None:
            review_save(claim=claim, user=user, rating=verdict)
        ImportRecord.objects.create(key=key, content_hash=digest, claim=claim, external_review=external)
        return {"action": "created", "reason": "; ".join(notes), "claim": claim.pk}
    claim = record.claim
    if record.external_review_id and item.review is not None:
        fields = _review_fields(item, table)
        ExternalReview.objects.filter(pk=record.external_review_id).update(**fields, updated_at=timezone.now())
        if fields["rating_unmapped"]:
            notes.append(_flag(item.review.rating_text))
    else:
        data = {"language": item.language}
        claim_update(claim=claim, user=user, data=data, tags=item.tags or None)
        _add_appearances(claim, item, user)
        if verdict is not None and claim.status not in workflow.LIVE_STATES:
            review_save(claim=claim, user=user, rating=verdict)
    record.content_hash = digest
    record.save(update_fields=["content_hash", "updated_at"])
    return {"action": "updated", "reason": "; ".join([_("changed since the last import"), *notes]), "claim": claim.pk}


def _add_appearances(claim: Claim, item: cr.ImportItem, user: User) -> None:
    known = set(Appearance.objects.filter(claim=claim).values_list("source__url", flat=True))
    for url in item.appearance_urls:
        if normalize_url(url) not in known:
            appearance_add(user=user, claim=claim, item=AppearanceInput(url=url))


class _Rollback(Exception):
    """Raised to undo a dry run or a failed atomic import."""


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ServiceError):
        return " ".join(str(e) for e in exc.errors)
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


class _Progress:
    """Writes a running job's counts so far (processed, created, …) every PROGRESS_EVERY
    items or PROGRESS_SECONDS, so `GET /api/v1/imports/{id}/` and the admin follow along.

    A plain run commits each item, so the job row is updated on the same connection. A dry
    run or an all-or-nothing run works inside one transaction that may be rolled back: an
    update there would be invisible until the end (and undone with a dry run), so on
    PostgreSQL it goes through a second connection of its own, committed at once. The
    running transaction never touches the job row, so the two cannot wait on each other.
    SQLite lets one transaction write at a time: there such a run reports its counts when
    it ends.
    """

    def __init__(self, job: ImportJob, *, in_transaction: bool) -> None:
        self.job_id = job.pk
        self.in_transaction = in_transaction
        self.side: Any = None
        self.last = time.monotonic()

    def maybe_write(self, done: int, rows: list[dict[str, Any]], *, last: bool = False) -> None:
        if not (last or done % PROGRESS_EVERY == 0 or time.monotonic() - self.last >= PROGRESS_SECONDS):
            return
        self.last = time.monotonic()
        self.write({"processed": done, **_counts(rows)})

    def write(self, values: dict[str, int]) -> None:
        if not self.in_transaction:
            ImportJob.objects.filter(pk=self.job_id).update(**values)
        elif connection.vendor == "postgresql":
            self._write_aside(values)

    def _write_aside(self, values: dict[str, int]) -> None:
        if self.side is None:
            self.side = connections.create_connection(DEFAULT_DB_ALIAS)
        ops = self.side.ops
        assignments = ", ".join(f"{ops.quote_name(name)} = %s" for name in values)
        # Table and column names are the model's own, quoted; the values are parameters.
        sql = f"UPDATE {ops.quote_name(ImportJob._meta.db_table)} SET {assignments} WHERE id = %s"  # noqa: S608
        with self.side.cursor() as cursor:  # autocommit: visible to everyone at once
            cursor.execute(sql, [*values.values(), self.job_id])

    def close(self) -> None:
        if self.side is not None:
            self.side.close()
            self.side = None


def _counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {a: sum(1 for r in rows if r["action"] == a) for a in ("created", "updated", "skipped", "failed")}


def _run_items(job: ImportJob, items: list[cr.ImportItem], position_key: str) -> list[dict[str, Any]]:
    table = RatingTable()
    user = job.created_by
    rows: list[dict[str, Any]] = []
    progress = _Progress(job, in_transaction=job.dry_run or job.atomic)
    try:
        for n, item in enumerate(items, start=1):
            try:
                with transaction.atomic():
                    row = _apply_item(item, user=user, table=table)
            except (ServiceError, ValidationError, IntegrityError, ValueError) as exc:
                row = {"action": "failed", "reason": _error_text(exc)}
            rows.append({position_key: item.position, "claim": None, **row})
            progress.maybe_write(n, rows, last=n == len(items))
    finally:
        progress.close()
    return rows


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run a queued import (the worker calls this); a job already taken is left alone."""
    now = timezone.now()
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now
    ):
        return ImportJob.objects.filter(pk=job_id).first()
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        job.format, items = _read(job)
    except http.FetchError as exc:
        return _finish(job, status=ImportJob.Status.FAILED, error=str(exc))
    except (ValueError, csv_import.CSVError) as exc:
        return _finish(job, status=ImportJob.Status.FAILED, error=_("The file cannot be read: %(e)s") % {"e": exc})
    position_key = "line" if job.format == "csv" else "item"
    ImportJob.objects.filter(pk=job.pk).update(format=job.format, total=len(items))
    rows: list[dict[str, Any]] = []
    try:
        with transaction.atomic():
            rows = _run_items(job, items, position_key) if (job.dry_run or job.atomic) else []
            if job.dry_run or (job.atomic and any(r["action"] == "failed" for r in rows)):
                raise _Rollback
    except _Rollback:
        pass
    if not (job.dry_run or job.atomic):
        rows = _run_items(job, items, position_key)
    counts = _counts(rows)
    if job.atomic and not job.dry_run and counts["failed"]:
        return _finish(
            job,
            status=ImportJob.Status.FAILED,
            rows=rows,
            counts={"created": 0, "updated": 0, "skipped": 0, "failed": counts["failed"]},
            error=_("%(n)d item(s) failed, so nothing was imported (all or nothing).") % {"n": counts["failed"]},
        )
    return _finish(job, status=ImportJob.Status.DONE, rows=rows, counts=counts)


def _finish(
    job: ImportJob,
    *,
    status: str,
    rows: list[dict[str, Any]] | None = None,
    counts: dict[str, int] | None = None,
    error: str = "",
) -> ImportJob:
    job.status = status
    job.report = rows or []
    job.processed = len(rows or [])
    job.error = error
    job.finished_at = timezone.now()
    for name, value in (counts or {}).items():
        setattr(job, name, value)
    job.save()
    return job
