"""The latest sessions' account of the recurrence matcher (#15), printed into
bench/results/recurrences.md by bench/recurrences.py after the live figures; the older
sessions' are in bench/recurrence_notes.py."""

from __future__ import annotations

SESSION25 = """\
## Shares as quantities, figures called exaggerated, words the lexicon lacked (session 25)

**fresh22 read once, at the start, with session 24's code:** 0.750 / 0.550 (33 found, 11 false
alerts, 27 missed; hand score 0.767 / 0.383). Its twelve claims in the index cost one repeat
elsewhere and added one false alert (every part but dev 867 / 131 -> 866 / 132). Its errors then
guided the session, so it is worn. A helper wrote fresh23.json (hearing, campsites, eggs, opticians,
lightning, jellyfish; ids b01–b12) blind at the start; it is not loaded and was not read.

**What changed** (found / false alerts over every part but dev, fresh22 included):

| change | found | false alerts | dev found / false |
| --- | ---: | ---: | ---: |
| session 24's code (fresh22 loaded) | 899 | 143 | 155 / 4 |
| lexicon: verdt, mikrochip, fine particles, allergic = allergy, kg = kilo, licence, uker (1) | 906 | 144 | 155 / 4 |
| a figure called exaggerated or outdated is denied (2) | 906 | 142 | 155 / 4 |
| a share's numbers and ordinal are its quantity, not words (3) | 914 | 135 | 156 / 4 |
| "levere tilbake", "bring back" = return | **915** | **135** | 156 / 4 |

1. Also "begin" = start, "particulates", "søpla" (søppel). Each entry was taken out in turn: none
   of those kept costs a repeat; "årene" as "år" (+4 false alerts, no repeat) and "fyre" = burn
   (−1 repeat) were dropped.
2. "Påstanden om at …, er sterkt overdrevet", "The figure that … is outdated and too high": the
   verdict may follow a degree word ("sterkt", "greatly").
3. "one in five", "ni av ti", "nine out of ten", "hver femte", "a fifth" state a share (P20), as
   "20 prosent" does, but their "5" or "fifth" was a claim word "20 prosent" lacks. A number that
   is no share ("1 of 2021", "five of the 12 lakes") stays a word, as quantities reads it.

fresh22 (worn): 0.750 / 0.550 -> 0.816 / 0.667. The ranker (left-out P@5 0.867, nDCG@10 0.920) and
duplicates (0.923 / 0.857) are unchanged: (1) is the only change they read.

**Tried and not kept:**
- "20 prosent" as no words either (the share alone judging it): 914 / 135 -> 870 / 129;
- a narrower subject ("young", "elder", "private" where the claim has none) cut as a swapped
  word is: 905 / 129, and dev 156 -> 154 found;
- the re-scorer refitted on every part through fresh20 and compared with the shipped fit (dev
  only) on fresh21 + fresh22, which neither fit read: the same recall at precision >= 0.8 (0.73);
  its own threshold rule (precision >= 0.95 in pooled cross-validation) puts its threshold at
  0.87, where it finds 36 of 120. The shipped fit stays, as in sessions 15, 17 and 18.

**Still missed** (of 470 misses before the last row, 213 score under 0.2): paraphrase with other verbs and nouns
across languages ("havner i søpla" for "kaster i restavfallet", "vedforbruket" for "fyrer med
ved"), a subject narrowed or swapped across languages ("Tre av fire hyser" for cod), and quotes
whose attribution is long.
"""


