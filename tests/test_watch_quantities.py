"""Quantities in one form for the recurrence matcher: words, shares and factors in nb and en."""

from __future__ import annotations

import datetime as dt

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
        ("Bare én av fem elever slutter på skolen.", "nb"),
        ("20 prosent av elevene slutter på skolen.", "nb"),
        ("En femtedel av elevene slutter.", "nb"),
        ("One in every five pupils leaves school early.", "en"),
        ("Two out of every ten pupils leave school early.", "en"),
    ],
)
def test_one_share_said_many_ways_is_one_quantity(text, language):
    assert quantities(text, language) == {"P20"}


def test_counts_factors_and_halves():
    assert quantities("Prisen er doblet på ti år.", "nb") == {"x2", "D3650"}
    assert quantities("The price has doubled in ten years.", "en") == {"x2", "D3650"}
    assert quantities("There are three times as many since 2020.", "en") == {"x3", "2020"}
    assert quantities("Halvparten av de unge bor hjemme.", "nb") == quantities("Half of the young live at home.", "en")
    assert quantities("Nine in ten new cars are electric.", "en") == quantities("90 prosent av nye biler", "nb")
    # Different shares stay different; a year is not a share ("1 of 2021").
    assert quantities("One in three", "en") != quantities("One in four", "en")
    assert quantities("Number 1 of 2021", "en") == {"1", "2021"}
    # "to" is two only in Norwegian; "en" and "one" are not counts (articles, pronouns).
    assert quantities("They went to Oslo.", "en") == set()
    assert quantities("De bodde der i to år med en venn.", "nb") == {"D730"}


def _compare(claim: str, claim_language: str, passage: str, passage_language: str) -> tuple[bool, bool]:
    """(conflict, missing) as the recurrence matcher reads the two texts' quantities."""
    from claims.watch.quantities import compared_quantities, quantities_missing
    from claims.watch.quantities import kinds as _kinds

    claim_kinds = _kinds(quantities(claim, claim_language))
    passage_kinds = _kinds(quantities(passage, passage_language))
    conflict = any(not (q & w) for q, w in compared_quantities(claim_kinds, passage_kinds))
    return conflict, quantities_missing(claim_kinds, passage_kinds)


@pytest.mark.parametrize(
    ("claim", "passage", "conflict", "missing"),
    [
        # Years are a kind of their own: sharing the count does not hide another year.
        (
            "Tromsø has issued eleven boil-water notices since 2015.",
            "Tromsø has issued eleven notices since 2022.",
            True,
            False,
        ),
        (
            "Tromsø has issued eleven boil-water notices since 2015.",
            "Tromsø has issued two notices since 2015.",
            True,
            False,
        ),
        (
            "Tromsø has issued eleven boil-water notices since 2015.",
            "Eleven times since 2015, Tromsø said.",
            False,
            False,
        ),
        # A count against a passage that states only a year: the count is missing, not contradicted.
        ("Three new hospitals will open by 2030.", "New hospitals will open by 2030.", False, True),
        ("Prices rose in 2021.", "Prices rose sharply.", False, True),
        # A change by a factor against a change by a share.
        ("The value of salmon exports has doubled since 2018.", "It has grown by a third since 2018.", True, False),
        ("The value of salmon exports has doubled since 2018.", "It is up 100 percent on 2018.", False, False),
        (
            "Cruise guests spend half as much a day as hotel guests.",
            "Hotel guests spend twice as much a day.",
            False,
            False,
        ),
        # Figures that agree in part: the salary is the same, the saving is not.
        (
            "Earning 600,000 a year, you pay 2,400 less in 2025.",
            "Earning 600 000 a year, you pay 240 less.",
            True,
            False,
        ),
        ("Earning 600,000 a year, you pay 2,400 less in 2025.", "You pay 2,400 less in 2025.", False, False),
        # Decades and "… ago" date a statement as a year does.
        ("One in ten boys in 1990 gambled.", "Twenty years ago, one in ten boys gambled.", True, False),
        ("The rate was raised 14 times.", "It was raised on fourteen occasions.", False, False),
        # A share against a count with no number in common is another figure; the same number
        # as a share and as a count is one figure said two ways.
        ("One in four registered players are women.", "There are 380,000 registered players.", True, False),
        ("92 percent of bottles were returned.", "Of every hundred bottles sold, 92 were returned.", False, False),
    ],
)
def test_the_matcher_compares_quantities_kind_by_kind(claim, passage, conflict, missing):
    assert _compare(claim, "en", passage, "en") == (conflict, missing)


