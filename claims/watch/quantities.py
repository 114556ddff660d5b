"""Quantities written the same way in Norwegian and English, for telling claims apart.

Discovery's number normalisation (`claims.discovery.numbers`) already joins digit groups
and writes out "2,5 millioner"; a claim also states its quantities in words, and a repeat
often says the same quantity another way. Here they meet on one form:

* counts in words become digits ("ti år", "ten years" → ``10``);
* shares become a percentage ``P20``: "20 prosent", "20 %", "one in five", "hver femte",
  "a fifth", "en femtedel" and "every fifth" are one share; "halvparten", "half",
  "annenhver", "every second" are ``P50``;
* changes by a factor become ``x2``/``x3``: "doubled", "doblet", "twice", "tredoblet",
  "three times";
* spans of time become days ``D49``: "sju uker", "49 days"; "the last decade" and "de siste
  ti årene" are ``D3650``;
* numbers spelled out ("twenty-two", "tre hundre tusen") are digits first
  (`claims.watch.spelled_numbers.spelled_out`).

`quantities` gives the set of these for a text; two texts that both state quantities and
share none make different claims ("10 percent" vs "3 percent", "a third" vs "a quarter").
`kinds`, `compared_quantities` and `quantities_missing` say how the recurrence matcher
compares two such sets: kind by kind (shares, factors, years, other figures).
Pure: no I/O.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache

from claims.discovery import numbers
from claims.watch.recurrence_words import HEDGES
from claims.watch.spelled_numbers import AGO, SCALES, count_word, fmt, is_year

# Ordinals as denominators ("hver femte", "every fifth", "a fifth", "en femtedel").
_ORDINALS = {
    "second": 2, "annen": 2, "andre": 2, "third": 3, "tredje": 3, "fourth": 4, "fjerde": 4, "quarter": 4,
    "fifth": 5, "femte": 5, "sixth": 6, "sjette": 6, "tenth": 10, "tiende": 10,
}  # fmt: skip
_PARTS = {"halvdel": 2, "halvpart": 2, "halvparten": 2, "tredjedel": 3, "tredjedelen": 3, "tredel": 3,
          "tredelen": 3, "tredjedeler": 3, "tredeler": 3, "fjerdedel": 4, "fjerdedelen": 4, "firedel": 4,
          "firedelen": 4, "fjerdedeler": 4, "firedeler": 4, "femtedel": 5, "femtedelen": 5, "femtedeler": 5,
          "tidel": 10, "tidelen": 10, "tiendedel": 10, "tideler": 10, "tiendedeler": 10}  # fmt: skip
# "two thirds", "four fifths": a count of parts (a lone "thirds" is one of them).
_PLURAL_PARTS = {"thirds": 3, "quarters": 4, "fifths": 5, "sixths": 6, "tenths": 10}
# "en kvart milliard", "half a million": a part of a scale.
_SCALE_PARTS = {"kvart": 0.25, "quarter": 0.25, "halv": 0.5, "half": 0.5}
_HALF = {"half", "halvparten", "halvpart", "halvdel", "halvert", "halved", "halve", "annenhver", "halvere"}
_FACTORS = {
    "double": 2, "doubled": 2, "doubles": 2, "twice": 2, "doble": 2, "doblet": 2, "dobler": 2, "dobbelt": 2,
    "fordoblet": 2, "tripled": 3, "triple": 3, "triples": 3, "tredoble": 3, "tredoblet": 3, "tredobler": 3,
    "tredobbelt": 3, "quadrupled": 4, "firedoblet": 4,
}  # fmt: skip
_EVERY = {"every", "each", "hver", "hvert"}
_ONE = {"one", "1", "en", "én", "ei", "ett", "étt", "a", "an"}
_IN = {"in", "of", "out", "av", "på", "i"}
_PERCENT = {"percent", "prosent", "pct", "%", "percentage", "prosentpoeng"}
_TIMES = {"times", "ganger"}
# Scales after a count in words ("seks milliarder", "two million"); digits are scaled by
# claims.discovery.numbers already.
# Decades and "… ago" date a statement the way a year does.
_DECADE = re.compile(r"((?:1[89]|20)\d0)(s?)")
# Decades in words ("since the eighties", "på åttitallet"); "the twenties" could be either century.
_DECADE_NAMES = {"fifties": "1950", "sixties": "1960", "seventies": "1970", "eighties": "1980",
                 "nineties": "1990", "femtitallet": "1950", "sekstitallet": "1960", "syttitallet": "1970",
                 "søttitallet": "1970", "åttitallet": "1980", "nittitallet": "1990"}  # fmt: skip
_DECADE_WORDS = {"tallet", "årene"}
_YEARS = {"years", "year", "decades", "decade"}
_AGO = {"ago", "earlier"}
# Spans of time in one unit (days), so "sju uker" is "49 dager", "four hours" "240 minutes"
# and "the last decade" "de siste ti årene": ``D49``, ``D0.1667``, ``D3650``.
_DAY = 1.0
_MONTH = 365 * _DAY / 12  # a twelfth of a year, so "de siste tolv månedene" is "det siste året"
_DURATIONS = {
    "minute": _DAY / 1440, "minutes": _DAY / 1440, "minutt": _DAY / 1440, "minutter": _DAY / 1440,
    "minuttene": _DAY / 1440, "hour": _DAY / 24, "hours": _DAY / 24, "time": _DAY / 24, "timer": _DAY / 24,
    "timene": _DAY / 24, "day": _DAY, "days": _DAY, "dag": _DAY, "dager": _DAY, "dagene": _DAY, "døgn": _DAY,
    "week": 7 * _DAY, "weeks": 7 * _DAY, "uke": 7 * _DAY, "uker": 7 * _DAY, "ukene": 7 * _DAY,
    "month": _MONTH, "months": _MONTH, "måned": _MONTH, "måneder": _MONTH, "månedene": _MONTH,
    "year": 365 * _DAY, "years": 365 * _DAY, "år": 365 * _DAY, "årene": 365 * _DAY,
    "decade": 3650 * _DAY, "decades": 3650 * _DAY, "tiår": 3650 * _DAY, "tiårene": 3650 * _DAY,
}  # fmt: skip
# "the last decade", "det siste tiåret": one decade without a count.
_A_DECADE = {"decade", "tiåret", "tiår"}
# "de to siste tiårene", "the past ten years": a word between the count and its unit.
_SPAN_WORDS = {"last", "past", "first", "next", "siste", "første", "neste", "kommende"}
# One unit without a count, after a span word: "the past year", "det siste året", "the last
# month". ("last year" with no article is a calendar year, "i fjor", not a span.)
_ONE_UNIT = {"year": 365.0, "året": 365.0, "month": _MONTH, "måneden": _MONTH, "week": 7.0, "uken": 7.0,
             "uka": 7.0, "døgnet": 1.0}  # fmt: skip
_SPAN_ARTICLES = {"the", "det", "den"}
# A year named by its distance from now ("i fjor", "this year"): ``R-1``, ``R0``, ``R1``. They
# are compared only with each other: a claim's "last year" may be an article's "2023".
_RELATIVE_YEARS = {("last", "year"): -1, ("this", "year"): 0, ("next", "year"): 1, ("i", "fjor"): -1,
                   ("i", "forfjor"): -2, ("i", "år"): 0, ("neste", "år"): 1}  # fmt: skip
_RELATIVE_WORDS = {"fjoråret": -1}
_TOKEN = re.compile(r"%|[^\W_]+(?:[.,]\d+)?", re.UNICODE)


def _duration(days: float) -> str:
    return "D" + fmt(round(days, 4))


def _share(numerator: float, denominator: float) -> str:
    return f"P{round(100 * numerator / denominator)}"


_NONE: frozenset[str] = frozenset()  # shared: most sentences state no quantity


# Passages seldom recur (boilerplate aside, which spelled_out's 8,192 also keep), and a
# sentence's clauses are passages too: 8,192 texts, about 4 MB.
@lru_cache(maxsize=8192)
def quantities(text: str, language: str) -> frozenset[str]:
    """The quantities a text states: digits ("2021", "10"), shares ("P20") and factors ("x2")."""
    words = [w.replace(",", ".") for w in _TOKEN.findall(numbers.normalize(text).lower())]
    # A figure written in digit groups ("2,000 people", "2 000 medlemmer") or with a scale
    # ("two thousand") is a count, never a year, though normalised it reads "2000".
    grouped = None
    if _GROUP_HINT.search(text):
        grouped = Counter(float(_SEPARATOR.sub("", g)) for g in _GROUPED.findall(text))
    found: set[str] = set()
    used: set[int] = set()
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        after = words[i + 2] if i + 2 < len(words) else ""
        relative = _RELATIVE_YEARS.get((word, following), _RELATIVE_WORDS.get(word))
        if relative is not None and not (following == "year" and i and words[i - 1] in _SPAN_ARTICLES):
            found.add(f"R{relative}")  # "the last year" is a span (below), "last year" a year
        count = count_word(word, language)
        decade = _DECADE.fullmatch(word)
        if decade and (decade.group(2) or following in _DECADE_WORDS):
            # "the 1990s", "på 1990-tallet": a time, as a year is ("1990"), not a figure
            found.add(decade.group(1))
            used.update({i, i + 1})
        elif count is not None and (
            (following in _YEARS and after in _AGO) or (following == "år" and after == "siden")
        ):
            # "twenty years ago", "for 20 år siden": dated, as by a year, and the span back to
            # then ("halvparten så mange som for ti år siden" is "halvert på ti år")
            found.update({AGO, _duration(count * _DURATIONS[following])})
            used.add(i)
        elif count is not None and following in _DURATIONS and not (following == "time" and language == "en"):
            # "49 dager", "four hours": a span, in days
            found.add(_duration(count * _DURATIONS[following]))
            used.add(i)
        elif count is not None and following in _SPAN_WORDS and after in _DURATIONS:
            found.add(_duration(count * _DURATIONS[after]))
            used.add(i)
        elif word in _DECADE_NAMES:
            found.add(_DECADE_NAMES[word])
        elif (
            word in _SPAN_WORDS
            and following in _ONE_UNIT
            and (word in {"past", "siste"} or (i and words[i - 1] in _SPAN_ARTICLES))
            and (following != "year" or word != "last" or words[i - 1 : i] == ["the"])
        ):
            # "the past year", "det siste året": a span of one unit
            found.add(_duration(_ONE_UNIT[following]))
            used.add(i + 1)
        elif word in _SCALE_PARTS and (following in SCALES or (following == "a" and after in SCALES)):
            # "en kvart milliard", "half a million"
            scale = SCALES[following] if following in SCALES else SCALES[after]
            found.add(fmt(_SCALE_PARTS[word] * scale))
            used.update({i + 1, i + 2})
        elif word in _PLURAL_PARTS and i and count_word(words[i - 1], language):
            # "two thirds", "four fifths"
            numerator = count_word(words[i - 1], language) or 0.0
            if 0 < numerator < _PLURAL_PARTS[word]:
                found.add(_share(numerator, _PLURAL_PARTS[word]))
            used.add(i - 1)
        elif word in _A_DECADE and not (i and count_word(words[i - 1], language) is not None):
            found.add(_duration(3650.0))
        elif word == "quarter" and following == "of" and after == "a" and words[i + 3 : i + 4] == ["century"]:
            found.add(_duration(25 * 365.0))
        elif word in _HALF:
            found.add("P50")
        elif word in _PARTS:
            # "to tredjedeler", "tre firedeler": a count of parts; alone or after "en", one
            counted = count_word(words[i - 1], language) if i else None
            if counted is not None and 0 < counted < _PARTS[word]:
                found.add(_share(counted, _PARTS[word]))
                used.add(i - 1)
            else:
                found.add(_share(1, _PARTS[word]))
        elif word in _FACTORS:
            found.add(f"x{_FACTORS[word]}")
        elif word in _EVERY and following in _ORDINALS:
            # "hver femte", "every fifth": one in five
            found.add(_share(1, _ORDINALS[following]))
            used.add(i + 1)
        elif (
            word in _ONE
            and following in _ORDINALS
            and (after in _IN or following in {"quarter", "third", "fifth"})
            and words[i + 2 : i + 5] != ["of", "a", "century"]
        ):
            # "a fifth of", "one third of"
            found.add(_share(1, _ORDINALS[following]))
            used.add(i + 1)
        elif count is not None and (following in _PERCENT or (following == "per" and after == "cent")):
            found.add("P" + fmt(count))
            used.add(i)
        elif (
            (count is not None or word in _ONE)
            and following == "out"
            and after == "of"
            and (place := _denominator_at(words, i + 3, language))
        ):
            # "nine out of ten", "two out of every five"
            denominator = count_word(words[place], language) or 0.0
            numerator = 1.0 if word in _ONE else (count or 0.0)
            if 0 < numerator < denominator <= 100:
                found.add(_share(numerator, denominator))
                used.update({i, place})
        elif (
            (count is not None or word in _ONE)
            and following in _IN
            and (place := _denominator_at(words, i + 2, language))
        ):
            # "one in five", "nine in ten", "three in every ten", "en av fem"; "1 of 2021" is not a share
            denominator = count_word(words[place], language) or 0.0
            numerator = 1.0 if word in _ONE else (count or 0.0)
            if 0 < numerator < denominator <= 100:
                found.add(_share(numerator, denominator))
                used.update({i, place})
        elif count is not None and following in _TIMES:
            found.add("x" + fmt(count))
            used.add(i)
        elif count is not None and following in SCALES:
            found.add(_counted(count * SCALES[following]))
            used.add(i)
    for i, word in enumerate(words):
        if i in used:
            continue
        count = count_word(word, language)
        if count is not None:
            if grouped and grouped[count]:
                grouped[count] -= 1  # "2 000 people in 2000": one count and one year
                found.add(_counted(count))
            elif _hedged(words, i):
                found.add(_counted(count))  # "rundt 2000 personer", "more than 2000 members"
            else:
                found.add(fmt(count))
    return frozenset(found) if found else _NONE


_GROUP_HINT = re.compile(r"\d[ .,\u00a0\u202f]\d{3}")
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+(?![\d]|[.,]\d)")
_SEPARATOR = re.compile(r"[ .,\u00a0\u202f]")
COUNT_MARK = "N"  # a count that would read as a year: "N2000" is 2,000 of something


# Words that hedge or bound a count ("about 2000", "nesten 2000"); "more than 2000" as well,
# where "earlier than 2000" is a year. ("circa 1900" is as often a year.)
_HEDGED = HEDGES | frozenset(
    {"nearly", "almost", "over", "under", "nesten", "nærmere", "drøyt", "snaut", "knapt", "opptil"}
)
_COMPARED = frozenset({"more", "fewer", "less", "flere", "færre", "mindre", "mer"})


# Two-word hedges and bounds, by their last word: "om lag 2000", "i overkant av 2000",
# "upwards of 2000", "up to 2000", "as many as 2000", "more than 2000".
_HEDGED_PAIRS = {
    "lag": {"om"}, "av": {"overkant", "underkant"}, "of": {"upwards"}, "to": {"up"}, "as": {"many"},
    "than": _COMPARED, "enn": _COMPARED,
}  # fmt: skip


def _hedged(words: list[str], i: int) -> bool:
    before = words[i - 1] if i else ""
    return before in _HEDGED or (i > 1 and words[i - 2] in _HEDGED_PAIRS.get(before, ()))


def _counted(number: float) -> str:
    """A count as a quantity: marked when it would otherwise read as a year."""
    figure = fmt(number)
    return COUNT_MARK + figure if is_year(figure) else figure


_OUT_OF_EVERY = {"every", "each"}


def _denominator_at(words: list[str], place: int, language: str) -> int:
    """Where the count a share is out of stands: at `place`, or after an "every" there
    ("three in every ten"); 0 when there is none."""
    if place < len(words) and words[place] in _OUT_OF_EVERY:
        place += 1
    return place if place < len(words) and count_word(words[place], language) is not None else 0


# A share's parts: "one in five", "ni av ti", "nine out of ten", "hver femte", "a fifth". The
# share itself is a quantity ("P20"), which "20 prosent" states as well; its numbers and
# ordinal as words would be words "20 percent" lacks.
_SHARE_OF = frozenset({"in", "av", "of"})


def share_positions(lowered: list[str]) -> set[int]:
    """Positions of a share's numbers and ordinal in lowered words (digits as spelled_out
    writes them): recurrence features leave them to the share's quantity."""
    skipped: set[int] = set()
    for i, word in enumerate(lowered):
        before = lowered[i - 1] if i else ""
        if word in _ORDINALS and (before in _EVERY or before in _ONE):
            skipped.add(i)  # "hver femte", "every fifth", "a fifth"
        elif word.isdecimal() and i >= 2 and before in _SHARE_OF:
            first = i - 3 if before == "of" and lowered[i - 2] == "out" and i >= 3 else i - 2
            numerator = 1 if first >= 0 and lowered[first] in _ONE else None
            if first >= 0 and lowered[first].isdecimal():
                numerator = int(lowered[first])
            # as quantities reads a share: "1 of 2021" is none
            if numerator is not None and 0 < numerator < int(word) <= 100:
                skipped.update({first, i})  # "1 in 5", "9 av 10", "9 out of 10"
    return skipped