SESSION24 = """\
## Ids told apart, two-word hedges, the capital, strong verbs (session 24)

**fresh21 read once, at the start, with session 23's code:** 0.844 / 0.633 (38 found, 7 false
alerts, 22 missed); its errors then guided the session, so it is worn. Its twelve claims in the
index moved three repeats each of fresh5 and fresh7 just under the threshold (0.708 -> 0.698): the
words' weights are read over every live claim. A helper wrote fresh22.json (bottle deposits, cats,
wood stoves, pollen, clothes, bowling; c70db40) blind at the start; it is not loaded and was not read.

**A fault in the bench:** batches written apart reuse ids (fresh10, fresh20 and fresh21 are all
q01–q12; fresh11 and fresh22 r01–r12), and an alert for one claim counted as found for another
with the same id. A reused id is now its batch's own ("q01@fresh21"). The re-scorer's figures were
not touched; the hand score's were: fresh21's clean read is 0.829 / 0.483 with the ids told apart
(0.800 / 0.400 as first printed).

**What changed** (found / false alerts over every part but dev, fresh21 included; dev stays 155 / 4):

| change | found | false alerts |
| --- | ---: | ---: |
| session 23's code (fresh21 loaded) | 857 | 131 |
| two-word hedges; skade = injury, barnelege, dekk = tyre (1) | 860 | 131 |
| "hvert" no word of a claim; "reject", "avkrefter", … negate (2) | 862 | 131 |
| past forms of prefixed strong verbs ("deltok", "foregikk") (3) | 863 | 131 |
| "hovedstaden", "the capital" said without a name are Oslo (4) | **867** | **131** |

1. "om lag 2000 barn" stated the year 2000; "om lag", "i overkant av", "upwards of" and "up to"
   before a figure make it a count, as "rundt" did.
2. also "dispute", "refute", "dementerer"; "hvert år" was a word of the passage's own.
3. "deltok", "foregikk", "inngikk", "omkom" are their lemma's word (delta, foregå, inngå, omkomme).
4. as "her i landet" is Norway.

The ranker's left-out P@5 0.863 -> 0.867 (nDCG@10 0.920, cross-language 0.900 / 0.904); duplicates
0.923 / 0.857.

**Tried and not kept:**
- a swapped word across languages (a translated word of the passage's own where a translated claim
  word is missing), to stop "sykkelulykker" for "trampoline injuries" and "pinnekjøtt" for
  "lutefisk": 857 / 131 -> 662 / 119 (at most two words) and 795 / 129 (exactly one). The
  lexicon's gaps make most real translations look like swaps;
- cutting a passage that lacks the claim's heaviest word: 619–682 found for 77–94 false alerts;
- "across" as no word of a claim: +1 elsewhere, +3 false alerts on fresh21 ("across all distances"
  against "the full marathon distance alone");
- numbers as no words (the quantity features alone judging them): 867 / 131 -> 760 / 104; "percent"
  as no word: 860 / 132.

**Still missed:** another noun of the same kind in the claim's place across languages (pinnekjøtt,
chocolate bars, bicycle accidents), and repeats said with other verbs ("signed up" for
"registered", "pick up" for "buy").
"""


SESSION23 = """\
## Everyday vocabulary, inflected forms, English "get" (session 23)

**fresh20 read once, at the start, with session 22's code:** 0.684 / 0.433 (26 found, 12 false
alerts, 34 missed; hand score 0.769 / 0.333), the lowest first read since fresh10. Its errors then
guided the session, so it is worn. A helper wrote fresh21.json (six new topics) blind at the start;
it is not loaded and was not read (add "fresh21" to `LATER` to read it once).

**What fresh20 missed:** above all words the lexicon lacked: "borreliose" (Lyme disease),
"flåttencefalitt" (tick-borne encephalitis), "toalett", "speider", "jordbær", "tatovering". Everyday
nouns, not news vocabulary. A helper then wrote ~640 pairs of everyday words (food, berries, shops,
illness, household, leisure, outdoors, associations, common verbs) and English synonyms from general
knowledge, told not to read any fixture and to leave out six topics' words (those of the unread
batch). It wrote no Norwegian word the table had already.

**What changed** (found / false alerts over every part but dev, fresh20 included; ranking and
duplicates checked at every row):

| change | found | false alerts |
| --- | ---: | ---: |
| session 22's code | 803 | 124 |
| an inflected form of a word the lexicon has is that word, not two halves ("offentlige": offent + lige) | 802 | 124 |
| English "get", "gets", "got" are no words of a claim, as "får", "fikk" are not (dev 155 / 4) | 802 | 124 |
| ~640 everyday words in the shared lexicon | **825** | **124** |

"offentlige" had been read as offent + lige, a league; a compound of the lexicon keeps its halves.

The lexicon is shared: the ranker's left-out P@5 stays 0.863 (nDCG@10 0.919 -> 0.920, cross-language
0.900 / 0.904) and duplicates 0.923 / 0.857. Two words were left out because they cost the ranker:
"halvtime" (half hour) lost a cross-language hit (0.900 -> 0.883), and "sekund" would read English
"second", as often the ordinal. fresh20 is now 0.740 / 0.617 (37 / 13 / 23), on a worn part.

**Tried and not kept:** words of averaging ("average", "gjennomsnitt", "i snitt") as no words of a
claim: 802 / 124 -> 799 / 121 and one fewer on dev. Splitting no Norwegian word whose own key the
lexicon translates: 797 / 118 (real compounds such as "klimagassutslippene" lost the half that meets
"emissions").

**Still missed on fresh20:** a narrower or another subject in the claim's place ("dogs" for "people",
"Norske barn under tolv år" for "Norwegians", "toilets that are open all night" for "toilets"), and
a verb said another way cut as a swapped word ("gets through" for "eat").
"""


