"""Reader tips: receiving them (with identical ones counted, not stored twice), grouping,
turning them into claims or attaching them to one, spam, contact retention and the one
notice a consenting tipster gets when their claim is published."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims import workflow
from claims.exceptions import PreconditionFailed, ServiceError
from claims.intake import tips as engine
from claims.models import Claim, Tip, TipContact
from claims.models.core import language_validator
from claims.services._base import User, _person, _require, _url_validator
from claims.services._queue import enqueue_on_commit
from claims.services.claims import AppearanceInput, claim_create

logger = logging.getLogger(__name__)

MAX_TEXT = 5000
MAX_URL = 2000
# An identical tip within this window is one more request on the existing tip.
IDENTICAL_WINDOW = dt.timedelta(hours=24)
# Open tips this recent are compared when grouping a new one.
GROUP_WINDOW = dt.timedelta(days=30)
GROUP_POOL = 300
# A claim this similar to a tip is offered as its best match in the inbox.
MATCH_THRESHOLD = 0.5


class TipInvalid(ServiceError):
    """A tip with field errors (HTTP 400); `field_errors` maps each field to its messages."""

    def __init__(self, field_errors: dict[str, list[str]]) -> None:
        super().__init__(_("The tip is not valid."), errors=[m for ms in field_errors.values() for m in ms])
        self.field_errors = field_errors


@dataclass(frozen=True)
class TipReceipt:
    tip: Tip
    merged: bool  # True: counted as one more request on an existing tip


def _enqueue(task_name: str, *args: int) -> None:
    """Send a task by name once the transaction commits (services never import tasks)."""
    enqueue_on_commit(task_name, *args)


def tip_validate(*, text: str, url: str = "", language: str = "", contact: str = "") -> dict[str, list[str]]:
    """Field errors of a tip as it would be received ({} when it is fine)."""
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Say what was claimed.")]
    elif len(text) > MAX_TEXT:
        errors["text"] = [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
    if url:
        if len(url) > MAX_URL:
            errors["url"] = [_("At most %(n)d characters.") % {"n": MAX_URL}]
        else:
            try:
                _url_validator(url)
            except ValidationError:
                errors["url"] = [_("Enter a web address starting with http:// or https://.")]
    if language:
        try:
            language_validator(language)
        except ValidationError as exc:
            errors["language"] = list(exc.messages)
    if contact:
        try:
            validate_email(contact)
        except ValidationError:
            errors["contact"] = [_("Enter a valid e-mail address.")]
    return errors


def _lock_keys(*keys: str) -> None:
    """Serialise receivers of the same text or URL until this transaction ends.

    Locking the rows the lookup finds is not enough: when there is no identical tip yet
    there is no row to lock, and two identical tips arriving together would both insert.
    A PostgreSQL transaction-level advisory lock per key (text and URL, in a fixed order so
    two receivers never wait on each other crosswise) makes the second wait for the first
    to commit; its lookup then sees the first's row. SQLite needs nothing: its transactions
    begin IMMEDIATE (settings), so only one writing transaction runs at a time.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted({k for k in keys if k}):
            # 60 bits of the sha256 key: a signed bigint, and no other advisory locks in the app.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(key[:15], 16)])


@transaction.atomic
def tip_receive(
    *,
    text: str,
    url: str = "",
    language: str = "",
    contact: str = "",
    consent: bool = False,
    now: dt.datetime | None = None,
) -> TipReceipt:
    """Store a reader's tip, or count it on an identical one from the last 24 hours.

    The text is stored exactly as given (pages escape it). A contact address is kept
    apart from the tip, in TipContact.
    """
    url = url.strip()
    contact = contact.strip()
    errors = tip_validate(text=text, url=url, language=language, contact=contact)
    if errors:
        raise TipInvalid(errors)
    now = now or timezone.now()
    tkey, ukey = engine.text_key(text), engine.url_key(url)
    _lock_keys(tkey, ukey)
    recent = Tip.objects.select_for_update().filter(last_seen__gte=now - IDENTICAL_WINDOW)
    existing = recent.filter(text_key=tkey).order_by("first_seen", "id").first()
    if existing is None and ukey:
        mine = engine.features(text, language)
        for other in recent.filter(url_key=ukey).order_by("first_seen", "id")[:20]:
            if engine.tip_similarity(mine, engine.features(other.text, other.language)) >= engine.SAME_URL_THRESHOLD:
                existing = other
                break
    if existing is not None:
        Tip.objects.filter(pk=existing.pk).update(requests=F("requests") + 1, last_seen=now)
        existing.refresh_from_db()
        tip, merged = existing, True
        if tip.claim_id:
            _claims_recount([tip.claim_id])
    else:
        tip = Tip.objects.create(
            text=text, text_key=tkey, url=url, url_key=ukey, language=language, first_seen=now, last_seen=now
        )
        merged = False
        _enqueue("claims.tasks.tip_triage", tip.pk)
    if contact:
        TipContact.objects.create(tip=tip, email=contact, consent=consent, language=language, created_at=now)
        if consent and tip.claim_id and Claim.objects.filter(pk=tip.claim_id, status__in=workflow.LIVE_STATES):
            _enqueue("claims.tasks.tips_notify_published", tip.claim_id)
    return TipReceipt(tip=tip, merged=merged)