@lru_cache(maxsize=4096)  # a window meets ~200 claims, and many claims state the same figures
def kinds(numbers: frozenset[str]) -> dict[str, frozenset[str]]:
    """Quantities by kind: shares ("P20"), factors ("x2"), years, spans of time ("D49") and other
    figures (the hand score and the re-scorer both read them). Years apart: "eleven notices
    since 2015" and "eleven notices since 2022" share the 11, and as one kind of figure they
    agreed."""
    shares = frozenset(q for q in numbers if q[:1] == "P")
    factors = frozenset(q for q in numbers if q[:1] == "x")
    durations = frozenset(q for q in numbers if q[:1] == "D")
    relative = frozenset(q for q in numbers if q[:1] == "R")
    figures = numbers - shares - factors - durations - relative
    years = frozenset(q for q in figures if is_year(q))
    return {
        "share": shares,
        "factor": factors,
        "year": years,
        "duration": durations,
        "figure": figures - years,
        "relative": relative,
    }


def compared_quantities(
    claim_kinds: dict[str, frozenset[str]], window_kinds: dict[str, frozenset[str]]
) -> list[tuple[frozenset[str], frozenset[str]]]:
    """The claim's and the window's quantities of each kind both state. A change by a factor
    on one side and by a share on the other (and no factor) are one kind of change: "doubled"
    is "up 100 percent", and "up by a third" is another change than "doubled"."""
    pairs = [(q, window_kinds[kind]) for kind, q in claim_kinds.items() if q and window_kinds[kind]]
    # Figures that agree in part: "600,000 a year … 2,400 less" against "600 000 … 240 lower"
    # share the salary and not the saving. Each side stating a figure the other lacks is
    # another claim (a passage that leaves one out and adds none is not).
    claim_figures, window_figures = claim_kinds["figure"], window_kinds["figure"]
    if claim_figures & window_figures and claim_figures - window_figures and window_figures - claim_figures:
        pairs.append((claim_figures - window_figures, window_figures - claim_figures))
    for dated in (_dated_relative(claim_kinds, window_kinds), _span_against_year(claim_kinds, window_kinds)):
        if dated:
            pairs.append(dated)
    for one, other in ((claim_kinds, window_kinds), (window_kinds, claim_kinds)):
        if one["factor"] and not other["factor"] and other["share"] and not one["share"]:
            as_share = _factor_shares(one["factor"])
            pairs.append((as_share, other["share"]) if one is claim_kinds else (other["share"], as_share))
    # A share on one side and a count on the other, with no number in common ("one in four
    # players are girls" against "380,000 registered players"): each states a figure the other
    # lacks, which is another claim. The same number as a share and a count ("92 percent",
    # "92 of every hundred") is one figure said two ways.
    for one, other in ((claim_kinds, window_kinds), (window_kinds, claim_kinds)):
        if (
            one["share"]
            and not one["figure"]
            and other["figure"]
            and not other["share"]
            and not (one["factor"] or other["factor"] or one["duration"] or other["duration"])
            and {q[1:] for q in one["share"]}.isdisjoint(other["figure"])
        ):
            pairs.append((one["share"], other["figure"]) if one is claim_kinds else (other["figure"], one["share"]))
    return pairs


