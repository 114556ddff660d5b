"""Ranking quality on the labelled corpora: precision@5, recall@20 and nDCG@10.

    python bench/quality.py            # prints the report, writes bench/results/quality.{json,md}
    python bench/quality.py --no-write # prints only

Two corpora (bench/corpora.py): "geneva" (tests/fixtures/corpus/, the one the first weights
were tuned on) and "nordic" (tests/fixtures/corpus2/, six other topics). Each page goes
through the same extraction the fetcher uses, every article of a corpus is a candidate for
each of its claims, and the rankings are scored against graded judgements. The headline is
leave-one-topic-out (bench/tuning.py); the cross-language subset and the learning-from-marks
figures (bench/feedback.py) are reported separately. tests/test_ranking.py runs `evaluate()`
on the first corpus and a floor on the second, so a change that makes ranking worse fails.
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


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    if not rows:
        return {}
    return {k: round(sum(r[k] for r in rows) / len(rows), 4) for k in ("precision@5", "recall@20", "ndcg@10")}


def full_report() -> dict[str, Any]:
    """Both corpora: left-out (cross-validated) figures, in-sample figures, the cross-language
    subset, per-claim rows and the feedback figures."""
    from bench import corpora, feedback, tuning
    from claims.discovery import ranking

    loaded = corpora.load_all()
    started = time.perf_counter()
    items = tuning.prepare(loaded)
    cv = tuning.cross_validate(items, ranking.DEFAULT_WEIGHTS)
    shipped = tuning.evaluate(items, ranking.DEFAULT_WEIGHTS)
    groups = {
        "all": [True] * len(items),
        **{c.name: [i.corpus == c.name for i in items] for c in loaded},
        "cross-language": [bool(i.claim["cross_language"]) for i in items],
    }
    summary = {}
    for name, mask in groups.items():
        summary[name] = {
            "claims": sum(mask),
            "left_out": _mean([r for r, m in zip(cv["left_out"], mask, strict=True) if m]),
            "in_sample": _mean([r for r, m in zip(cv["in_sample"], mask, strict=True) if m]),
            "shipped": _mean([r for r, m in zip(shipped, mask, strict=True) if m]),
        }
    per_claim = [
        {
            "corpus": item.corpus,
            "topic": item.claim["topic"],
            "id": item.claim["id"],
            "language": item.claim["language"],
            "cross_language": bool(item.claim["cross_language"]),
            "claim": item.claim.get("claim_reviewed") or item.claim["text"],
            "left_out": {k: round(v, 4) for k, v in left.items()},
            "in_sample": {k: round(v, 4) for k, v in inside.items()},
        }
        for item, left, inside in zip(items, cv["left_out"], cv["in_sample"], strict=True)
    ]
    return {
        "corpora": {c.name: {"articles": len(c.articles), "claims": len(c.claims), "topics": c.topics} for c in loaded},
        "relevant_grade": 2,
        "summary": summary,
        "weights": {"shipped": asdict(ranking.DEFAULT_WEIGHTS), "chosen_on_all": asdict(cv["chosen"])},
        "folds": {topic: asdict(w) for topic, w in cv["folds"].items()},
        "grid_points": cv["grid_points"],
        "feedback_grid": cv["feedback_grid"],
        "feedback": feedback.report(items, cv["folds"]),
        "per_claim": per_claim,
        "seconds": round(time.perf_counter() - started, 1),
    }


def _row(name: str, s: dict[str, Any]) -> str:
    lo, ins = s["left_out"], s["in_sample"]
    return (
        f"| {name} | {s['claims']} | **{lo['precision@5']:.3f}** | **{lo['ndcg@10']:.3f}** | {lo['recall@20']:.3f} "
        f"| {ins['precision@5']:.3f} | {ins['ndcg@10']:.3f} | {ins['recall@20']:.3f} |"
    )


def to_markdown(report: dict[str, Any]) -> str:
    corp = report["corpora"]
    lines = [
        "# Ranking quality on the labelled corpora",
        "",
        "Generated by `python bench/quality.py`. Two corpora, kept apart: "
        + "; ".join(
            f"**{n}** — {c['articles']} articles, {c['claims']} claims ({', '.join(c['topics'])})"
            for n, c in corp.items()
        )
        + f". Relevant = grade ≥ {report['relevant_grade']} of 0–3.",
        "",
        "## Headline: left-out figures (leave one topic out)",
        "",
        f"Each of the {sum(len(c['topics']) for c in corp.values())} topics is left out in turn; the weights are "
        f"chosen on the others by a {report['grid_points']}-point grid search (`bench/tuning.py`), then the "
        f"pseudo-relevance feedback setting (one of {report.get('feedback_grid', 1)}, off included) on the same "
        "others, and scored on the one left out. **Left-out** columns are those scores; *in-sample* columns "
        "score the weights chosen on everything (what ships) on the same data they were chosen on — shown beside, "
        "not as the result.",
        "",
        "| claims | n | **P@5 left-out** | **nDCG@10 left-out** | R@20 left-out | P@5 *in-sample* "
        "| nDCG@10 *in-sample* | R@20 *in-sample* |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in report["summary"].items():
        lines.append(_row(name, s))
    lines += [
        "",
        "Cross-language claims: every article graded 3 for them is in the other language than the claim.",
        "",
        "Weights shipped (`ranking.DEFAULT_WEIGHTS`, chosen on all topics): "
        + ", ".join(f"{k}={v}" for k, v in report["weights"]["shipped"].items())
        + ".",
        "",
        "Weights each fold chose:",
        "",
        "| left out | lexical | ngram | entities | recency_floor | recency_days | per_language | feedback_docs "
        "| feedback_weight |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for topic, w in report["folds"].items():
        lines.append(
            f"| {topic} | {w['lexical']} | {w['ngram']} | {w['entities']} | {w['recency_floor']} "
            f"| {w['recency_days']} | {w['per_language']} | {w.get('feedback_docs', 0)} "
            f"| {w.get('feedback_weight', 0.0)} |"
        )
    lines += ["", *feedback_markdown(report["feedback"]), "", "## Per claim (left-out)", ""]
    lines += ["| corpus/topic | claim | lang | cross | P@5 | nDCG@10 | R@20 |", "|---|---|---|---|---:|---:|---:|"]
    for row in report["per_claim"]:
        lo = row["left_out"]
        lines.append(
            f"| {row['corpus']}/{row['topic']} | {row['id']}: {row['claim']} | {row['language']} "
            f"| {'yes' if row['cross_language'] else ''} | {lo['precision@5']:.2f} | {lo['ndcg@10']:.3f} "
            f"| {lo['recall@20']:.2f} |"
        )
    lines += ["", f"Whole evaluation: {report['seconds']} s.", ""]
    return "\n".join(lines)


def feedback_markdown(fb: dict[str, Any]) -> list[str]:
    from bench import feedback

    return feedback.to_markdown(fb)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    _setup_django()
    import logging

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    report = full_report()
    markdown = to_markdown(report)
    print(markdown)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "quality.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        (RESULTS / "quality.md").write_text(markdown, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
