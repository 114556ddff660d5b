"""Ranking quality on the labelled fixture corpus: precision@5, recall@20 and nDCG@10.

    python bench/quality.py            # prints the table, writes bench/results/quality.{json,md}
    python bench/quality.py --no-write # prints only

The corpus (tests/fixtures/corpus/) holds news pages in Norwegian and English with their
boilerplate, a manifest, and graded relevance judgements (qrels.json) for a dozen claims.
Each page goes through the same extraction the fetcher uses, every article is a candidate
for every claim (the whole local index, as in production), and the ranker's top 20 are
scored against the judgements. tests/test_ranking.py runs `evaluate()` and fails if the
figures fall below a floor, so a change that makes ranking worse cannot slip in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
RESULTS = ROOT / "bench" / "results"
K_PRECISION, K_RECALL, K_NDCG = 5, 20, 10


def _setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # no database or secret is used here
    import django

    django.setup()


def load_manifest() -> list[dict[str, Any]]:
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["articles"]


def load_qrels() -> dict[str, Any]:
    return json.loads((CORPUS / "qrels.json").read_text(encoding="utf-8"))


def load_articles() -> list[Any]:
    """The corpus as unsaved Article rows, text extracted from each page's HTML."""
    from claims.discovery.extract import extract
    from claims.models import Article

    articles = []
    for entry in load_manifest():
        html = (CORPUS / entry["filename"]).read_text(encoding="utf-8")
        page = extract(html, url=entry["url"])
        article = Article(
            url=entry["url"],
            canonical_url=page.canonical_url,
            title=page.title,
            outlet=page.site_name or entry["outlet"],
            author=page.author,
            published_at=page.published_at,
            language=page.language,
            summary=page.description,
            text=page.text,
            content_hash=page.content_hash,
            provider="fixture",
        )
        article.corpus_id = entry["id"]  # for scoring; not a model field
        articles.append(article)
    return articles


def query_for(claim: dict[str, Any]) -> Any:
    from claims.discovery.ranking import Query

    return Query(
        text="\n".join(p for p in (claim.get("claim_reviewed", ""), claim["text"]) if p),
        language=claim["language"],
        date=dt.date.fromisoformat(claim["claim_date"]) if claim.get("claim_date") else None,
        claimant=claim.get("claimant", ""),
    )


# --- Metrics ------------------------------------------------------------------------------


def precision_at(ranked: list[str], grades: dict[str, int], k: int, relevant: int) -> float:
    return sum(1 for doc in ranked[:k] if grades.get(doc, 0) >= relevant) / k


def recall_at(ranked: list[str], grades: dict[str, int], k: int, relevant: int) -> float:
    total = sum(1 for g in grades.values() if g >= relevant)
    if not total:
        return 1.0
    return sum(1 for doc in ranked[:k] if grades.get(doc, 0) >= relevant) / total


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(doc, 0) for doc in ranked]) / ideal if ideal else 1.0


def evaluate(articles: list[Any] | None = None, weights: Any = None) -> dict[str, Any]:
    """Rank every article for every judged claim and score the rankings."""
    from claims.discovery import ranking

    weights = weights or ranking.DEFAULT_WEIGHTS
    articles = articles if articles is not None else load_articles()
    qrels = load_qrels()
    relevant = qrels["relevant_grade"]
    per_claim = []
    timings = []
    for claim in qrels["claims"]:
        grades = claim["judgements"]
        started = time.perf_counter()
        results = ranking.rank(query_for(claim), articles, limit=K_RECALL, weights=weights)
        timings.append(time.perf_counter() - started)
        ranked = [article.corpus_id for article, _score, _why in results]
        per_claim.append(
            {
                "id": claim["id"],
                "language": claim["language"],
                "claim": claim["claim_reviewed"] or claim["text"],
                "precision@5": round(precision_at(ranked, grades, K_PRECISION, relevant), 4),
                "recall@20": round(recall_at(ranked, grades, K_RECALL, relevant), 4),
                "ndcg@10": round(ndcg_at(ranked, grades, K_NDCG), 4),
                "top5": ranked[:K_PRECISION],
                "cross_language_in_top5": sum(1 for _a, _s, why in results[:K_PRECISION] if why.get("cross_language")),
            }
        )
    n = len(per_claim)
    mean = {
        metric: round(sum(row[metric] for row in per_claim) / n, 4)
        for metric in ("precision@5", "recall@20", "ndcg@10")
    }
    return {
        "corpus": {
            "articles": len(articles),
            "claims": n,
            "languages": sorted({a.language for a in articles}),
            "relevant_grade": relevant,
        },
        "weights": asdict(weights),
        "mean": mean,
        "per_claim": per_claim,
        "ms_per_claim": round(1000 * sum(timings) / max(len(timings), 1), 2),
    }


def to_markdown(report: dict[str, Any]) -> str:
    corpus, mean = report["corpus"], report["mean"]
    lines = [
        "# Ranking quality on the labelled corpus",
        "",
        f"{corpus['articles']} articles ({', '.join(corpus['languages'])}), {corpus['claims']} claims; "
        f"an article counts as relevant at grade ≥ {corpus['relevant_grade']} (of 0–3). "
        "Generated by `python bench/quality.py`.",
        "",
        "| claim | lang | P@5 | R@20 | nDCG@10 | cross-language in top 5 |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in report["per_claim"]:
        lines.append(
            f"| {row['id']}: {row['claim']} | {row['language']} | {row['precision@5']:.2f} | "
            f"{row['recall@20']:.2f} | {row['ndcg@10']:.3f} | {row['cross_language_in_top5']} |"
        )
    lines += [
        f"| **mean** | | **{mean['precision@5']:.3f}** | **{mean['recall@20']:.3f}** | **{mean['ndcg@10']:.3f}** | |",
        "",
        "Weights: " + ", ".join(f"{k}={v}" for k, v in report["weights"].items()) + ".",
        f"Mean ranking time per claim: {report['ms_per_claim']} ms (index cached after the first claim).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    _setup_django()
    report = evaluate()
    markdown = to_markdown(report)
    print(markdown)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "quality.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (RESULTS / "quality.md").write_text(markdown, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