def test_decades_and_ago_are_times_and_every_count_to_twenty_is_a_number():
    assert quantities("På 1990-tallet ble hver tiende torsk eksportert.", "nb") == {"1990", "P10"}
    assert quantities("In the 1990s, one in ten cod was exported.", "en") == {"1990", "P10"}
    assert quantities("For 20 år siden spilte hver tiende gutt.", "nb") == {"ago", "D7300", "P10"}
    assert quantities("Sixteen boats and nineteen cars", "en") == {"16", "19"}
    assert quantities("Sixteen of nineteen", "en") == {"P84"}
    assert quantities("33 milliardene kom inn", "nb") == {"33000000000"}


def test_a_year_is_four_digits_of_the_last_three_centuries():
    from claims.watch.quantities import kinds as _kinds

    kinds = _kinds(quantities("In 2021, 1500 of 9800 conscripts left; 2300 in all.", "en"))
    assert kinds["year"] == {"2021"}
    assert kinds["figure"] == {"1500", "9800", "2300"}


@pytest.mark.parametrize(
    ("text", "language", "written"),
    [
        ("It took twenty-two minutes.", "en", "It took 22 minutes."),
        ("Nesten tre hundre tusen laks rømte.", "nb", "Nesten 300000 laks rømte."),
        ("Over hundre og tjue kontorer", "nb", "Over 120 kontorer"),
        ("seks hundre millioner kroner", "nb", "600000000 kroner"),
        ("one and a half million subscriptions", "en", "1500000 subscriptions"),
        ("halvannen million abonnementer", "nb", "1500000 abonnementer"),
        ("Sju milliarder kroner", "nb", "7000000000 kroner"),
        ("a hundred and fifty churches", "en", "150 churches"),
        ("tjueto prosent", "nb", "22 prosent"),
        # Digits keep their own scale (claims.discovery.numbers writes it out).
        ("7 milliarder kroner", "nb", "7 milliarder kroner"),
        # "en", "one" and "a" alone are articles; two numbers side by side stay two.
        ("Det var en gang en mann.", "nb", "Det var en gang en mann."),
        ("one of the best", "en", "one of the best"),
        ("between ten and twenty", "en", "between 10 and 20"),
        ("five six", "en", "5 6"),
    ],
)
def test_numbers_in_words_are_written_as_digits(text, language, written):
    from claims.watch.spelled_numbers import spelled_out

    assert spelled_out(text, language) == written


def test_a_figure_in_words_is_the_figure_in_digits_for_the_matcher():
    from claims.watch.recurrence_features import features

    claim = features("Police in Finnmark took 22 minutes on average last year.", "en")
    spelled = features("Last year, it took officers in Finnmark twenty-two minutes on average.", "en")
    assert claim.numbers == spelled.numbers == {"D0.0153", "R-1"}  # 22 minutes, in days; last year
    assert "22" in spelled.tokens
    assert quantities("Nine out of ten new cars are electric.", "en") == {"P90"}
    assert quantities("Twelve per cent fewer cigarettes", "en") == {"P12"}


