"""Candidate tracking's pools on the labelled duplicates: how often a sentence's pool holds the
claim it repeats: drawn from the word postings a worker keeps (production on PostgreSQL since
session 23, claims/intake/postings.py), by the GIN statement with whole tokens (before), and
with prefix terms (`word:*`, before that).

    python bench/tracking_pools.py [--database-url postgres://…/fc_bench_harvest]

Each group's base claim of tests/fixtures/duplicates/groups.yaml is added to the bench's
20k generated claims (in a transaction that is rolled back). Its paraphrase, translation
and "other" claim (same topic, another claim) are each taken as an article sentence, and
tracking's pool for it (the best POOL_LIMIT) is searched for the base claim. Pool recall is
read for paraphrases and translations; "other" should be pooled too (same words), the
comparison that follows decides. Prints; writes nothing. Session 23, 20k claims: postings
22 / 23 of 28, GIN statement 21 / 24 (prefix terms 19 / 23).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harvest_candidates import ensure_data, setup_django  # noqa: E402
from bench.harvest_scale import DEFAULT_URL  # noqa: E402

GROUPS = ROOT / "tests" / "fixtures" / "duplicates" / "groups.yaml"
KINDS = ("paraphrase", "translation", "other")


def pool_recall(groups: list[dict[str, Any]], *, prefixes: bool, postings: bool = False) -> dict[str, Any]:
    from django.db import transaction

    from claims import search
    from claims.intake import candidates, tracking
    from claims.intake import postings as kept
    from claims.models import Claim

    hits = dict.fromkeys(KINDS, 0)
    pooled = 0
    whole = search._tracking_groups
    if prefixes:
        # Before: each word's forms as `search_claims` has them, prefix terms included.
        search._tracking_groups = search._word_groups
    try:
        with transaction.atomic():
            bases = [
                Claim.objects.create(
                    text=g["base"][1], language=g["base"][0], slug=f"bench-pool-{n}",
                    search_folded=search.index_text("", g["base"][1], ""),
                ).pk
                for n, g in enumerate(groups)
            ]  # fmt: skip
            claims = Claim.objects.filter(duplicate_of__isnull=True).only(
                "id", "text", "claim_reviewed", "language", "claimant_id", "version"
            )
            common = search.common_claim_words(claims.db)
            kept.postings(claims.db).clear()  # the base claims are new to any postings read before
            for group, base in zip(groups, bases, strict=True):
                for kind in KINDS:
                    language, text = group[kind]
                    found = [candidates.ScoredSentence(0, len(text), text, language, 1.0, None)]
                    _terms, sets = tracking._word_sets(found)
                    if not sets:
                        continue
                    if postings:
                        [pool] = kept.sharing_pools(claims, [sets], limit=tracking.POOL_LIMIT, common=common)
                    else:
                        pool = search.fetch_from_gin(
                            search.search_claims_sharing(claims, sets, common=common)[: tracking.POOL_LIMIT]
                        )
                    pooled += len(pool)
                    hits[kind] += base in {claim.pk for claim in pool}
            transaction.set_rollback(True)
    finally:
        search._tracking_groups = whole
    return {"hits": hits, "of": len(groups), "mean_pool": round(pooled / (len(groups) * len(KINDS)), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--claims", default="20k")
    args = parser.parse_args()
    claims = int(args.claims.lower().replace("k", "000").replace("m", "000000"))
    ensure_data(args.database_url, claims)
    setup_django(args.database_url)
    groups = yaml.safe_load(GROUPS.read_text(encoding="utf-8"))
    for label, prefixes, postings in (
        ("word postings in the worker (production)", False, True),
        ("GIN statement, whole tokens (before)", False, False),
        ("GIN statement, prefix terms (before that)", True, False),
    ):
        result = pool_recall(groups, prefixes=prefixes, postings=postings)
        shown = ", ".join(f"{kind} {result['hits'][kind]}/{result['of']}" for kind in KINDS)
        print(f"{label}: {shown}; mean pool {result['mean_pool']} claims")


if __name__ == "__main__":
    main()
