"""Numbers spelled out in words, written as digits ("twenty-two", "tre hundre tusen",
"hundre og tjue", "halvannen million"), so that a repeat that spells a figure meets the claim
that gives it in digits, as a word and as a quantity (claims/watch/quantities.py). Pure: no I/O.
"""

from __future__ import annotations

import re
from functools import lru_cache

AGO = "ago"  # "… ago" dates a statement the way a year does (claims/watch/quantities.py)
NUMBER = re.compile(r"\d+(?:\.\d+)?")
SCALES = {"thousand": 10**3, "tusen": 10**3, "million": 10**6, "millions": 10**6, "millioner": 10**6,
          "billion": 10**9, "billions": 10**9, "milliard": 10**9, "milliarder": 10**9,
          "millionen": 10**6, "millionene": 10**6, "milliarden": 10**9, "milliardene": 10**9}  # fmt: skip


def fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def is_year(quantity: str) -> bool:
    return quantity == AGO or (len(quantity) == 4 and "1800" <= quantity <= "2100" and quantity.isdigit())


# Numbers spelled out in full ("twenty-two", "tre hundre tusen", "hundre og tjue", "halvannen
# million") are written as digits before anything else reads the text, so that a repeat that
# spells a figure meets the claim that gives it in digits, as a word and as a quantity.
_UNITS = {
    "en": {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
           "seventeen": 17, "eighteen": 18, "nineteen": 19},
    "nb": {"to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7, "åtte": 8, "ni": 9, "ti": 10,
           "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15, "seksten": 16, "sytten": 17,
           "atten": 18, "nitten": 19},
}  # fmt: skip
_TENS = {
    "en": {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
           "ninety": 90},
    "nb": {"tjue": 20, "tretti": 30, "førti": 40, "femti": 50, "seksti": 60, "sytti": 70, "søtti": 70,
           "åtti": 80, "nitti": 90},
}  # fmt: skip
# Counts in words, for `quantities` on text `spelled_out` has not seen. "en"/"ett"/"one" are
# left out: they are also articles and pronouns.
_COUNTS_NB = {**_UNITS["nb"], **_TENS["nb"], "hundre": 100}
_COUNTS_EN = {**_UNITS["en"], **_TENS["en"], "hundred": 100}
# "one", "en", "a" count only before a hundred or a scale ("a million", "en million"): alone
# they are articles and pronouns.
_ONES = {"en": {"one", "a", "an"}, "nb": {"en", "én", "ett", "ei"}}
_HUNDREDS = {"hundred", "hundre"}
_ONE_AND_A_HALF = {"halvannen", "halvannet"}
_AND = {"and", "og"}
_HALF_AFTER_AND = {("a", "half"), ("en", "halv"), ("et", "halvt")}
_SPELLED = re.compile(r"[^\W\d_]+", re.UNICODE)
# Most sentences have no number in words: one search says so before any word is looked at
# (a lone "one", "en", "a" is never converted, so it need not be found).
_ANY_SPELLED = {
    language: re.compile(
        r"\b(?:"
        + "|".join(
            sorted({*_UNITS[language], *_TENS[language], *_HUNDREDS, *SCALES, *_ONE_AND_A_HALF}, key=len, reverse=True)
        )
        + r")",
        re.IGNORECASE,
    )
    for language in ("en", "nb")
}


def _spelled_value(word: str, language: str) -> tuple[str, float] | None:
    """(its role, its value) for a number word: unit, tens, hundred or scale."""
    if word in _UNITS[language]:
        return "unit", _UNITS[language][word]
    if word in _TENS[language]:
        return "tens", _TENS[language][word]
    if word in _HUNDREDS:
        return "hundred", 100
    if word in SCALES:
        return "scale", SCALES[word]
    if word in _ONE_AND_A_HALF:
        return "unit", 1.5
    if word in _ONES[language]:
        return "one", 1
    if language == "nb":
        # "tjueto", "førtifem": the tens and the unit written as one word
        for tens, value in _TENS["nb"].items():
            rest = word[len(tens) :]
            if word.startswith(tens) and _UNITS["nb"].get(rest, 10) < 10:
                return "unit", value + _UNITS["nb"][rest]
    return None


@lru_cache(maxsize=8192)  # boilerplate sentences recur across pages; most others are seen once
def spelled_out(text: str, language: str) -> str:
    """`text` with its numbers in words written as digits ("twenty-two" → "22", "sju milliarder"
    → "7000000000", "one and a half million" → "1500000"). A lone "one" or "en" stays a word."""
    if language not in _UNITS or not _ANY_SPELLED[language].search(text):
        return text
    words = list(_SPELLED.finditer(text))
    out: list[str] = []
    cut = 0
    i = 0
    while i < len(words):
        run_end, value = _number_run(text, words, i, language)
        if run_end == i:
            i += 1
            continue
        # A count in words that would read as a year ("to tusen") keeps its digit group, so
        # that `quantities` reads it as the count it is.
        written = fmt(value)
        if is_year(written):
            written = f"{written[0]}\u202f{written[1:]}"
        out += [text[cut : words[i].start()], written]
        cut = words[run_end - 1].end()
        i = run_end
    if not out:
        return text
    return "".join(out) + text[cut:]


def _number_run(text: str, words: list[re.Match[str]], i: int, language: str) -> tuple[int, float]:
    """Where the number in words starting at words[i] ends (i: none there), and its value."""
    total = current = 0.0
    last = ""
    j = i
    while j < len(words):
        word = words[j].group(0).lower()
        gap = text[words[j - 1].end() : words[j].start()] if j > i else ""
        if j > i and gap.strip() not in {"", "-"}:
            break
        if j > i and word in _AND and last in {"hundred", "scale", "unit", "tens", "one"} and j + 1 < len(words):
            following = words[j + 1].group(0).lower()
            pair = (following, words[j + 2].group(0).lower()) if j + 2 < len(words) else ("", "")
            if pair in _HALF_AFTER_AND and last in {"unit", "one"}:
                current += 0.5  # "one and a half million", "en og en halv million"
                j += 3
                last = "unit"
                continue
            joined = _spelled_value(following, language)
            if last in {"hundred", "scale"} and joined and joined[0] in {"unit", "tens"}:
                j += 1  # "hundred and twenty", "hundre og tjue"
                continue
            break
        found = _spelled_value(word, language)
        if found is None:
            break
        role, value = found
        if j == i and (role == "scale" or (role == "hundred" and text[: words[i].start()].rstrip()[-1:].isdigit())):
            break  # "7 milliarder", "2 hundre": the digits' own scale, which discovery writes out
        if role == "one":
            if j > i:
                break
            current, last, j = 1.0, "one", j + 1
            continue
        if role in {"unit", "tens"}:
            # A unit follows only tens ("twenty-two"), a hundred or a scale; "five six" is two numbers.
            if last in {"unit", "one"} or (last == "tens" and (role == "tens" or value >= 10)):
                break
            current += value
        elif role == "hundred":
            if last == "hundred":
                break
            current = (current or 1.0) * 100
        else:  # a scale
            total += (current or 1.0) * value
            current = 0.0
        last = role
        j += 1
    if last == "one" or j == i:
        return i, 0.0  # a lone "one", "en": an article
    return j, total + current


def count_word(word: str, language: str) -> float | None:
    if NUMBER.fullmatch(word):
        return float(word)
    counts = _COUNTS_NB if language == "nb" else _COUNTS_EN
    return counts.get(word)
