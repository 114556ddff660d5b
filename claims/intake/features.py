"""The features the check-worthiness model reads, as a name → value dict per sentence.

Two kinds, both inspectable by name in the model file:

* **signals** (prefix ``f:``): numbers and what kind (percent, money, years, clock times,
  scores, room/page numbers), reported-speech markers ("sa", "ifølge", "hevder", "said",
  "according to"), opinion verbs ("mener", "synes", "think"), hedges ("kanskje", "may"),
  evaluative words, comparatives and trend verbs ("økte", "doubled", "highest"),
  decisions ("vedtatt", "banned"), first and second person, question and exclamation
  marks, names, length, and boilerplate shapes (bylines, photo credits);
* **words** (prefix ``w:``): the lower-cased words themselves, numbers replaced by a
  placeholder, so the model learns vocabulary the signals do not list.

The same function serves training and scoring, so the two cannot drift apart.
"""

from __future__ import annotations

import math
import re

from claims.intake.lexicon import LEXICON

_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"(?<![\w.])\d+(?:[ .,\u00a0]\d{3})*(?:[.,]\d+)?(?![\w])")
_WORD_NUMBERS = frozenset(
    {
        "half", "halved", "third", "quarter", "fifth", "doubled", "tripled", "trebled", "quadrupled",
        "million", "millions", "billion", "billions", "trillion", "dozen", "hundred", "thousand",
        "halvparten", "halvert", "tredjedel", "firedel", "femtedel", "doblet", "tredoblet", "firedoblet",
        "millioner", "milliard", "milliarder", "hundre", "tusen", "ni", "ti", "tjue", "tretti",
        "nine", "ten", "twenty", "thirty", "one", "two", "three", "four", "five", "eight", "én", "tre",
        "fire", "fem", "seks", "sju", "åtte",
    }
)  # fmt: skip
_PERCENT = re.compile(r"%|\b(?:prosent|percent|per cent|prosentpoeng|percentage)\b", re.IGNORECASE)
_MONEY = re.compile(
    r"[$€£]|\b(?:kroner|kr|nok|dollars?|euros?|pounds?|milliarder|millioner|billion|million|trillion)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")
_CLOCK = re.compile(
    r"\b(?:kl\.?\s*\d|\d{1,2}[.:]\d{2}\b|\d{1,2}\s*(?:a\.m\.|p\.m\.)|at\s+\d{1,2}\b|o'clock)", re.IGNORECASE
)
_SCORE = re.compile(r"\b\d{1,2}\s*[-–]\s*\d{1,2}\b(?!\s*(?:år|years|prosent|percent|%))")
_PLACE_NUMBER = re.compile(
    r"\b(?:nr\.?|nummer|number|no\.|side|page|rom|room|sal|hall|spor|platform|gate|uke|week|item|punkt|"
    r"kapittel|chapter|issue|etasje|floor|stue|theatre|unit|flight|tog|train|bygg|building)\s+\d|\d+\.\s*(?:plass|etasje|gang)|"
    r"\b\d+(?:st|nd|rd|th)\b",
    re.IGNORECASE,
)


_BYLINE = re.compile(r"^(?:by|av)\s+[A-ZÆØÅ]")
_DIGIT = re.compile(r"\d")
_OCLOCK = re.compile(r"\bo'clock", re.IGNORECASE)  # _CLOCK's one branch without a digit


def features(text: str, language: str = "") -> dict[str, float]:
    """The feature dict of one sentence (the same for training and scoring)."""
    tokens = _TOKEN.findall(text)  # once: the words, and the names among them
    words = [w.lower() for w in tokens]
    n_words = len(words)
    feats: dict[str, float] = {"f:bias_len": math.log1p(n_words)}
    # Most sentences have no digit, and every number pattern but "o'clock" needs one: they
    # are not searched for then (the place-number alternation alone was a tenth of this).
    digits = _DIGIT.search(text) is not None
    numbers = _NUMBER.findall(text) if digits else []
    word_numbers = sum(1 for w in words if w in _WORD_NUMBERS)
    clock = bool((_CLOCK if digits else _OCLOCK).search(text))
    score = digits and bool(_SCORE.search(text))
    place = digits and bool(_PLACE_NUMBER.search(text))
    if numbers:
        feats["f:number"] = 1.0
        feats["f:numbers"] = math.log1p(len(numbers))
    if word_numbers:
        feats["f:word_number"] = 1.0
    if _PERCENT.search(text):
        feats["f:percent"] = 1.0
    if _MONEY.search(text):
        feats["f:money"] = 1.0
    if digits and _YEAR.search(text):
        feats["f:year"] = 1.0
    if clock:
        feats["f:clock"] = 1.0
    if score:
        feats["f:score"] = 1.0
    if place:
        feats["f:place_number"] = 1.0
    if numbers and (clock or score or place) and len(numbers) == 1:
        feats["f:only_incidental_number"] = 1.0
    word_set = set(words)
    for name, lexicon in LEXICON.items():
        hits = len(word_set & lexicon)
        if hits:
            feats[f"f:{name}"] = float(min(hits, 3))
    if "according to" in text.lower() or "ifølge" in word_set:
        feats["f:according_to"] = 1.0
    if (word_set & LEXICON["speech"]) and (word_set & LEXICON["evaluative"]):
        feats["f:speech_and_evaluative"] = 1.0
    if (word_set & LEXICON["speech"]) and (numbers or word_numbers or word_set & LEXICON["trend"]):
        feats["f:speech_and_quantity"] = 1.0
    if (numbers or word_numbers) and (word_set & LEXICON["evaluative"]):
        feats["f:quantity_and_evaluative"] = 1.0
    stripped = text.rstrip("»”\"') ")
    if stripped.endswith("?"):
        feats["f:question"] = 1.0
    if stripped.endswith("!"):
        feats["f:exclamation"] = 1.0
    if any(q in text for q in '«»“”"'):
        feats["f:quote_marks"] = 1.0
    if text.lstrip().startswith(("–", "—", "- ")):
        feats["f:speech_dash"] = 1.0
    names = sum(1 for w in tokens[1:] if w[:1].isupper())
    if names:
        feats["f:names"] = math.log1p(names)
    if n_words <= 4:
        feats["f:short"] = 1.0
    head = text[:25].lower()
    if ":" in head and n_words <= 8:
        feats["f:label_colon"] = 1.0
    if _BYLINE.match(text.strip()):
        feats["f:byline"] = 1.0
    for word in word_set:
        feats["w:" + ("<num>" if word[:1].isdigit() else word)] = 1.0
    return feats