SESSION22 = """\
## Counts that read as years, hedges, hyphenated terms; matching only where words nominate (session 22)

**fresh18 read once, at the start, with session 21's code:** 0.804 / 0.617 (37 found, 9 false
alerts, 23 missed); its errors then guided the session, so it is worn. A helper wrote fresh19.json
(orienteering, mushrooms, bunads, cheese, Christmas trees, sailing; d669c90) blind at the start; it
was read once at the end, after every change below:

| batch | read | session 21's code | session 22's code |
| --- | --- | --- | --- |
| fresh18 | at the start, then worn | **0.804 / 0.617** (37 / 9 / 23) | 0.854 / 0.683 (on a worn part) |
| fresh19 | once, at the end | 0.732 / 0.683 (41 / 15 / 19) | **0.759 / 0.683** (41 / 13 / 19) |

Over every part but dev, fresh18 and fresh19 included: session 21's code 768 found / 117 false
alerts, session 22's 776 / 115. Dev 154 / 5 both. The goal (0.9 / 0.8) is not reached. A helper
wrote fresh20.json blind for the next session; it is not loaded (add "fresh20" to `LATER`).

**What changed** (found / false alerts over every part but dev, fresh18 included, before fresh19
was loaded; ranking and duplicates were checked at every row and did not move):

| change | found | false alerts |
| --- | ---: | ---: |
| session 21's code | 729 | 102 |
| a hyphenated English term is the phrase of its Norwegian word ("part-time", "deltid"); matcher only | 732 | 102 |
| hedges on a figure are no words of the claim ("roughly", "omtrent", "cirka") | 737 | 105 |
| a count in digit groups or in words is no year ("About 2,000 people" was the year 2000) | 735 | 102 |
| a count after a hedge or a bound is no year either ("rundt 2000 personer", "more than 2000 members") | 737 | 102 |

Counts that would read as years are marked (`N2000`), so they compare with counts and not with
years. The hyphenated terms are read by the matcher only: in the shared phrase table the ranker's
left-out P@5 fell 0.863 -> 0.850 (duplicates rose 0.923 / 0.857 -> 0.925 / 0.881). The hedges
cost three false alerts for five repeats: a claim's "omtrent ti prosent" now meets "far less than a
tenth" as readily as "about a tenth", since a bound reached through "than a" is not read as one.

**What fresh19 missed and wrongly found** (read after the figures, for the next session):
- denials the lists lack: "tilbakeviser at", "bestrider at" (three false alerts between them).
  After the read they were added, with "disputes" and "rejects", as negations: every part but dev
  776 / 115 -> 776 / 112, fresh19 0.804 / 0.683 on a now worn part, dev unchanged;
- a word that narrows or moves the claim's subject: "imported bunads", "plastjuletrær" for "real
  Christmas trees", "exported" for "produced", "Jarlsberg" for "brunost", "17. mai-feiring" for
  "bunads" (seven false alerts);
- paraphrases in the claim's own language, again the most missed kind ("tar imot om lag tusen"
  for "receives about 1,000 calls", "Over a billion kroner goes on bunads" for "Norwegians spend").

**Speed.** Matching now reads a sentence's quantities, negation, directions and superlatives only
when its words nominate a claim, alone or with a neighbour (`words_of`, then `completed`): about one
sentence in ten on the harvest bench's pages. The labelled figures are identical with and without
it; on 400 bench pages, matching alone went from 230-238 to 261-268 articles/s.
"""