_COUNTED = ("share", "factor", "duration", "figure")  # the kinds that count something (not a year)
# The year "last year" and "the past five years" are read from: today's, unless a caller
# fixes it (the labelled benchmark, written in 2026, reads them as of then, so that its figures
# do not drift as the years pass).
_REFERENCE_YEAR: ContextVar[int | None] = ContextVar("reference_year", default=None)


def this_year() -> int:
    return _REFERENCE_YEAR.get() or dt.date.today().year


@contextlib.contextmanager
def reference_year(year: int) -> Iterator[None]:
    """Read relative years and spans as of `year` within the block."""
    token = _REFERENCE_YEAR.set(year)
    try:
        yield
    finally:
        _REFERENCE_YEAR.reset(token)


RELATIVE_SLACK = 3  # years either side of the year a claim's "last year" means, read from today


def _dated_relative(
    claim_kinds: dict[str, frozenset[str]], window_kinds: dict[str, frozenset[str]]
) -> tuple[frozenset[str], frozenset[str]] | None:
    """A claim's "i fjor" against a window that dates its figure: the years "last year" can
    mean, read from today with a few years' slack (a fact-check stays live for years, and the
    claim's own date is not known here), against the window's years. "52 drowned in 2008" is
    another year's figure than "52 drowned last year"; "in 2025" may be the same. A year the
    claim states too is no date of the window's own ("1 900 elger" reads as a year). Either
    way round: a window's "neste år" against a claim's "fra 2022 til 2023" too."""
    for one, other in ((claim_kinds, window_kinds), (window_kinds, claim_kinds)):
        dated = other["year"] - one["year"] - {AGO}
        if not (one["relative"] and dated and not other["relative"]):
            continue
        now = this_year()
        meant = {now + int(relative[1:]) for relative in one["relative"]}
        years = _with_slack(meant)
        return (years, dated) if one is claim_kinds else (dated, years)
    return None


