"""Claim search on the labelled query set (bench/search_set.py), on the database the suite
runs on: the same thresholds must hold on SQLite and on PostgreSQL.

`bench/search_quality.py` runs this module with SEARCH_QUALITY_REPORT set, and the test then
also writes its figures (and the old substring search's, for comparison) to bench/results/.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q, QuerySet

from bench.search_set import CLAIMS, QUERIES, TUNING
from claims import services
from claims.models import Claim
from claims.search import search_claims

pytestmark = pytest.mark.django_db
RESULTS = Path(__file__).resolve().parent.parent / "bench" / "results"


def substring_search(queryset: QuerySet, query: str) -> QuerySet:
    """The search SQLite had before the folded column: every word a substring of the text."""
    terms = [t.lower() for t in re.findall(r"\w+", query)][:12]
    if not terms:
        return queryset  # it answered an emoji with every claim
    condition = Q()
    for term in terms:
        condition &= Q(text__icontains=term) | Q(claim_reviewed__icontains=term) | Q(search_extra__icontains=term)
    return queryset.filter(condition)


@pytest.fixture
def corpus(reviewer) -> dict[int, str]:
    keys = {}
    for key, (language, text) in CLAIMS.items():
        keys[services.claim_create(user=reviewer, text=text, language=language).pk] = key
    return keys


def evaluate(search: Any, keys: dict[int, str]) -> dict[str, Any]:
    rows = []
    for language, query, expected in QUERIES:
        found = frozenset(keys[pk] for pk in search(Claim.objects.all(), query).values_list("pk", flat=True))
        rows.append(
            {
                "query": query,
                "language": language,
                "part": "tuning" if query in TUNING else "held-out",
                "expected": sorted(expected),
                "missed": sorted(expected - found),
                "wrong": sorted(found - expected),
            }
        )
    summary = {}
    for part in ("tuning", "held-out", "all"):
        chosen = [r for r in rows if part in ("all", r["part"])]
        expected = sum(len(r["expected"]) for r in chosen)
        missed = sum(len(r["missed"]) for r in chosen)
        wrong = sum(len(r["wrong"]) for r in chosen)
        hits = expected - missed
        summary[part] = {
            "queries": len(chosen),
            "recall": round(hits / expected, 3) if expected else 1.0,
            "precision": round(hits / (hits + wrong), 3) if hits + wrong else 1.0,
            "empty_queries_answered_empty": sum(1 for r in chosen if not r["expected"] and not r["wrong"]),
            "empty_queries": sum(1 for r in chosen if not r["expected"]),
        }
    return {"summary": summary, "queries": rows}


def _report(new: dict[str, Any], old: dict[str, Any]) -> None:
    backend = connection.vendor
    RESULTS.mkdir(exist_ok=True)
    data = {"backend": backend, "claims": len(CLAIMS), "search_claims": new, "substring_before": old}
    (RESULTS / f"search_quality_{backend}.json").write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    lines = [
        f"# Claim search on the labelled query set ({backend})",
        "",
        f"{len(CLAIMS)} claims and {len(QUERIES)} queries (nb and en) from `bench/search_set.py`; "
        "`tests/test_search_quality.py` measures them, `bench/search_quality.py` writes this file. "
        "Micro-averaged over the expected claims; the tuning part holds the issue's examples the rules "
        "were shaped on, the held-out part was written afterwards.",
        "",
        "| search | part | queries | recall | precision | stop-word/emoji queries answered with nothing |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, result in (("search_claims (folded, stemmed)", new), ("substring (before)", old)):
        for part, s in result["summary"].items():
            lines.append(
                f"| {name} | {part} | {s['queries']} | {s['recall']:.3f} | {s['precision']:.3f} | "
                f"{s['empty_queries_answered_empty']}/{s['empty_queries']} |"
            )
    lines += ["", "Misses and wrong hits of search_claims:", ""]
    for row in new["queries"]:
        if row["missed"] or row["wrong"]:
            lines.append(f"- “{row['query']}” ({row['part']}): missed {row['missed']}, wrong {row['wrong']}")
    (RESULTS / f"search_quality_{backend}.md").write_text("\n".join(lines) + "\n")


def test_search_quality_on_the_labelled_set(corpus):
    assert len(QUERIES) >= 40 and {q[0] for q in QUERIES} == {"nb", "en"}
    new = evaluate(search_claims, corpus)
    if os.environ.get("SEARCH_QUALITY_REPORT"):
        _report(new, evaluate(substring_search, corpus))
    held_out = new["summary"]["held-out"]
    assert held_out["recall"] >= 0.85, new
    assert held_out["precision"] >= 0.9, new
    assert new["summary"]["all"]["recall"] >= 0.85 and new["summary"]["all"]["precision"] >= 0.85, new
    for summary in new["summary"].values():
        assert summary["empty_queries_answered_empty"] == summary["empty_queries"]