SESSION21 = """\
## Denials, clause boundaries, spans against years, swaps, synonyms, a quote's "we" (session 21)

**fresh16 read once, at the start, with session 20's code:** 0.840 / 0.700 (42 found, 8 false
alerts, 18 missed); its errors then guided the session with the older parts, so it is worn. A
helper wrote fresh17.json (six topics no batch had; b297c8c) blind at the start; it was read once
at the end, after every change below:

| batch | read | session 20's code | session 21's code |
| --- | --- | --- | --- |
| fresh16 | at the start, then worn | **0.840 / 0.700** (42 / 8 / 18) | 0.945 / 0.867 (on a worn part) |
| fresh17 | once, at the end | 0.833 / 0.667 (40 / 8 / 20) | **0.875 / 0.700** (42 / 6 / 18) |

Over every part but dev, fresh16 and fresh17 included: session 20's code 648 found / 117 false
alerts, session 21's 692 / 96 (precision 0.85 -> 0.88, recall 0.60 -> 0.64). Dev 153 / 5 -> 154 / 5.
The goal (0.9 / 0.8) is not reached. A helper wrote fresh18.json blind for the next session; it is
not loaded (add "fresh18" to `LATER` to read it once).

**What changed** (found / false alerts over every part but dev, fresh16 included, before fresh17
was loaded; ranking and duplicates were checked at every row and did not move):

| change | found | false alerts |
| --- | ---: | ---: |
| session 20's code | 611 | 108 |
| a claim called false is denied: "It is false that …", "Det er feil at …", "a myth that" | 611 | 100 |
| Norwegian bodies in the alias table (NFF, NIF, DNT, agencies), sixteen news words | 621 | 104 |
| a share against a count with no number in common is another figure; "three in every ten" | 621 | 101 |
| an English phrase in the plural is the phrase ("district courts"), for the matcher only | 624 | 101 |
| "tar" is take (FreeDict read "ta" as tå), "tilfelle" is case; a plural's lemma ("konsertene") | 626 | 102 |
| present tenses the stemmer leaves whole: "bor" (live, not bore), "tror", "ser", "gir" | 631 | 102 |
| "that" frames a clause in English and "at" in Norwegian ("at least once" was cut in two) | 631 | 100 |
| a tail after a comma whose head names another country ("Sweden's largest lake, Vänern, has …") | 631 | 98 |
| a statement called false after it ("…, is false", "Påstanden om at …, er feil") | 631 | 92 |
| a change since a year against one over a span ("siden 1999" / "de siste fem årene") | 631 | 88 |
| the re-scorer cuts a swapped word as the hand score does; "Hyttegjester" for "Cruiseturister" | 631 | 87 |
| a relative year either way round ("neste år" / "fra 2022 til 2023"; "i år" / five years) | 631 | 84 |
| a three-letter compound half that is a written lemma ("elg" in "Elgbestanden") | 642 | 91 |
| "fail to" is a negation; "It is untrue that … fail to …" says the reverse | 641 | 89 |
| synonym groups (company/firm, buy/purchase, visitors/besøk, fine/gebyr, accident/crash …) | 648 | 89 |
| a quote's "we" is the body its attribution names ("– Vi tok imot …, sa direktøren i X") | 652 | 89 |

After fresh17's read (so on worn parts only, fresh17 included): Norwegian towns and counties are
names wherever they stand (`lexicon_data/places.tsv`, read by the matcher only: "Tromsø kommune
skal bruke …" is not Trondheim's claim), and a denial frame's own "ikke" is no negation of the
clause it denies ("Det er ikke sant at … ikke oppfyller …"): 692 / 96 -> 693 / 93. The table at
the top of this file is after them.

Spans and relative years are read from today's year, except in this bench, which reads them as
of 2026 (`quantities.reference_year`), when the batches were written, so its figures do not drift
as the years pass. Most of the session's gain is precision: rules that say why a near miss is
another claim (a denial, another country in the sentence's head, another period). Recall moved by
words: the lexicon still lacks much of the vocabulary a same-language paraphrase uses.

**Tried and not kept** (from the row before, unless said):
- the inflected forms of every written lemma in the shared lexicon: +6 found, +5 false alerts, and
  the ranker's left-out P@5 0.863 -> 0.846; as a table the matcher alone reads (a form to its
  lemma's term, or to its lemma's keys): 634 / 107 and 636 / 108 against 631 / 102 ("årene" as
  year shifted many near misses);
- noun stems of two letters ("øyer" as øy, island): +5 / +5;
- "går" as gå, go: +1 / +2 ("går i barnehage", "går ned");
- figures left out of a swap's count when the quantities agree: 629 / 88 against 631 / 84
  ("nesten 2000 sengeplasser" reads 2000 as a year);
- a candidate's nominating share taken of the weight the arrays can find: no change;
- a tail also cut when the head that frames it names another country: 627 / 98 against 631 / 98
  ("The report, which also looked at cross-border shopping in Sweden, noted that …").

**Speed.** `speed()` (the re-scorer against 10,000 live claims), four runs of each code
alternating on this machine: session 20's 108.4, 111.9, 95.6, 113.5 articles/s (median 110),
session 21's 110.3, 79.5, 111.9, 92.9 (median 102). Within this machine's noise, perhaps a few
percent slower; the new rules are per-sentence checks over words already read. The table above is
one run at the end.
"""

