"""From an article's text to candidate claims: split, detect language, score, guess speakers,
and find which candidates repeat a claim the desk already tracks (claims.intake.tracking).

`score_text` is pure (the API's /checkworthiness/ endpoint and the benchmark use it);
`extract_for_article` is the one call the fetch pipeline makes per stored article: it reads
what it needs and hands the result to `claims.services.candidates.candidates_store`.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import BooleanField, CharField, Func, Q, Value
from django.db.models.functions import Lower

from claims.intake import checkworthiness, language, sentences, speakers
from claims.intake.tracking import PendingTracking, start_tracking
from claims.sidedb import side_call

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScoredSentence:
    """One sentence of a text with its offsets, language, score and speaker guess."""

    start: int
    end: int
    text: str
    language: str
    score: float
    speaker: str | None


def score_text(
    text: str,
    *,
    language_hint: str | None = None,
    model: checkworthiness.Model | None = None,
    limit: int | None = None,
    min_score: float | None = None,
) -> tuple[str, list[ScoredSentence]]:
    """The text's language and every sentence scored, in document order; with `min_score`,
    only the sentences scoring at least that (a speaker is guessed only for those)."""
    model = model or checkworthiness.current_model()
    text_language = language.normalize(language_hint) or language.detect(text)
    spans = sentences.split(text)
    if limit is not None:
        spans = spans[:limit]
    scored: list[ScoredSentence] = []
    previous = ""
    for span in spans:
        lang = language.sentence_language(span.text, article_language=text_language)
        score = round(model.score(span.text, lang), 4)
        if min_score is None or score >= min_score:
            speaker = speakers.guess(span.text, previous=previous)
            scored.append(ScoredSentence(span.start, span.end, span.text, lang, score, speaker))
        previous = span.text
    return text_language, scored


def claimant_index(speaker_names: set[str] | None = None) -> speakers.ClaimantIndex:
    """Claimants as `ClaimantIndex` matches them; with names, only those the names could be.

    A harvest asks about the few speakers of one article, so it reads the claimants with
    that full name or that surname (all of them: a surname is used only when one claimant
    has it), not the desk's whole claimant table for every article.
    """
    from claims.models import Claimant

    claimants = Claimant.objects.all()
    if speaker_names is not None:
        names = {n.strip() for n in speaker_names if n and n.strip()}
        if not names:
            return speakers.ClaimantIndex.build([])
        claimants = claimants.filter(_named(names, using=claimants.db))
    return speakers.ClaimantIndex.build(claimants.order_by().values_list("pk", "name"))


class _LastWord(Func):
    """A name's text after its last space, lowered: what migration 0020's index holds."""

    template = "lower(reverse(split_part(reverse(btrim(%(expressions)s)), ' ', 1)))"
    output_field = CharField()


class _LowerIn(Func):
    """`lowered = ANY(the strings, lowered by PostgreSQL as the indexed side is)`: one array
    parameter however many names, and an index condition on `lowered`'s index."""

    arg_joiner = " = ANY(ARRAY(SELECT lower(v) FROM unnest("
    template = "%(expressions)s::text[]) AS v))"
    output_field = BooleanField()


def _named(names: set[str], *, using: str) -> Q:
    """Claimants with one of the full names, or whose name is or ends with one of the surnames.

    On PostgreSQL both halves are index look-ups (the case-insensitive unique index on the
    name, and migration 0020's on its last word); the LIKE '% surname' this replaces read
    every claimant with every speaker's patterns. Elsewhere the same rows by comparisons."""
    lasts = {name.split()[-1] for name in names}
    if connections[using].vendor == "postgresql":
        return Q(_LowerIn(Lower("name"), Value(sorted(names)))) | Q(_LowerIn(_LastWord("name"), Value(sorted(lasts))))
    condition = Q()
    for name in names:
        condition |= Q(name__iexact=name)
    for last in lasts:
        condition |= Q(name__iexact=last) | Q(name__iendswith=f" {last}")
    return condition


def extract_for_article(article: Any) -> int:
    """Score a stored article and keep its check-worthy sentences as candidates; returns how many.

    Safe to repeat: the candidates are keyed by (article, start) and decisions already made
    are kept. The fetch pipeline analyses its articles in batches (`extract_for_articles`),
    which finds exactly what this finds article by article.
    """
    return extract_for_articles([article])


def extract_for_articles(articles: list[Any]) -> int:
    """`extract_for_article` for a batch of articles, in a fixed number of statements: a
    tracking pool read and a read of other desks' reviews per TRACK_CHUNK articles, one
    claimant look-up, and one transaction storing every article's candidates. Returns how
    many candidates are new."""
    pending = candidates_start(articles)
    return pending.store() if pending is not None else 0


# A batch's pools are read in chunks of this many articles, each on the side connection
# while the next chunk's sentences are scored (claims.sidedb): one chunk's read overlaps
# the next one's Python, and a chunk still shares one statement's planning and round trip.
TRACK_CHUNK = 10


@dataclass
class PendingCandidates:
    """A batch's candidates scored, their tracking pools and speakers' claimants being read;
    `store()` finishes."""

    chunks: list[tuple[list[tuple[Any, list[ScoredSentence]]], PendingTracking]]
    model_version: int
    people: Future[speakers.ClaimantIndex]

    def store(self) -> int:
        from claims.services.candidates import ArticleCandidates, candidates_store_many

        scored_articles = [pair for chunk, _tracking in self.chunks for pair in chunk]
        tracked_per_article = [tracked for _chunk, tracking in self.chunks for tracked in tracking.result()]
        people = self.people.result()
        return candidates_store_many(
            items=[
                ArticleCandidates(
                    article=article,
                    found=kept,
                    tracked={i: (t.claim_id, t.score) for i, t in tracked.items()},
                    checked={i: t.external_review_id for i, t in tracked.items() if t.external_review_id},
                    claimants={i: people.match(s.speaker) for i, s in enumerate(kept)},
                )
                for (article, kept), tracked in zip(scored_articles, tracked_per_article, strict=True)
            ],
            model_version=self.model_version,
        )


def candidates_start(articles: list[Any]) -> PendingCandidates | None:
    """Score the articles' sentences and start reading their tracking pools; None when no
    sentence is check-worthy (or candidates are switched off). The caller may do other work
    (the watch engine's matching) before `store()`."""
    if not settings.CHECKWORTHINESS_CANDIDATES:
        return None
    model = checkworthiness.current_model()
    cut = checkworthiness.threshold()
    chunks: list[tuple[list[tuple[Any, list[ScoredSentence]]], PendingTracking]] = []
    for first in range(0, len(articles), TRACK_CHUNK):
        scored_articles: list[tuple[Any, list[ScoredSentence]]] = []
        for article in articles[first : first + TRACK_CHUNK]:
            if not (article.text or "").strip():
                continue
            _lang, kept = score_text(
                article.text,
                language_hint=article.language,
                model=model,
                limit=settings.CHECKWORTHINESS_MAX_SENTENCES,
                min_score=cut,
            )
            if kept:
                scored_articles.append((article, kept))
        if scored_articles:
            chunks.append((scored_articles, start_tracking([kept for _article, kept in scored_articles])))
    if not chunks:
        return None
    # One look-up for every article's speakers: what a speaker matches depends only on the
    # claimants with its full name or its surname, and those are read for it either way. On
    # the side connection, after the pools, while the caller matches recurrences.
    names = {s.speaker for chunk, _tracking in chunks for _article, kept in chunk for s in kept if s.speaker}
    people = side_call(claimant_index, names)
    return PendingCandidates(chunks=chunks, model_version=model.version, people=people)