def test_a_span_of_time_is_one_quantity_in_any_unit():
    from claims.watch.quantities import kinds
    from claims.watch.spelled_numbers import spelled_out

    def said(text: str, language: str) -> frozenset[str]:
        return quantities(spelled_out(text, language), language)

    assert said("Barna venter sju uker.", "nb") == said("Children wait 49 days.", "en") == {"D49"}
    assert said("four hours", "en") == said("240 minutes", "en")
    assert said("over the last decade", "en") == said("de siste ti årene", "nb") == {"D3650"}
    assert said("de to siste tiårene", "nb") == said("the past twenty years", "en") == {"D7300"}
    assert said("a quarter of a century", "en") == said("25 år", "nb") == {"D9125"}
    assert said("for 20 år siden", "nb") == {"ago", "D7300"}  # dated, and the span back to then
    # A span is its own kind: "within five years" and "within two years" conflict.
    assert kinds(said("within five years", "en"))["duration"] != kinds(said("within two years", "en"))["duration"]
    assert kinds(said("within five years", "en"))["figure"] == frozenset()


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("Om lag en tredel av artene er truet.", "nb", {"P33"}),
        ("To tredjedeler av velgerne er enige.", "nb", {"P67"}),
        ("Two thirds of voters agree.", "en", {"P67"}),
        ("Injuries have dropped by four fifths.", "en", {"P80"}),
        ("Three quarters of the pupils walk to school.", "en", {"P75"}),
        ("Rundt en kvart milliard kroner gikk med.", "nb", {"250000000"}),
        ("Half a million people live there.", "en", {"500000"}),
        ("Prisene har steget det siste året.", "nb", {"D365"}),
        ("Prices have risen over the past year.", "en", {"D365"}),
        ("Prices rose last year.", "en", {"R-1"}),  # a calendar year ("i fjor"), not a span
        ("The number has halved since the eighties.", "en", {"1980", "P50"}),
        ("Antallet er halvert siden åttitallet.", "nb", {"1980", "P50"}),
    ],
)
def test_parts_of_a_whole_or_a_scale_spans_of_one_unit_and_decades_in_words(text, language, said):
    assert quantities(text, language) == said


def test_a_year_named_by_its_distance_from_now_is_compared_only_with_such_years():
    from claims.watch.quantities import compared_quantities, kinds, quantities_missing

    assert quantities("Salget falt i fjor.", "nb") == quantities("Sales fell last year.", "en") == {"R-1"}
    assert quantities("Sales have fallen this year.", "en") == quantities("Salget har falt i år.", "nb") == {"R0"}
    assert quantities("Prices rose over the last year.", "en") == {"D365"}  # a span, not a year
    last, this = kinds(quantities("last year", "en")), kinds(quantities("this year", "en"))
    assert any(not (q & w) for q, w in compared_quantities(last, this))
    # "last year" may be the article's last year, give or take a few (the claim's own date is
    # not known): no disagreement, and nothing is missing; a year long gone is another year
    # (test_last_year_against_a_dated_figure_is_another_year_unless_the_date_can_be_last_year)
    dated = kinds(quantities(f"in {dt.date.today().year - 2}", "en"))
    assert all(q & w for q, w in compared_quantities(last, dated))
    assert not quantities_missing(last, kinds(frozenset()))


def test_twelve_months_are_a_year_and_six_months_half_of_one():
    """Session 19: "de siste tolv månedene" said "det siste året" in 360 days, not 365."""
    from claims.watch.quantities import quantities

    assert quantities("de siste tolv månedene", "nb") == quantities("det siste året", "nb") == {"D365"}
    assert quantities("the past six months", "en") == {"D182.5"}
    assert quantities("18 måneder", "nb") == quantities("the past 18 months", "en")


def test_last_year_against_a_dated_figure_is_another_year_unless_the_date_can_be_last_year():
    from claims.watch.quantities import compared_quantities, kinds, quantities

    claim = kinds(quantities("Nesten 1 900 elger ble drept i kollisjoner i Norge i fjor.", "nb"))

    def conflicts(text: str) -> bool:
        window = kinds(quantities(text, "en"))
        return any(not (q & w) for q, w in compared_quantities(claim, window))

    assert conflicts("Almost 1,900 moose were killed in collisions in Norway in 2008.")
    last_year = dt.date.today().year - 1
    assert not conflicts(f"Almost 1,900 moose were killed in collisions in Norway in {last_year}.")
    assert not conflicts("Almost 1,900 moose were killed in collisions in Norway last year.")


