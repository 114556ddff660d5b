"""Sessions 17 to 19's accounts of the recurrence matcher (#15), printed into
bench/results/recurrences.md by bench/recurrences.py after the later sessions'
(bench/recurrence_notes_recent.py); the oldest are in bench/recurrence_notes.py."""

from __future__ import annotations

SESSION19 = """\
## Countries said without a name, frames, names across languages, a name cut (session 19)

**fresh12 read once, at the start, with session 18's code.** fresh12.json (cinemas, reindeer,
funerals, wolves, noise, solariums; written blind at the end of session 18) gave the re-scorer
**0.733 / 0.550** (33 found, 12 false alerts, 27 missed), the hand score 0.719 / 0.383. Its errors
then guided the session with the older parts, so it is worn. A helper wrote fresh13.json (glaciers,
lighthouses, orchestras, dialects, zoos, allotments; 13aac38) blind at the start; it was read once
at the end, after every change below:

| batch | read | session 18's code | session 19's code |
| --- | --- | --- | --- |
| fresh12 | at the start, then worn | **0.733 / 0.550** (33 / 12 / 27) | 0.791 / 0.567 (on a worn part) |
| fresh13 | once, at the end | 0.652 / 0.500 (30 / 16 / 30) | **0.707 / 0.483** (29 / 12 / 31) |

Over every part but dev, fresh13 included: session 18's code 442 found / 113 false alerts, session
19's 446 / 98 (dev 151 / 6 for both once fresh13's claims are in the index). A helper wrote
fresh14.json blind for the next session; it is not loaded (add "fresh14" to `LATER` to read it).

**What changed** (found / false alerts over every part but dev, fresh12 included, before fresh13 was
loaded; dev stayed 151 / 5):

| change | found | false alerts |
| --- | ---: | ---: |
| session 18's code | 411 | 98 |
| a claim naming no country is about Norway: "Den danske regjeringen vil …" is cut as a name mismatch | 410 | 94 |
| after "that" / "at" a clause meets its own words and the frame's denials only ("growing …, noted that") | 411 | 94 |
| lexicon: 219 of 445 everyday pairs written blind by a helper, and 83 irregular verb forms (see below) | 415 | 92 |
| a quote that names no one and nothing ("– Vi solgte …, sa lederen for …") speaks of Norway | 418 | 92 |
| one names test for both scores; a name's compound or genitive is the name ("Follobanen", "Vys tog") | 419 | 92 |
| a name mismatch cuts the re-scorer's probability by the hand score's factor (0.6) | 417 | 85 |

The last row takes back what the fit's positive weight on the name mismatch (+0.69) added: "Over
150 kirker i Danmark er tatt ut av bruk" scored 0.93 for the claim about Norway's churches, "Salget
av sigaretter i Danmark" 0.96 for Norway's cigarette sales. Factors 0.5–0.7 gave the same counts.
Before the names test learned compounds and genitives, the same cut cost 10 repeats for 9 false
alerts ("Valgdeltakelsen" / "Turnout" are still read as names when they open a sentence).

**The lexicon, section by section.** A helper wrote 445 nb–en pairs in 14 sections and 83 irregular
forms without seeing any labelled data. All of them together: dev 151 / 5 → 147 / 7, the other parts
+10 found / +13 false alerts, ranking left-out P@5 0.863 → 0.842, duplicates held-out recall 0.833
→ 0.857. The irregular forms alone changed only recurrences (−3 false alerts). Each section alone,
on top of them, against the three measures: kept those that made none worse (reporting verbs,
people and groups, adjectives, everyday nouns, health, housing, politics; 219 pairs); left out
everyday verbs (P@5 0.842), society and statistics nouns and time expressions (dev repeats lost),
linking phrases, inflected forms (+6 false alerts) and English synonym folds (+5). Together the
kept sections give ranking P@5 0.867, nDCG@10 0.916, duplicates held-out 0.923 / 0.857.
The helper also found that stems collide (the first pair of a stem wins): "leder" read as
unemployment (from "ledighet"), "tid" as early, "velge" as voter. A written lemma now keeps its
own translation ("leder" → leader; recurrences unchanged, ranking P@5 0.867 → 0.863, nDCG@10
0.916 → 0.917); FreeDict's words the same way gave P@5 0.858 and are not done, so "tid" (FreeDict
only) still reads as early. Inflected forms keep the stemmer's other stems ("lederen" → "leder"):
registering a lemma's inflections needs its word class, left for a later session.

**Tried and not kept.**
- Every unattributed sentence that names nothing counted as Norway (not only quotes): +7 found,
  +9 false alerts.
- A claim's own closing attribution ("…, according to the monitoring programme") left out of its
  words: −3 found.
- A passage that states a change ("fell by a fifth") where the claim states a level ("had about
  210,000"): cut 0.9 → −3 / −2, 0.8 → −9 / −8.
- A claim whose heaviest words the passage lacks ("cigarette sales" against "Kinobesøket …
  solgte billetter"): translations and paraphrases lack them as often as near misses do.

Figures per part are in the tables above; the goal (0.9 / 0.8 on batches written after the weights)
is still not met.
"""


