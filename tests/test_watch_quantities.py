"""Quantities in one form for the recurrence matcher: words, shares and factors in nb and en."""

from __future__ import annotations

import pytest

from claims.watch.quantities import quantities


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("One in five pupils leaves school early.", "en"),
        ("Every fifth pupil leaves school early.", "en"),
        ("A fifth of the pupils leave school early.", "en"),
        ("20 percent of pupils leave school early.", "en"),
        ("Hver femte elev slutter på skolen.", "nb"),
        ("En av fem elever slutter på skolen.", "nb"),
        ("20 prosent av elevene slutter på skolen.", "nb"),
        ("En femtedel av elevene slutter.", "nb"),
    ],
)
def test_one_share_said_many_ways_is_one_quantity(text, language):
    assert quantities(text, language) == {"P20"}


def test_counts_factors_and_halves():
    assert quantities("Prisen er doblet på ti år.", "nb") == {"x2", "10"}
    assert quantities("The price has doubled in ten years.", "en") == {"x2", "10"}
    assert quantities("There are three times as many since 2020.", "en") == {"x3", "2020"}
    assert quantities("Halvparten av de unge bor hjemme.", "nb") == quantities("Half of the young live at home.", "en")
    assert quantities("Nine in ten new cars are electric.", "en") == quantities("90 prosent av nye biler", "nb")
    # Different shares stay different; a year is not a share ("1 of 2021").
    assert quantities("One in three", "en") != quantities("One in four", "en")
    assert quantities("Number 1 of 2021", "en") == {"1", "2021"}
    # "to" is two only in Norwegian; "en" and "one" are not counts (articles, pronouns).
    assert quantities("They went to Oslo.", "en") == set()
    assert quantities("De bodde der i to år med en venn.", "nb") == {"2"}