SESSION20 = """\
## Cuts the re-scorer had undone, 1,070 news words, every country, compound halves (session 20)

**fresh14 read once, at the start, with session 19's code:** 0.804 / 0.683 (41 found, 10 false
alerts, 19 missed); its errors then guided the session with the older parts, so it is worn. A
helper wrote fresh15.json (lakes, bakeries, tunnels, choirs, horses, islands; c1c2e5d) blind at the
start; it was read once at the end, after every change below:

| batch | read | session 19's code | session 20's code |
| --- | --- | --- | --- |
| fresh14 | at the start, then worn | **0.804 / 0.683** (41 / 10 / 19) | 0.978 / 0.750 (on a worn part) |
| fresh15 | once, at the end | 0.692 / 0.600 (36 / 16 / 24) | **0.826 / 0.633** (38 / 8 / 22) |

Over every part but dev, fresh14 and fresh15 included: session 19's code 521 found / 122 false
alerts, session 20's 570 / 100 (precision 0.81 -> 0.85, recall 0.52 -> 0.57). Dev 151 / 5 -> 153 / 5.
The goal (0.9 / 0.8) is not reached. A helper wrote fresh16.json blind for the next session (read
in session 21).

**What changed** (found / false alerts over every part but dev, fresh14 included, before fresh15
was loaded):

| change | found | false alerts | dev |
| --- | ---: | ---: | --- |
| session 19's code | 487 | 106 | 151 / 5 |
| the re-scorer cuts a negation or direction mismatch as the hand score does (below) | 487 | 91 | 150 / 5 |
| a short noun's plural reads as its noun ("bruer"); "om lag", "must", "innen" are grammar | 492 | 91 | 151 / 5 |
| a weak verb's participle reads as its verb ("brukt", "kjøpt") | 495 | 91 | 151 / 5 |
| a claim's "i fjor" against a figure dated years away ("in 2008") is another year | 495 | 90 | 151 / 5 |
| lexicon: ~1,070 news words written blind by a helper, kept by section (below) | 520 | 89 | 152 / 5 |
| every country is a name (countries.tsv); a capital first in a sentence makes no name | 523 | 89 | 152 / 5 |
| a compound's half of four letters or more the lexicon translates ("bilferjer") | 534 | 92 | 153 / 5 |

The first row is the largest ("unable" and "cannot" became negations with it): the fit weighs a
negation mismatch +0.62 (collinear with the hand score, which already cuts it), so "Det er ikke
riktig at CLAIM" scored 0.93, and "38 prosent mindre" 0.87 for "38 percent more". The country list
is read by the matcher only: in the shared names the ranker's left-out nDCG@10 fell 0.919 -> 0.917.
Without it the capital rule let "Rwanda har den høyeste andelen …" through for Norway's claim (dev
+1 false alert); with it "Hunters" and "Jegerne" no longer cut repeats as name mismatches. Three-
letter halves found 543 / 95.

**The lexicon, section by section.** A helper wrote 1,502 nb–en pairs in ten sections without the
labelled data. Kept where none of recurrences, ranking (left-out P@5, nDCG@10, also cross-language)
and duplicates got worse: environment and nature (+9 found), health (+5), people (+5, +1 false
alert), public services (-2 false alerts), transport (+2), both halves of work and money (-2 found
alone, neutral with the rest), the second half of culture (+1 on dev), the first half of the verbs
and the second of the adjectives (+5). Left out: science and measurement (+2 false alerts, or
cross-language P@5 0.900 -> 0.883), the first half of culture (a false alert on dev), the second
half of the verbs (P@5 0.863 -> 0.858) and the first half of the adjectives (cross-language P@5
0.900 -> 0.867). Ranking after: P@5 0.863, nDCG@10 0.919 (cross-language 0.900 / 0.904); duplicates
held-out 0.923 / 0.857, as before.

**Where the misses are** (recall by kind of repeat, every part but dev, session 20's code): a
translation 0.79; a paraphrase in the claim's own language **0.22** (38 of 170), in the other 0.62;
a quote 0.37 in the same language, 0.67 across; a claim inside a longer sentence 0.61 / 0.78. A
same-language paraphrase changes the very words the score counts ("har gått ned" for "har falt",
"annenhver" for "halvparten", "No European country has given … more than Germany"); no
paraphrase model can be installed here (no spaCy or sentence-embedding model is on the package
index this machine reaches).

**Speed.** The larger lexicon and the country names cost no matching speed: alternating runs of
`speed()` against 10,000 live claims gave session 19's code 133 and 135 articles/s, this session's
137 and 121 (a shared machine); the table above is a run at idle. Working out a sentence's full
features only where a cheap upper bound of its shared weights (its words' keys alone) can nominate
a claim gave the same passages on 2,000 harvested articles at 2% more speed (7.6% of their
sentences nominate anything, yet the bound costs nearly what the features do), so it was left out.

**Tried and not kept** (every part but dev, from 534 / 92 or the row before):
- number words left out of the coverage: 461 / 83 (digits), 455 / 83 (and share words);
- number words counted as found when the quantities agree ("ti år" / "a decade"): 556 / 129;
- direction verbs counted as found when the directions agree: 531 / 94;
- across languages, forgiving only the claim's untranslated words instead of a flat 1.25: 483 / 80
  to 529 / 91, with dev 140–144 found;
- a swapped translated word across languages cut as a same-language swap is: 518 / 88 (one word),
  480 / 83 (two), dev 137 and 122;
- hedges ("nesten", "almost", "roughly") as grammar: no change; "mer" too: 533 / 92;
- "viser" / "shows" as a closing attribution: 525 / 92;
- a refit of the re-scorer on thirteen parts (dev, heldout, fresh, fresh4–fresh13): its
  leave-topics-out rule (precision 0.95) chose a threshold of 0.89 and found 257 / 19.
"""