SESSION18 = """\
## Clauses, comparisons, bounds and relative years (session 18)

**Two batches, both blind.** fresh10.json (museums, taxis, bees, courts, fireworks, dogs; written at
the end of session 17) was read once at the start with session 17's code, then worn. A helper wrote
fresh11.json (cabins, parking, organ donation, swimming, births, snowmobiles; 7aad2e7) at the
start, and it was read once after every change below. fresh12.json (cinemas, reindeer, funerals,
wolves, noise, solariums; aae4ec4) was written for the next session and is not loaded.

| batch | read | session 17's code | session 18's code |
| --- | --- | --- | --- |
| fresh10 | at the start, then worn | **0.543 / 0.417** (25 / 21 / 35) | 0.784 / 0.483 (on a worn part) |
| fresh11 | once, at the end | 0.719 / 0.383 (23 / 9 / 37) | **0.867 / 0.433** (26 / 4 / 34) |

Re-scorer precision / recall (TP / FP / FN), session 15's weights throughout. Over every part but
dev (fresh11 included, on the same labels): session 17's code 346 found / 144 false alerts,
session 18's 378 / 86. Dev: 147 / 5 → 151 / 5.

**What changed** (claims/watch/recurrences.py, recurrence_features.py, quantities.py,
recurrence_words.py; chosen on the worn parts, fresh10 included; found / false alerts over every
part but dev, before fresh11 was added):

| change | found | false alerts |
| --- | ---: | ---: |
| session 17's code | 318 | 143 |
| parts of a whole or a scale ("en tredel", "two thirds"), spans of one unit, decades in words | 318 | 140 |
| "her til lands", "i hele landet" are Norway; "finnes" carries no claim | 319 | 140 |
| a bound on a figure ("over 11 millioner", "minst én gang") is not a change | 320 | 138 |
| a sentence that swaps a word or two of the claim does not pair with its neighbour | 319 | 122 |
| such a swap cuts the hand score to 0.6 (was 0.7; dev unchanged) | 314 | 95 |
| labels: m06 and p03 state c35's fact (nine in ten new cars electric) | 320 | 89 |
| a comparison turned round is the opposite claim, unless a negation turns it back | 321 | 87 |
| "except", "unntatt" take back part of a claim | 321 | 83 |
| "i fjor" / "last year" and "i år" / "this year" compared with each other only | 322 | 81 |
| a claim inside a longer sentence: the sentence's clauses are passages too | 351 | 83 |
| a negated comparison that states a superlative is no negation (dev 148 → 151) | 351 | 83 |

Examples: "fell to just over 11 million" now goes down whatever its "over" says; "mer på Norsk
Tipping enn på utenlandske nettsteder" is the reverse of the claim, while "No country gave more
than Germany" says the claim; a clause is a passage unless it or the rest of its sentence
contradicts the claim ("…, the lowest figure in a decade", "It is not true that …");
"Aldri før har kronen vært så svak" and "No other country kills as many whales" state
superlatives ("no", "never", "ingen", "aldri" turn a comparison; "does not" does not).

The relabelling moved 20 repeats into the gold of fresh7 and fresh9 (c35 on the articles of m06 and
p03): 7 alerts counted false were right, and the matcher's misses of c35 there now count.

**Where recall is lost** (the repeat articles of fresh4–fresh9, by kind; session 17's figures in
brackets): translation 58 / 72 (58), quote 36 / 72 (34), the claim inside a longer sentence
47 / 72 (29), paraphrase 14 / 72 (13). The clauses did what they were for; paraphrase still needs
a judgement of whether two sentences say the same, which no installable source here gives.

**Tried and not kept.**
- The swap rule across languages (factor 0.9 to 0.6): dev recall 0.80 → 0.61–0.76, no fewer false
  alerts. Translation loses words, which look like swaps.
- Words of change ("dropped" / "went down") or verbs (FreeDict's part of speech) left out of the
  swap rule: 348–349 found at 80–89 false alerts against 351 / 83.
- A quote saying "vi" / "we" taking the names of its attribution: no decision changed.
- Other clause boundaries ("and"/"og", "but"/"men", "because"/"fordi"): 352–353 found at 83; parts
  of 3 words: 353 at 92.
- Dropping, after the re-scorer, any passage that contradicts the claim: a negation veto loses
  dev's "No other country …" repeats; a direction veto saves 3 false alerts and no more.
- **The re-scorer's signs.** Session 15's fit weighs the name and negation mismatches positively
  (+0.69, +0.62): collinear with the hand score, which already cuts for them, it adds back what the
  cut took ("Hver femte straffesak … ble ikke utsatt i fjor" scores 0.76 against the claim it
  denies). Refits with those weights held at or below zero (an active-set fit) were worse on the
  worn parts: 309 found / 112 false alerts at the CV rule's own floor, and 228 against 376 found at
  95 false alerts with the shipped floor and C. Setting the two weights to zero in the shipped fit
  gives the same precision–recall curve at a lower threshold. A plain development refit after the
  changes reached a cross-validated recall of 0.853 but found 256 against 376 at 95 false alerts
  on the worn parts: the fourth development refit that loses on later batches. The weights stay;
  the negation case needs labelled negated repeats and near misses, not another fit.

**Speed.** Matching alone against 10,000 live fact-checks: 252 → 210 articles/s on this machine
(the clause windows; target ≥ 50).
"""

