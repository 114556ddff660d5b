"""Rules of the recurrence matcher that tell a repeat from a near miss (session 18): bounds on
a figure are not changes, a near-miss sentence is not completed by its neighbour, and the
desk's own country and existence need no name."""

from __future__ import annotations

from claims.watch import rescorer
from claims.watch.recurrence_features import features, opposite_directions
from claims.watch.recurrences import ClaimIndex, LiveClaim


def test_a_bound_on_a_figure_is_not_a_change():
    claim = features("Norske museer hadde over 11 millioner besøk i fjor, det høyeste tallet noensinne.", "nb")
    assert claim.up and claim.above
    fell = features("Visits to Norwegian museums fell to just over 11 million last year, the lowest figure.", "en")
    # "just over" bounds the figure, so "fell" and "lowest" are what the passage says of the change
    assert fell.down and not fell.up and fell.above
    assert opposite_directions(claim, fell)
    # "over 30" against "under 30" bounds the figure the other way
    above = features("Over 30 prosent av sakene ble utsatt.", "nb")
    below = features("Under 30 prosent av sakene ble utsatt.", "nb")
    assert opposite_directions(above, below)
    # "minst én gang" is a bound ("at least once"), not "least"
    once = features("Hver femte straffesak ble utsatt minst én gang i fjor.", "nb")
    assert not once.down and once.above
    # a comparison without a figure stays a direction
    assert features("Electric cars emit more CO2 than petrol cars.", "en").up


def test_a_near_miss_sentence_is_not_completed_by_its_neighbour():
    claim = "Civil cases in Norwegian district courts now take more than eight months on average to process."
    index = ClaimIndex([LiveClaim(1, claim, "en")])
    near = (
        "Criminal cases in Norwegian district courts now take more than eight months on average to process. "
        "Civil cases in the Norwegian courts of appeal now take more than eight months on average to process."
    )
    assert rescorer.match(index, near, "en") == []
    # a sentence with one word of its own in place of one of the claim's is cut further
    criminal = "Criminal cases in Norwegian district courts now take more than eight months on average to process."
    assert rescorer.match(index, criminal, "en") == []
    [match] = rescorer.match(index, "Civil cases in Norwegian district courts now take more than eight months.", "en")
    assert match.claim_id == 1


def test_existence_and_the_home_country_need_no_words_of_their_own():
    index = ClaimIndex([LiveClaim(1, "Det finnes nå over 600 000 hunder i Norge.", "nb")])
    [match] = rescorer.match(index, "Antallet hunder her til lands har nå passert 600 000.", "nb")
    assert match.claim_id == 1
    assert "@norway" in features("Hundene i hele landet må i bånd.", "nb").tokens
    assert rescorer.match(index, "Det finnes nå over 600 000 katter i Sverige.", "nb") == []