def test_a_change_since_a_year_against_one_over_a_span_compares_where_the_span_reaches_back_to():
    """Session 21: read as of a fixed year, "since 1999" is not "the last five years", and "the
    past decade" can be "since 2015"; a side that dates itself ("ten years ago") is left alone."""
    from claims.watch.quantities import reference_year

    with reference_year(2026):
        assert _compare("Farms have halved since 1999.", "en", "Farms have halved over the last five years.", "en")[0]
        assert _compare("Antallet gårdsbruk er halvert siden 1999.", "nb", "halvert bare de siste fem årene", "nb")[0]
        assert not _compare("Cruise calls have doubled over the past decade.", "en", "doubled since 2015", "en")[0]
        assert not _compare("Calls have doubled since 2015.", "en", "Calls doubled over the past ten years.", "en")[0]
        # Either side may say "last year" or "next year" for the other's dated figure.
        assert _compare(
            "Boligbyggingen falt med 30 prosent fra 2022 til 2023.",
            "nb",
            "ventes å falle med 30 prosent neste år",
            "nb",
        )[0]
        assert _compare("Calls have doubled over the past decade.", "en", "Calls have doubled since last year.", "en")[
            0
        ]
    with reference_year(2040):
        assert _compare("Calls have doubled since 2015.", "en", "Calls doubled over the past ten years.", "en")[0]


def test_a_count_that_would_read_as_a_year_is_a_count():
    """Session 22: "About 2,000 people" stated the year 2000, so "200 people" did not conflict
    with it. A figure in digit groups, in words, or after a hedge or a bound is a count."""
    from claims.watch.recurrence_features import features

    assert quantities("About 2,000 people came in March 2025.", "en") == {"N2000", "2025"}
    assert quantities("Omtrent 2 000 mennesker kom i 2000.", "nb") == {"N2000", "2000"}
    assert quantities("rundt 2000 personer", "nb") == quantities("more than 2000 members", "en") == {"N2000"}
    assert quantities("earlier than 2000", "en") == quantities("in 2000", "en") == {"2000"}
    assert features("under to tusen av øyene", "nb").numbers == {"N2000"}
    # Session 24: two-word hedges and bounds ("om lag 2000 barn" had stated the year 2000).
    for hedged in ("om lag 2000 barn", "i overkant av 2000 barn", "upwards of 2000 children", "up to 2000 children"):
        assert quantities(hedged, "nb" if " barn" in hedged else "en") == {"N2000"}, hedged
    assert quantities("lag 2000", "nb") == {"2000"}  # "lag" alone hedges nothing
    assert _compare("About 2,000 people visited.", "en", "Omtrent 200 mennesker besøkte.", "nb")[0]
    assert not _compare("About 2,000 people visited.", "en", "Rundt 2000 personer besøkte.", "nb")[0]


def test_a_hedge_on_a_figure_is_not_a_word_of_the_claim():
    from claims.watch.recurrence_features import features

    assert features("roughly nine kilos", "en").tokens == features("nine kilos", "en").tokens
    assert features("omtrent ni kilo", "nb").tokens == features("ni kilo", "nb").tokens


def test_a_hyphenated_english_term_meets_its_norwegian_word():
    from claims.watch.recurrence_features import features

    assert "part_time" in features("Two in three firefighters work part-time.", "en").tokens
    assert "part_time" in features("To av tre jobber deltid.", "nb").tokens


def test_a_claim_disputed_or_rejected_is_denied():
    """Session 22 (after fresh19's read): "tilbakeviser at", "bestrider at", "disputes that"."""
    from claims.watch.recurrence_features import features

    for text, language in [
        ("Forhandlerne tilbakeviser at et tre kostet 650 kroner.", "nb"),
        ("Arrangøren bestrider at 1100 båter startet.", "nb"),
        ("The federation disputes that 80 titles were won.", "en"),
    ]:
        assert features(text, language).negated, text
