"""Numbers and dates written the same way in Norwegian and English text.

"2 500", "2,500", "2.500" and "2.5k" all become ``2500``; "2,5 millioner", "2.5 million"
and "2,5 mill." become ``2500000``; "40 milliarder" and "40 billion" become ``40000000000``.
A day and a month ("3. mars", "3 March", "March 3rd") become ``DATE0303`` followed by the
month word, so the date is one term (and one entity) in both languages while the month
still counts as a word. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from functools import lru_cache

_DIGIT = re.compile(r"\d")
# Digit groups written "100 000", "100.000" or "100,000" are one number.
_GROUPS = re.compile(r"(?<=\d)[ .,\u00a0\u202f](?=\d{3}\b)")
_MULTIPLIERS = {
    "k": 10**3,
    "tusen": 10**3,
    "thousand": 10**3,
    "mill": 10**6,
    "mln": 10**6,
    "million": 10**6,
    "millions": 10**6,
    "millioner": 10**6,
    "millionar": 10**6,
    "mrd": 10**9,
    "bn": 10**9,
    "billion": 10**9,
    "billions": 10**9,
    "milliard": 10**9,
    "milliarder": 10**9,
    "milliardar": 10**9,
}
_SCALED = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)(?:(k)\b|\s+(" + "|".join(w for w in _MULTIPLIERS if w != "k") + r")\b\.?)",
    re.IGNORECASE,
)
MONTHS_NB = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
             "november", "desember")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")  # fmt: skip
_MONTH_NUMBER = {m.lower(): i + 1 for i, m in enumerate(MONTHS_NB)} | {
    m.lower(): i + 1 for i, m in enumerate(MONTHS_EN)
}
# Norwegian months are lower-case; English ones capitalised ("may" is a verb, "May" a month).
_MONTH = "|".join([*MONTHS_NB, *(m.capitalize() for m in MONTHS_NB), *MONTHS_EN])
_DAY_MONTH = re.compile(rf"\b([0-3]?\d)(?:\.|st|nd|rd|th)?\s+(?:of\s+)?({_MONTH})\b")
_MONTH_DAY = re.compile(
    rf"\b(?=[JFMASOND])({'|'.join(MONTHS_EN)})\s+([0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*(?:000|%|prosent|percent))"
)


def _scaled(match: re.Match[str]) -> str:
    number = match.group(1).replace(",", ".")
    unit = (match.group(2) or match.group(3)).lower()
    value = float(number) * _MULTIPLIERS[unit]
    return str(round(value))


def _date(day: str, month: str) -> str | None:
    d = int(day)
    if not 1 <= d <= 31:
        return None
    return f"DATE{_MONTH_NUMBER[month.lower()]:02d}{d:02d} {month}"


def _day_month(match: re.Match[str]) -> str:
    return _date(match.group(1), match.group(2)) or match.group(0)


def _month_day(match: re.Match[str]) -> str:
    return _date(match.group(2), match.group(1)) or match.group(0)


@lru_cache(maxsize=1024)
def normalize(text: str) -> str:
    """`text` with digit groups joined, scaled numbers written out and dates as DATEmmdd."""
    if not _DIGIT.search(text):
        return text
    text = _GROUPS.sub("", text)
    text = _DAY_MONTH.sub(_day_month, text)
    text = _MONTH_DAY.sub(_month_day, text)
    return _SCALED.sub(_scaled, text)
