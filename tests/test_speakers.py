"""Speaker guesses from news sentences and their match against existing claimants."""

from __future__ import annotations

import pytest

from claims.intake.speakers import ClaimantIndex, guess


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("– Vi har ingen planer om å invadere, sa Lavrov.", "Lavrov"),
        ("Lavrov sa at Russland aldri har truet noen.", "Lavrov"),
        ("Ifølge Pentagon er 8500 soldater i beredskap.", "Pentagon"),
        ("Biden said the troops would stay.", "Biden"),
        ('"We have halved the queues," said Jonas Gahr Støre.', "Jonas Gahr Støre"),
        ("According to the WHO, malaria killed 600,000 people.", "WHO"),
        ("Prices rose by 11 percent last year.", None),
        ("The ministry said the figures were wrong.", None),
    ],
)
def test_guess(sentence, speaker):
    assert guess(sentence) == speaker


def test_pronoun_points_to_the_previous_sentence():
    assert (
        guess("She said the plan would cost 2 billion.", previous="Kamala Harris spoke in Ohio, said Harris.")
        == "Harris"
    )
    assert guess("She said the plan would cost 2 billion.") is None


def test_claimant_index_matches_full_names_and_unique_surnames():
    index = ClaimantIndex.build(
        [(1, "Sergej Lavrov"), (2, "Antony Blinken"), (3, "Jens Stoltenberg"), (4, "Camilla Stoltenberg")]
    )
    assert index.match("Lavrov") == 1
    assert index.match("antony blinken") == 2
    assert index.match("Stoltenberg") is None  # two claimants share the surname: no guess
    assert index.match("Jens Stoltenberg") == 3
    assert index.match(None) is None
    assert index.match("Nobody Known") is None
