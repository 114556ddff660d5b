"""Write the demo desk (claims.demo.content) into the database, idempotently.

Claims are created and moved through the workflow with `claims.services`, as a reviewer
and an editor would, so history, the four-eyes rule and the on-commit background jobs all
apply. Each claim is found again by its natural key (text + language); a claim that is
already where the demo wants it is left untouched, and one that someone has moved off the
demo's path is left alone too. Running the loader twice therefore writes nothing the
second time.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from claims import services, workflow
from claims.demo import articles, content
from claims.models import Article, Claim, Rating, Source
from claims.workflow import ClaimStatus
from factcheck.env import env_str

# The path from "new" to each state the demo uses; "updated" needs a publication first.
FORWARD = (
    ClaimStatus.TRIAGED,
    ClaimStatus.IN_RESEARCH,
    ClaimStatus.IN_REVIEW,
    ClaimStatus.PUBLISHED,
    ClaimStatus.UPDATED,
)


def path_to(target: str) -> list[str]:
    """The transitions the demo makes, in order, to bring a new claim to `target`."""
    if target == ClaimStatus.NEW:
        return []
    if target == ClaimStatus.REJECTED:
        return [ClaimStatus.TRIAGED, ClaimStatus.REJECTED]
    return list(FORWARD[: FORWARD.index(ClaimStatus(target)) + 1])


@dataclass
class Report:
    """What a load did, for the command to print."""

    users: list[tuple[str, str, bool]] = field(default_factory=list)  # (username, role, created)
    password_from_env: bool = False
    password: str = ""
    claims_created: int = 0
    transitions: int = 0
    left_alone: list[str] = field(default_factory=list)
    articles_created: int = 0
    candidates_created: int = 0


class DemoRefused(RuntimeError):
    """The demo would be unsafe here (e.g. a published default password on a production site)."""


def demo_password() -> tuple[str, bool]:
    """The password for new demo users and whether it came from FACTCHECK_DEMO_PASSWORD.

    The default is printed and documented, so outside DEBUG (a real deployment) the demo
    refuses to create users, a superuser among them, with it.
    """
    value = env_str("FACTCHECK_DEMO_PASSWORD")
    if value:
        return value, True
    if not settings.DEBUG:
        raise DemoRefused(
            "DJANGO_DEBUG is off: set FACTCHECK_DEMO_PASSWORD to a password of your own for the demo users."
        )
    return content.DEFAULT_PASSWORD, False


def ensure_ratings() -> None:
    """The default scale normally comes from migration 0002; restore any step that was deleted."""
    migration = importlib.import_module("claims.migrations.0002_roles_and_ratings")
    existing = set(Rating.objects.values_list("slug", flat=True))
    for order, (slug, en, nb, value, expl_en, expl_nb) in enumerate(migration.RATINGS, start=1):
        if slug not in existing:
            Rating.objects.create(
                slug=slug,
                label_en=en,
                label_nb=nb,
                rating_value=value,
                explanation_en=expl_en,
                explanation_nb=expl_nb,
                order=order * 10,
            )


# What the demo makes each user do; an existing account without it cannot play the part.
NEEDED_PERMISSION = {"reviewer": workflow.WORK, "editor": workflow.PUBLISH}


def ensure_users(report: Report) -> dict[str, Any]:
    """The three desk members, created in their groups with the demo password if missing.

    An existing user of the same name is never changed (password, flags, groups), so the
    demo cannot take over or promote a real account, nor undo a password that `make run`
    or an admin has set since. If such a user lacks the permission its demo part needs,
    the load stops instead.
    """
    user_model = get_user_model()
    users: dict[str, Any] = {}
    for spec in content.USERS:
        group = Group.objects.filter(name=spec.role).first()
        if group is None:
            raise DemoRefused(f"The group {spec.role!r} is missing; run `manage.py migrate` first.")
        found = user_model.objects.filter(username=spec.username).first()
        created = found is None
        if found is not None:
            user = found
        else:  # a new account, in the role's group
            if not report.password:
                report.password, report.password_from_env = demo_password()
            user = user_model(
                username=spec.username,
                first_name=spec.first_name,
                last_name=spec.last_name,
                email=spec.email,
                is_staff=True,
                is_superuser=spec.is_superuser,
            )
            user.set_password(report.password)
            user.save()
            user.groups.add(group)
        needed = NEEDED_PERMISSION.get(spec.username)
        if needed and not (user.is_active and user.has_perm(needed)):
            raise DemoRefused(
                f"A user {spec.username!r} already exists without the {spec.role} role; "
                "the demo does not change existing accounts. Rename that user or add it to the group."
            )
        users[spec.username] = user
        report.users.append((spec.username, spec.role, created))
    return users


def _source(spec: content.DemoSource) -> Source:
    return services.source_for_url(url=spec.url, title=spec.title, outlet=spec.outlet, language=spec.language)


def _claimant(spec: content.DemoClaimant | None) -> Any:
    if spec is None:
        return None
    return services.claimant_for_name(
        name=spec.name,
        kind=spec.kind,
        job_title=spec.job_title,
        wikidata_id=spec.wikidata_id,
        description=spec.description,
    )


def _draft(claim: Claim, verdict: content.DemoVerdict, user: Any) -> None:
    services.review_save(
        claim=claim,
        user=user,
        rating=Rating.objects.get(slug=verdict.rating),
        rationale=verdict.rationale,
        headline=verdict.headline,
        evidence=[_source(s) for s in verdict.evidence],
    )


def _correct(claim: Claim, spec: content.DemoClaim, editor: Any) -> None:
    """The published verdict's update: new evidence first (allowed on a live verdict), then the correction."""
    update = spec.update
    assert update is not None  # only claims with an update are corrected
    services.review_save(claim=claim, user=editor, evidence=[_source(s) for s in update.evidence])
    services.claim_correct(
        claim=claim,
        user=editor,
        note=spec.update_note,
        rating=Rating.objects.get(slug=update.rating),
        headline=update.headline,
        rationale=update.rationale,
    )