def _with_slack(years: set[int]) -> frozenset[str]:
    """The years RELATIVE_SLACK either side of each of `years`, as quantities."""
    return frozenset(str(y) for year in years for y in range(year - RELATIVE_SLACK, year + RELATIVE_SLACK + 1))


YEAR_DAYS = 365.25


def _span_against_year(
    claim_kinds: dict[str, frozenset[str]], window_kinds: dict[str, frozenset[str]]
) -> tuple[frozenset[str], frozenset[str]] | None:
    """A change since a year against one over a span of years that names none ("halvert siden
    1999" and "halvert bare de siste fem årene"; "over the past decade" and "since 2015"): the
    years the span can reach back to, read from today with RELATIVE_SLACK years either side,
    against the year. A side that dates itself too ("ten years ago", a year) is compared as
    years are."""
    now = this_year()
    for one, other in ((claim_kinds, window_kinds), (window_kinds, claim_kinds)):
        years = (one["year"] - {AGO}) | {str(now + int(r[1:])) for r in one["relative"]}
        spans = [float(d[1:]) for d in other["duration"] if float(d[1:]) >= 300]
        if not (years and spans) or one["duration"] or other["year"] or other["relative"]:
            continue
        starts = {now - round(days / YEAR_DAYS) for days in spans}
        reach = _with_slack(starts)
        return (years, reach) if one is claim_kinds else (reach, years)
    return None


def _factor_shares(factors: frozenset[str]) -> frozenset[str]:
    # "x2" -> "P100" and "P50": doubled is up by 100 percent, and twice as much as the other
    # is the other spending half as much.
    found = set()
    for factor in factors:
        times = float(factor[1:])
        if times > 1:
            found.update({f"P{round(100 * (times - 1))}", f"P{round(100 / times)}"})
    return frozenset(found)


def quantities_missing(claim_kinds: dict[str, frozenset[str]], window_kinds: dict[str, frozenset[str]]) -> bool:
    """The claim states a quantity and the window none, or only a year where the claim states
    more than its years ("three new hospitals by 2030" against "by 2030")."""
    if not any(window_kinds[kind] for kind in (*_COUNTED, "year")):
        return any(claim_kinds[kind] for kind in (*_COUNTED, "year"))
    return any(claim_kinds[kind] for kind in _COUNTED) and not any(window_kinds[kind] for kind in _COUNTED)