@transaction.atomic
def tip_triage(*, tip_id: int, now: dt.datetime | None = None) -> Tip | None:
    """Group a new tip with a similar open one (any language) and find its best matching claim."""
    tip = Tip.objects.select_for_update().filter(pk=tip_id).first()
    if tip is None or tip.status != Tip.Status.NEW:
        return tip
    now = now or timezone.now()
    mine = engine.features(tip.text, tip.language)
    if tip.group_id is None and not tip.members.exists():
        best, best_score = None, 0.0
        pool = (
            Tip.objects.filter(group__isnull=True, status=Tip.Status.NEW, last_seen__gte=now - GROUP_WINDOW)
            .exclude(pk=tip.pk)
            .filter(Q(first_seen__lt=tip.first_seen) | Q(first_seen=tip.first_seen, pk__lt=tip.pk))
            .order_by("-last_seen")[:GROUP_POOL]
        )
        for other in pool:
            score = engine.tip_similarity(mine, engine.features(other.text, other.language))
            if score >= engine.GROUP_THRESHOLD and score > best_score:
                best, best_score = other, score
        if best is not None:
            tip.group = best
            tip.save(update_fields=["group"])
    root = tip.group or tip
    match = tip_best_claim(text=root.text, language=root.language)
    if match is not None:
        root.suggested_claim, root.suggestion_score = match
        root.save(update_fields=["suggested_claim", "suggestion_score"])
    return tip


def tip_best_claim(*, text: str, language: str) -> tuple[Claim, float] | None:
    """The existing claim most like this text (the duplicate finder, across languages), if any."""
    from claims.intake.matching import closest_claim

    return closest_claim(text, language, threshold=MATCH_THRESHOLD)


def _group_of(tip: Tip) -> list[Tip]:
    root = tip.group or tip
    return [root, *root.members.all()]


def _claims_recount(claim_ids: Iterable[int]) -> None:
    """Readers asked = the requests of every tip attached to the claim."""
    for claim_id in set(claim_ids):
        total = Tip.objects.filter(claim_id=claim_id).exclude(status=Tip.Status.SPAM).aggregate(n=Sum("requests"))["n"]
        Claim.objects.filter(pk=claim_id).update_without_history(reader_requests=total or 0)


def _settle(tip: Tip, *, user: User, status: str, claim: Claim | None) -> list[Tip]:
    group = _group_of(Tip.objects.select_for_update().get(pk=tip.pk))
    before = {t.claim_id for t in group if t.claim_id}
    now = timezone.now()
    Tip.objects.filter(pk__in=[t.pk for t in group]).update(
        status=status, claim=claim, handled_by=_person(user), handled_at=now
    )
    _claims_recount(before | ({claim.pk} if claim else set()))
    return group


def _require_open(tip: Tip) -> None:
    if (tip.group or tip).status != Tip.Status.NEW:
        raise PreconditionFailed(_("This tip has already been handled."))


@transaction.atomic
def tip_record_as_claim(*, tip: Tip, user: User, language: str = "") -> Claim:
    """A new claim from the tip (its URLs as appearances); the tip's group is attached to it."""
    _require(user, workflow.WORK)
    _require_open(tip)
    root = tip.group or tip
    group = _group_of(root)
    urls = list(dict.fromkeys(t.url for t in group if t.url))
    claim = claim_create(
        user=user,
        text=root.text,
        language=language or root.language or settings.LANGUAGE_CODE,
        appearances=[AppearanceInput(url=u, is_first_appearance=i == 0) for i, u in enumerate(urls)],
    )
    _settle(root, user=user, status=Tip.Status.RECORDED, claim=claim)
    claim.refresh_from_db(fields=["reader_requests"])
    return claim


@transaction.atomic
def tip_attach(*, tip: Tip, claim: Claim, user: User) -> Tip:
    """Attach the tip's group to an existing claim: its readers-asked count goes up."""
    _require(user, workflow.WORK)
    _require_open(tip)
    root = tip.group or tip
    _settle(root, user=user, status=Tip.Status.ATTACHED, claim=claim)
    if claim.status in workflow.LIVE_STATES:
        _enqueue("claims.tasks.tips_notify_published", claim.pk)
    root.refresh_from_db()
    return root


@transaction.atomic
def tips_mark_spam(*, tips: Iterable[Tip], user: User) -> int:
    """Mark tips (with their groups) as spam; their contacts are deleted at once."""
    _require(user, workflow.WORK)
    count = 0
    for tip in tips:
        group = _settle(tip, user=user, status=Tip.Status.SPAM, claim=None)
        TipContact.objects.filter(tip__in=[t.pk for t in group]).delete()
        count += 1
    return count


def tip_contacts_purge(*, now: dt.datetime | None = None) -> int:
    """Delete contact addresses older than TIPS_CONTACT_RETENTION_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.TIPS_CONTACT_RETENTION_DAYS)
    deleted, _by_model = TipContact.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def tips_notify_published(*, claim_id: int) -> int:
    """Mail each consenting tipster of a published claim its public link, once; returns mails sent."""
    from claims.claimreview import public_url

    claim = Claim.objects.filter(pk=claim_id, status__in=workflow.LIVE_STATES).first()
    if claim is None:
        return 0
    sent = 0
    pending = TipContact.objects.filter(tip__claim_id=claim_id, consent=True, notified_at__isnull=True).values_list(
        "pk", flat=True
    )
    for contact_id in list(pending):
        with transaction.atomic():
            # Locked and re-checked: two runs of this task do not both mail the same reader.
            contact = TipContact.objects.select_for_update().filter(pk=contact_id, notified_at__isnull=True).first()
            if contact is None:
                continue
            with translation.override(contact.language or settings.LANGUAGE_CODE):
                subject = _("The claim you sent us has been checked")
                body = _(
                    "Thank you for your tip. We have checked the claim you asked about and published "
                    "our fact-check here:\n\n%(url)s\n\n%(desk)s"
                ) % {"url": public_url(claim), "desk": settings.FACTCHECK_ORGANIZATION_NAME}
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [contact.email])
            contact.notified_at = timezone.now()
            contact.save(update_fields=["notified_at"])
            sent += 1
    return sent