def _create(spec: content.DemoClaim, reviewer: Any) -> Claim:
    return services.claim_create(
        user=reviewer,
        text=spec.text,
        language=spec.language,
        claimant=_claimant(spec.claimant),
        claim_date=spec.claim_date,
        claim_reviewed=spec.claim_reviewed,
        location=spec.location,
        tags=spec.tags,
        priority=spec.priority,
        appearances=[
            services.AppearanceInput(
                url=a.source.url,
                quote=a.quote,
                appeared_on=a.appeared_on,
                is_first_appearance=a.first,
                title=a.source.title,
                outlet=a.source.outlet,
            )
            for a in spec.appearances
        ],
    )


def find_claim(spec: content.DemoClaim) -> Claim | None:
    return Claim.objects.filter(text=spec.text, language=spec.language).order_by("id").first()


def load_claim(spec: content.DemoClaim, users: dict[str, Any], report: Report) -> Claim:
    """Create the claim if needed and move it along the demo path as far as it still has to go."""
    reviewer, editor = users["reviewer"], users["editor"]
    claim = find_claim(spec)
    if claim is None:
        claim = _create(spec, reviewer)
        report.claims_created += 1
    path = path_to(spec.status)
    if claim.status == spec.status:
        remaining: list[str] = []
    elif claim.status == ClaimStatus.NEW:
        remaining = path
    elif claim.status in path:
        remaining = path[path.index(claim.status) + 1 :]
    else:
        # Someone moved it elsewhere (e.g. retracted it while trying the desk); respect that.
        report.left_alone.append(f"{claim.slug} ({claim.status})")
        return claim

    # What has to happen just before each step, and who takes it (four-eyes: the reviewer
    # drafts, the editor publishes).
    before: dict[str, Callable[[], object]] = {
        ClaimStatus.IN_RESEARCH: lambda: services.claim_assign(claim=claim, user=reviewer, assignee=reviewer),
    }
    if (verdict := spec.verdict) is not None:
        before[ClaimStatus.IN_REVIEW] = lambda: _draft(claim, verdict, reviewer)
    actor: dict[str, Any] = {ClaimStatus.PUBLISHED: editor, ClaimStatus.UPDATED: editor}

    for target in remaining:
        if target in before:
            before[target]()
        if target == ClaimStatus.UPDATED and spec.update is not None:
            _correct(claim, spec, editor)
        else:
            services.claim_transition(
                claim=claim,
                user=actor.get(target, reviewer),
                to=target,
                reason=spec.reason if target == ClaimStatus.REJECTED else "",
            )
        report.transitions += 1

    for note in spec.comments:
        if not claim.comments.filter(body=note.body).exists():
            services.comment_create(claim=claim, user=users[note.author], body=note.body)
    return claim


def _article_values(spec: articles.DemoArticle) -> dict[str, Any]:
    return {
        "title": spec.title,
        "outlet": spec.outlet,
        "language": spec.language,
        "published_at": spec.published_at,
        "summary": spec.summary,
        "text": spec.text,
        "content_hash": hashlib.sha256(spec.text.encode()).hexdigest(),
        "provider": "demo",
    }


def load_articles(report: Report) -> None:
    """The small local corpus; an article is written only when it is missing or differs."""
    for spec in articles.ARTICLES:
        values = _article_values(spec)
        article, created = Article.objects.get_or_create(url=spec.url, defaults=values)
        if created:
            report.articles_created += 1
            continue
        changed = [name for name, value in values.items() if getattr(article, name) != value]
        if changed:
            for name in changed:
                setattr(article, name, values[name])
            article.save(update_fields=changed)


def load(*, with_articles: bool = True) -> Report:
    """Load the whole demo desk; each claim is its own transaction."""
    report = Report()
    with transaction.atomic():
        ensure_ratings()
        users = ensure_users(report)
    for spec in content.CLAIMS:
        with transaction.atomic():
            load_claim(spec, users, report)
    if with_articles:
        with transaction.atomic():
            load_articles(report)
        load_candidates(report)
    return report


def load_candidates(report: Report) -> None:
    """Score the demo articles as the fetch pipeline would, so the desk has candidate claims
    (some of them already tracked by the demo claims). Safe to repeat: nothing is doubled."""
    from claims.intake.candidates import extract_for_article

    for article in Article.objects.filter(url__in=[spec.url for spec in articles.ARTICLES]).order_by("id"):
        report.candidates_created += extract_for_article(article)