SESSION17 = """\
## Two more fresh batches; two-sentence passages, numbers in words, spans of time (session 17)

**Two batches written blind.** Helpers wrote tests/fixtures/recurrences/fresh8.json (hunting, sick
leave, broadband, prisons, ferries, churches; b3e61b1) and, after fresh8 had been read,
fresh9.json (vaccination, electric cars, pharmacies, cycling, avalanches, volunteering; 8fa0417).
Each has 12 fact-checks, 48 repeats and 60 near misses, and was committed alone before anything
scored it. A third, fresh10.json (museums, taxis, bees, courts, fireworks, dogs; 14ce220), was
written at the end for the next session and has not been read: bench/recurrences.py does not
load it yet.

| batch | read | session 16's code | session 17's code |
| --- | --- | --- | --- |
| fresh8 | at the start, then worn | **0.519 / 0.450** (27 / 25 / 33) | 0.625 / 0.500 (on a worn part) |
| fresh9 | once, at the end | 0.611 / 0.550 (33 / 21 / 27) | **0.673 / 0.550** (33 / 16 / 27) |

Re-scorer precision / recall (TP / FP / FN), the shipped weights of session 15 throughout.

**What the errors were and what changed** (claims/watch/recurrences.py, quantities.py,
recurrence_words.py; chosen on the worn parts, fresh8 included; counts are the re-scorer's repeats
found and false alerts over every part but dev, before fresh9 was added):

| change | repeats found | false alerts |
| --- | ---: | ---: |
| session 16's code | 248 | 175 |
| two sentences are one passage only when neither contradicts the claim alone | 248 | 144 |
| numbers in words written as digits; "nine out of ten", "per cent" | 256 | 142 |
| spans of time as one kind, in days | 259 | 142 |
| two sentences only when each brings claim words the other lacks | 257 | 121 |
| "… years ago" states its span; a dated passage weighs 0.6 (was 0.75) | 257 | 114 |
| doubling, gaining, halving, losing, cutting, cheaper as directions | 255 | 105 |

- *The pair of sentences.* The matcher also reads every two neighbouring sentences as one passage,
  for a claim said across them. Joined, their figures and words were pooled, so "More than 15
  churches were sold. More than 150 new churches were built." read as "More than 150 churches
  were sold", and a near miss beside a filler sentence escaped the swap rule (the filler's words
  made more than two extra). A third of the false alerts on the new batches were such pairs.
- *Numbers in words* ("twenty-two", "tre hundre tusen", "seks hundre millioner", "halvannen
  million") were words the claim's digits never met, and, as quantities, conflicts: "sju
  milliarder" stated no 7,000,000,000. A lone "one", "en" or "a" stays a word.
- *Spans of time*: "sju uker" against "49 dager", "four hours" against "240 minutes" were figure
  conflicts; "de siste ti årene" and "the past decade" now meet as D3650.
- Direction: "doblet" against "has fallen", "mistet 2000 senger" against "added 2,000 beds" were
  the same claim to the matcher.

**After the fresh9 read** (so fresh9 is worn for it): the desk's own country said without its
name ("her i landet", "landets", "in this country", "nationwide") now counts as Norway, as a
claim that names it does (claims/watch/recurrence_words.py `HOME_PHRASES`). Repeats found 288 →
293 and false alerts 121 → 122 over every part but dev (fresh9 included); fresh9 itself 0.673 /
0.550 → 0.679 / 0.600.

**Tried and not kept.**
- Another name in one sentence of a pair as a contradiction: 10 fewer false alerts, 2 repeats
  lost (one of them a quote whose attribution named the claim's source).
- A refit of the re-scorer on the development claims, now that the hand score it weighs has
  changed: cross-validated recall 0.788 at precision 0.954 (floor 0.5, C 0.1), but on the worn
  parts 242 repeats at 131 false alerts against the shipped weights' 255 at 105. The third
  development refit that loses on the parts written after it; the weights stay.

**Where recall is lost** (re-scorer, the repeat articles of fresh4–fresh9, by the batches' four
kinds of repeat):

| kind of repeat | found |
| --- | ---: |
| translation into the other language | 58 / 72 |
| quote with attribution | 34 / 72 |
| the claim inside a longer sentence | 29 / 72 |
| paraphrase (in the claim's language, but for one) | 13 / 72 |

The paraphrase is what fails: "Hele 18 prosent av Vy-togene kom for sent" for "Bare 82 prosent
av Vys tog kom fram i rute", "a quarter of all local councils employ not a single psychologist"
for "one in four municipalities has no psychologist on staff". Word tables join words, not
statements; the sentence-level judgement this needs (sessions 13–14: a multilingual sentence
model and the thesauri) is not available here. The goal (P ≥ 0.9 at R ≥ 0.8) is not met on new
topics: 0.67 / 0.55 on the clean fresh9.

**Speed.** Matching alone (production) ran at 98–151 articles/s in three runs on this machine
against 10,000 live fact-checks (the table above has the last), above the target of 50. Before
and after the numbers in words, five alternating runs gave medians of 128 and 131 articles per
CPU-second; this machine's runs spread by ±30%.
"""
