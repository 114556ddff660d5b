"""Recurrences: articles repeating a published claim, across languages, confirmed or dismissed by the desk."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from claims import services
from claims.exceptions import PreconditionFailed, TransitionForbidden
from claims.models import Appearance, Article, Notification, NotificationEvent, Recurrence
from claims.services import recurrences as rec
from claims.watch import rescorer
from claims.watch.recurrences import ClaimIndex, LiveClaim, sentences_with_offsets
from claims.workflow import ClaimStatus
from tests.factories import ArticleFactory, ClaimFactory, ReviewFactory

CLAIMS = [
    LiveClaim(1, "Russia has no plans to invade Ukraine.", "en"),
    LiveClaim(2, "Strømprisen i Norge ble doblet i 2021.", "nb"),
    LiveClaim(3, "NATO promised in 1990 that the alliance would not expand eastward.", "en"),
]


def test_sentences_carry_their_offsets():
    text = "First sentence is here.  Second one follows!\nA third line without a stop"
    found = sentences_with_offsets(text)
    assert [s.text for s in found] == ["First sentence is here.", "Second one follows!", "A third line without a stop"]
    assert all(text[s.start : s.end] == s.text for s in found)
    # A speech dash opens a sentence: the quote is a passage of its own, not glued to the one before.
    quoted = "Foreldre samlet seg i barnehagen. – 90 prosent av ettåringene går i barnehage, sa ministeren."
    assert [s.text for s in sentences_with_offsets(quoted)] == [
        "Foreldre samlet seg i barnehagen.",
        "– 90 prosent av ettåringene går i barnehage, sa ministeren.",
    ]


def test_a_repeat_in_the_other_language_is_found_with_its_passage():
    index = ClaimIndex(CLAIMS)
    article = (
        "Utenriksministrene møttes i Genève fredag.\n"
        "Moskva gjentok at Russland ikke har noen planer om å invadere Ukraina. "
        "Samtalene fortsetter neste uke."
    )
    [match] = rescorer.match(index, article, "nb")
    assert match.claim_id == 1
    assert article[match.start : match.end] == match.passage
    assert match.passage.startswith("Moskva gjentok") and match.passage.endswith("Ukraina.")
    english = "Electricity prices in Norway doubled in 2021, the party said again on Monday."
    assert [m.claim_id for m in rescorer.match(index, english, "en")] == [2]


def test_same_topic_but_a_different_claim_is_not_a_repeat():
    index = ClaimIndex(CLAIMS)
    for text, language in [
        ("Russian troops gathered near the border with Ukraine, satellite images show.", "en"),
        ("Strømprisen i Norge falt med 10 prosent i 2023.", "nb"),  # another number, another claim
        ("Russia plans to invade Ukraine, an intelligence report says.", "en"),  # the negation differs
        ("NATO held a large exercise in the Baltic states this week.", "en"),
    ]:
        assert rescorer.match(index, text, language) == [], text


def test_a_passage_going_the_other_way_is_another_claim():
    """More vs less, rose vs fell: the words are shared, the claim is the opposite."""
    index = ClaimIndex([LiveClaim(1, "Electric cars emit more CO2 than petrol cars.", "en")])
    assert rescorer.match(index, "Electric cars emit less CO2 than petrol cars, a study finds.", "en") == []
    assert rescorer.match(index, "Elbiler slipper ut færre tonn CO2 enn bensinbiler.", "nb") == []
    [match] = rescorer.match(index, "Electric cars emit more CO2 than petrol cars, the video says.", "en")
    assert match.claim_id == 1
    # Doubling goes up, halving, losing and cutting go down.
    doubled = ClaimIndex([LiveClaim(1, "Verdien av norsk lakseeksport har doblet seg siden 2018.", "nb")])
    assert rescorer.match(doubled, "The value of Norwegian salmon exports has fallen since 2018.", "en") == []
    lost = ClaimIndex([LiveClaim(1, "Norske sykehus har mistet nesten 2000 sengeplasser de siste ti årene.", "nb")])
    assert rescorer.match(lost, "Norwegian hospitals have added almost 2,000 beds over the past ten years.", "en") == []


def test_another_name_in_place_of_the_claims_is_another_claim():
    index = ClaimIndex([LiveClaim(1, "Electricity prices in Norway doubled in 2021.", "en")])
    assert rescorer.match(index, "Electricity prices in Sweden doubled in 2021.", "en") == []
    assert [m.claim_id for m in rescorer.match(index, "In 2021 electricity prices in Norway doubled.", "en")] == [1]


def test_norwegian_compounds_meet_the_english_words_and_other_languages_are_calibrated_apart():
    """ "rødvin"/"hjertesykdom" split into red wine / heart disease; a passage in the other
    language loses words in translation, so its share of the claim counts for more."""
    from claims.watch import recurrences as watch

    claim = LiveClaim(1, "Drinking red wine every day protects against heart disease.", "en")
    index = ClaimIndex([claim])
    nb = watch.features("Å drikke rødvin hver dag beskytter mot hjertesykdom.", "nb")
    assert {"red", "wine", "heart"} <= nb.tokens
    assert [
        m.claim_id for m in rescorer.match(index, "Å drikke rødvin hver dag beskytter mot hjertesykdom.", "nb")
    ] == [1]
    same = watch.features("Red wine protects against heart disease.", "en")
    other = watch.Features(same.tokens, same.numbers, same.negated, "nb")
    assert index.score(0, other) == pytest.approx(min(1.0, index.score(0, same) * watch.CROSS_LANGUAGE))


def test_names_meet_through_the_shared_alias_table_and_another_subject_is_cut():
    """ "Kina" and "China" are one entity (claims/discovery/lexicon_data/aliases.tsv), also first
    in the sentence; a passage whose first known entity the claim does not name is cut."""
    from claims.watch import recurrences as watch

    assert "@china" in watch.features("Kina bygger flere kullkraftverk.", "nb").tokens
    assert "@china" in watch.features("Chinese companies build coal power plants in China.", "en").tokens
    index = ClaimIndex([LiveClaim(1, "Norway sells more salmon to Japan than any other country.", "en")])
    repeat = "Norge selger mer laks til Japan enn noe annet land, sa ministeren."
    [match] = rescorer.match(index, repeat, "nb")
    assert match.claim_id == 1
    other = watch.features("Sweden sells more salmon to Japan than Norway does.", "en")
    assert rescorer.match(index, "Sweden sells more salmon to Japan than Norway does.", "en") == []
    unnamed = dataclasses.replace(other, entities=())
    assert index.score(0, other) == pytest.approx(index.score(0, unnamed) * watch.SUBJECT_MISMATCH)


def test_comparatives_and_quantities_in_words_meet_across_languages():
    """ "svakeste" and "weakest" meet through the adjective's translation; "hver femte" is
    "one in five" and not "hver tredje"."""
    index = ClaimIndex([LiveClaim(1, "Den norske kronen er den svakeste mot dollaren på 20 år.", "nb")])
    english = "The Norwegian krone is at its weakest against the dollar in 20 years."
    assert [m.claim_id for m in rescorer.match(index, english, "en")] == [1]
    from claims.watch import recurrences as watch

    index = ClaimIndex([LiveClaim(1, "One in five pupils in Norway leaves school without a diploma.", "en")])
    fifth = watch.features("Hver femte elev i Norge går ut av skolen uten vitnemål.", "nb")
    third = watch.features("Hver tredje elev i Norge går ut av skolen uten vitnemål.", "nb")
    assert fifth.numbers == {"P20"} and third.numbers == {"P33"}
    assert index.score(0, third) == pytest.approx(index.score(0, fifth) * watch.NUMBER_MISMATCH)


def test_shares_are_compared_apart_from_figures_and_a_seat_of_government_speaks_for_its_state():
    """ "one in ten under 35" is not "half of those under 35" although both say 35; "Beijing
    says" is China saying it, not another subject."""
    from claims.watch import recurrences as watch

    index = ClaimIndex([LiveClaim(1, "Halvparten av nordmenn under 35 har aldri vært i et bibliotek.", "nb")])
    half = watch.features("Halvparten av nordmenn under 35 har aldri vært i et bibliotek, sa hun.", "nb")
    tenth = watch.features("En av ti nordmenn under 35 har aldri vært i et bibliotek, sa hun.", "nb")
    assert half.numbers == {"P50", "35"} and tenth.numbers == {"P10", "35"}
    same_share = dataclasses.replace(tenth, numbers=half.numbers)
    assert index.score(0, tenth) == pytest.approx(index.score(0, same_share) * watch.NUMBER_MISMATCH)
    beijing = watch.features("Beijing says China will cut coal use by half.", "en")
    assert {"@beijing", "@china"} <= beijing.entities[0]


def test_a_passage_mostly_about_something_else_scores_lower():
    from claims.watch import recurrences as watch

    index = ClaimIndex([LiveClaim(1, "Children who do sports get better grades at school.", "en")])
    tight = watch.features("Children who do sports get better grades at school.", "en")
    padded = watch.features(
        "Children who do sports get better grades at school, sleep longer and eat more vegetables.", "en"
    )
    assert index.score(0, tight) == pytest.approx(1.0)
    assert index.score(0, padded) < 0.9


def test_a_quote_is_compared_without_who_said_it():
    from claims.watch.recurrences import _unattributed

    assert _unattributed("– 90 prosent av ettåringene går i barnehage, sa kunnskapsministeren.") == (
        "– 90 prosent av ettåringene går i barnehage"
    )
    assert _unattributed("'Most of the food we eat is imported,' the agriculture minister said.") == (
        "'Most of the food we eat is imported"
    )
    assert _unattributed("Prices rose 5 percent, according to Statistics Norway.") == "Prices rose 5 percent"
    assert _unattributed("Han sa at prisene steg.") == "Han sa at prisene steg."
    index = ClaimIndex([LiveClaim(1, "Ni av ti ettåringer i Norge går nå i barnehage.", "nb")])
    quote = "– Ni av ti ettåringer i Norge går nå i barnehage, sa kunnskapsministeren på et møte i Bergen."
    [found] = index.match(quote, "nb", threshold=0.5)
    assert found.passage == quote  # the passage shown is the whole sentence, attribution and all


def test_two_sentences_are_one_passage_only_when_neither_contradicts_the_claim():
    """The pair of sentences is for a claim said across two of them; it must not let one
    sentence's figure stand in for the other's."""
    index = ClaimIndex(
        [LiveClaim(1, "More than 150 churches in Norway have been sold over the last twenty years.", "en")]
    )

    def hand(text: str) -> float:
        found = index.passages(text, "en", floor=0.0)
        return found[0][0] if found else 0.0

    near = (
        "More than 15 churches in Norway have been sold over the last twenty years. "
        "More than 150 new churches were built in Norway in that time."
    )
    said_across = "More than 150 churches in Norway have been sold. That happened over the last twenty years."
    assert hand(near) < 0.5
    assert hand(said_across) > 0.8
    best = index.passages(said_across, "en", floor=0.0)[0]
    assert said_across[best[1] : best[2]] == said_across  # the passage is both sentences
    # A neighbour that brings none of the claim's words does not join: it would only dilute
    # the swapped word ("campsite" for "hotel") with words of its own.
    hotels = ClaimIndex(
        [LiveClaim(1, "Foreign visitors account for more than half of all hotel nights in Norway.", "en")]
    )
    swapped = "Foreign visitors account for more than half of all campsite nights in Norway."
    alone = hotels.passages(swapped, "en", floor=0.0)[0]
    beside = hotels.passages(swapped + " A new cycle path along the coast opened on Saturday.", "en", floor=0.0)[0]
    assert beside[:3] == alone[:3]


def test_a_compound_found_by_one_half_is_half_a_word_found():
    """ "Teaterbesøket" shares only "besøk" with "Kinobesøket": another claim, not the claim
    said again; "besøk på kino" and "cinema visits" find both halves."""
    index = ClaimIndex([LiveClaim(1, "Kinobesøket i Norge er redusert med en fjerdedel siden 2019.", "nb")])

    def hand(text: str, language: str) -> float:
        return index.passages(text, language, floor=0.0)[0][0]

    other = hand("Teaterbesøket i Norge er redusert med en fjerdedel siden 2019.", "nb")
    assert hand("Kinobesøket i Norge er redusert med en fjerdedel siden 2019.", "nb") == 1.0
    assert hand("Besøket på kino i Norge er redusert med en fjerdedel siden 2019.", "nb") > other
    assert other < 0.9


def test_another_year_or_a_date_the_claim_lacks_marks_another_claim():
    index = ClaimIndex([LiveClaim(1, "Tromsø municipality has issued eleven boil-water notices since 2015.", "en")])
    same = index.passages("Tromsø has issued eleven boil-water notices since 2015.", "en", floor=0.0)[0][0]
    later = index.passages("Tromsø has issued eleven boil-water notices since 2022.", "en", floor=0.0)[0][0]
    assert later < same * 0.5
    undated = ClaimIndex(
        [LiveClaim(1, "Norwegians lose more money on foreign gambling sites than on Norsk Tipping.", "en")]
    )
    now = undated.passages(
        "Norwegians lose more money on foreign gambling sites than on Norsk Tipping.", "en", floor=0.0
    )
    then = undated.passages(
        "In 2012 Norwegians lost more money on foreign gambling sites than on Norsk Tipping.", "en", floor=0.0
    )
    assert then[0][0] < now[0][0]
    # "… ago" over the span the claim states dates nothing: it is the claim said another way.
    halved = ClaimIndex([LiveClaim(1, "Antallet innbrudd i Norge er halvert på ti år.", "nb")])
    ago = halved.passages("Det er halvparten så mange innbrudd i Norge som for ti år siden.", "nb", floor=0.0)
    other_span = halved.passages("Det er halvparten så mange innbrudd i Norge som for fem år siden.", "nb", floor=0.0)
    assert ago[0][0] > 0.75 and other_span[0][0] < 0.3


def test_irregular_verbs_and_untranslated_look_alikes_meet_across_languages():
    """ "vunnet"/"won" through the shared table of irregular forms; "paralympiske"/"Paralympic",
    which no lexicon translates, by their first five letters ("olympiske" has a translation
    since session 20)."""
    from claims.watch import recurrences as watch
    from claims.watch.recurrence_keys import all_keys, word_keys

    nb = watch.features("Norge har vunnet flere paralympiske medaljer.", "nb")
    en = watch.features("Norway has won more Paralympic medals.", "en")
    assert "win" in set(all_keys("vunnet", "nb")) & set(all_keys("won", "en"))
    assert "~paral" in nb.tokens and "~paral" in en.tokens
    # A weak verb's past tense carries its verb's translation ("røykte" is "smoked").
    assert "smoke" in word_keys("røykte", "nb") and "smoke" in word_keys("smoked", "en")
    index = ClaimIndex([LiveClaim(1, "Norge har vunnet flere olympiske vintermedaljer enn noe annet land.", "nb")])
    english = "Norway has won more Winter Olympic medals than any other country."
    assert [m.claim_id for m in rescorer.match(index, english, "en")] == [1]


def live(text: str, *, language: str = "en", reviewer=None, days_ago: int = 0):
    claim = ClaimFactory(text=text, claim_reviewed="", language=language, status=ClaimStatus.PUBLISHED)
    claim.published_at = timezone.now() - dt.timedelta(days=days_ago)
    claim.save()
    if reviewer is not None:
        ReviewFactory(claim=claim, author=reviewer)
    return claim


def article(text: str, *, language: str = "en", **kw) -> Article:
    return ArticleFactory(text=text, language=language, title=kw.pop("title", "A report"), **kw)


@pytest.mark.django_db
def test_an_article_is_matched_once_per_claim_and_the_claims_people_are_told(commit, reviewer):
    claim = live("Russia has no plans to invade Ukraine.", reviewer=reviewer)
    other = live("Electricity prices in Norway doubled in 2021.")
    piece = article("Russland har ingen planer om å invadere Ukraina, sa talspersonen.", language="nb")
    found = commit(lambda: rec.recurrences_find_for_article(article=piece))
    assert [(r.claim_id, r.status) for r in found] == [(claim.pk, "new")]
    assert commit(lambda: rec.recurrences_find_for_article(article=piece)) == []
    assert Recurrence.objects.count() == 1
    assert not Recurrence.objects.filter(claim=other).exists()
    [note] = Notification.objects.filter(user=reviewer)
    assert note.event == NotificationEvent.RECURRENCE and note.claim_id == claim.pk
    # a dismissed match is not found again either
    services_dismiss = rec.recurrence_dismiss(user=reviewer, recurrence=found[0])
    assert services_dismiss.status == "dismissed"
    assert rec.recurrences_find_for_article(article=piece) == []


@pytest.mark.django_db
def test_unpublished_claims_are_not_watched(reviewer):
    ClaimFactory(text="Russia has no plans to invade Ukraine.", claim_reviewed="", status=ClaimStatus.IN_REVIEW)
    piece = article("Russia has no plans to invade Ukraine, the ministry said.")
    assert rec.recurrences_find_for_article(article=piece) == []


@pytest.mark.django_db
def test_a_large_rebuilt_index_is_kept_out_of_the_collectors_walks(monkeypatch):
    """The worker's live index is frozen out of the cyclic GC from GC_FREEZE_FROM claims on;
    a replaced index is still freed, and a small one leaves the collector alone."""
    import gc
    import weakref

    monkeypatch.setattr(rec, "_CACHE", {})
    gc.unfreeze()
    monkeypatch.setattr(rec, "GC_FREEZE_FROM", 2)
    live("Russia has no plans to invade Ukraine.")
    assert len(rec.live_index().ids) == 1 and gc.get_freeze_count() == 0  # below the bar
    live("Electricity prices in Norway doubled in 2021.")
    first = rec.live_index()
    try:
        assert len(first.ids) == 2 and gc.get_freeze_count() > 0
        gone = weakref.ref(first)
        del first
        live("NATO promised in 1990 that the alliance would not expand eastward.")
        assert len(rec.live_index().ids) == 3
        assert gone() is None  # the replaced index was not kept alive by the freeze
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.django_db
def test_publishing_matches_the_articles_of_the_last_30_days(commit, reviewer, editor, settings):
    settings.RECURRENCE_LOOKBACK_DAYS = 30
    recent = article("Officials repeated that electricity prices in Norway doubled in 2021.")
    old = article("Electricity prices in Norway doubled in 2021, a columnist wrote.")
    Article.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=45))
    claim = ReviewFactory(
        author=reviewer,
        claim=ClaimFactory(text="Electricity prices in Norway doubled in 2021.", claim_reviewed="", status="in_review"),
    ).claim
    commit(lambda: services.claim_transition(claim=claim, user=editor, to=ClaimStatus.PUBLISHED))
    assert list(Recurrence.objects.values_list("article_id", flat=True)) == [recent.pk]


@pytest.mark.django_db
def test_confirming_adds_the_appearance_with_history(reviewer, outsider):
    claim = live("Russia has no plans to invade Ukraine.")
    piece = article(
        "Russia has no plans to invade Ukraine, Lavrov said.",
        url="https://news.example/lavrov-repeats",
        title="Lavrov repeats denial",
        outlet="Harbour Times",
        published_at=timezone.now(),
    )
    [found] = rec.recurrences_find_for_article(article=piece)
    with pytest.raises(TransitionForbidden):
        rec.recurrence_confirm(user=outsider, recurrence=found)
    confirmed = rec.recurrence_confirm(user=reviewer, recurrence=found)
    assert confirmed.status == "confirmed" and confirmed.decided_by == reviewer
    appearance = Appearance.objects.get(claim=claim)
    assert appearance.source.url == "https://news.example/lavrov-repeats"
    assert appearance.source.title == "Lavrov repeats denial"
    assert appearance.quote == found.passage
    assert appearance.history.first().history_user == reviewer
    assert confirmed.history.first().status == "confirmed"
    assert rec.recurrence_confirm(user=reviewer, recurrence=found).status == "confirmed"  # idempotent
    with pytest.raises(PreconditionFailed):
        rec.recurrence_dismiss(user=reviewer, recurrence=found)
    assert Appearance.objects.filter(claim=claim).count() == 1


@pytest.mark.django_db
def test_fetched_articles_go_through_the_watch_engine(httpserver, settings, reviewer):
    from claims.discovery import pipeline
    from tests.fixtures.web.server import LOOPBACK

    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    claim = live("NATO promised in 1990 that the alliance would not expand eastward.")
    page = (
        "<html lang='nb'><head><title>Historikere om NATO</title></head><body><article>"
        "<h1>Historikere om NATO</h1><p>Debatten om løftene fra 1990 fortsetter blant forskere.</p>"
        "<p>NATO lovet i 1990 at alliansen ikke skulle utvide seg østover, hevdet han igjen.</p>"
        "<p>Andre forskere er uenige i denne lesningen av kildene.</p></article></body></html>"
    )
    httpserver.expect_request("/nato").respond_with_data(page, content_type="text/html")
    stored = ArticleFactory(url=httpserver.url_for("/nato"), text="", language="nb")
    pipeline.fetch_articles([stored.pk])
    [found] = Recurrence.objects.filter(claim=claim)
    stored.refresh_from_db()
    assert stored.text[found.start : found.end] == found.passage
    assert "1990" in found.passage


@pytest.mark.django_db
def test_the_claim_page_panel_and_the_admin_confirm(client, reviewer):
    claim = live("Russia has no plans to invade Ukraine.")
    piece = article("Russia has no plans to invade Ukraine, Lavrov said.", url="https://news.example/lavrov")
    [found] = rec.recurrences_find_for_article(article=piece)
    client.force_login(reviewer)
    page = client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    assert 'id="recurrences"' in page and "Lavrov said" in page
    assert client.get(f"/admin/claims/recurrence/{found.pk}/confirm/").status_code == 405
    response = client.post(f"/admin/claims/recurrence/{found.pk}/confirm/", {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"].startswith(f"/admin/claims/claim/{claim.pk}/")
    found.refresh_from_db()
    assert found.status == "confirmed"
    assert Appearance.objects.filter(claim=claim, source__url="https://news.example/lavrov").exists()
    listing = client.get("/admin/claims/recurrence/?status__exact=confirmed").content.decode()
    assert "Lavrov said" in listing


def test_quality_on_the_labelled_set_does_not_fall_below_its_floor():
    """bench/recurrences.py's figures (bench/results/recurrences.md); a worse matcher fails here."""
    from bench import recurrences as bench

    figures = bench.evaluate()
    assert figures["claims"] >= 324 and figures["articles"] >= 4308
    assert figures["languages"] == ["en", "nb"]
    # Production is the learned re-scorer (claims/watch/rescorer.py) at its own threshold
    # (weights of session 15, fitted on dev only). Measured (bench/results/recurrences.md,
    # session 17, 168 claims in the index, after two-sentence passages that one sentence
    # contradicts or does not complete were cut, numbers in words, spans of time and more
    # direction words): dev 0.97 / 0.80 (in-sample), held out 0.98 / 0.71, fresh 0.82 / 0.48,
    # fresh2 0.62 / 0.38, fresh3 0.38 / 0.13, fresh4 0.85 / 0.47, fresh5 0.88 / 0.60, fresh6
    # 0.70 / 0.55, fresh7 0.53 / 0.57, fresh8 0.63 / 0.50 (0.52 / 0.45 at its clean read, with
    # session 16's code); fresh9, read once at the end, 0.67 / 0.55 (0.61 / 0.55 with session
    # 16's code), then worn: 0.68 / 0.60 after "her i landet" and the like were read as Norway.
    # Session 18 (180 claims): fresh10, read once at its start with session 17's code, 0.54 /
    # 0.42; after bounds on a figure were told from changes, near-miss sentences kept from
    # completing their neighbours and a swapped word cut deeper: fresh10 0.77 / 0.43 (worn),
    # fresh 0.89 / 0.48, fresh2 0.66 / 0.38, fresh3 0.47 / 0.13, fresh4 0.93 / 0.45, fresh5
    # 0.86 / 0.60, fresh6 0.85 / 0.55, fresh7 0.62 / 0.57, fresh8 0.71 / 0.48, fresh9 0.70 / 0.58.
    # Then comparisons turned round, exceptions, relative years ("i fjor" / "i år") and a claim
    # found in a clause of a longer sentence: fresh 0.89 / 0.48, fresh2 0.72 / 0.43, fresh3 0.67
    # / 0.17, fresh4 0.94 / 0.50, fresh5 0.87 / 0.65, fresh6 0.86 / 0.62, fresh7 0.68 / 0.59
    # (relabelled: c35 counts there), fresh8 0.70 / 0.52, fresh9 0.82 / 0.63, fresh10 0.78 / 0.48.
    # fresh11, written blind this session and read once after every change: 0.87 / 0.43 (0.72 /
    # 0.38 with session 17's code). Session 19: fresh12, written blind in session 18, read once
    # at the start with session 18's code: 0.73 / 0.55 (hand score 0.72 / 0.38). After the session's
    # changes (countries said without a name, reporting frames, lexicon, names across languages, the
    # name cut): fresh 0.89 / 0.48, fresh2 0.76 / 0.43, fresh5 0.91 / 0.68, fresh7 0.74 / 0.60, fresh9
    # 0.83 / 0.64, fresh12 0.79 / 0.57 (worn); every part but dev 417 found / 85 false alerts (411 / 98).
    # fresh13, written blind at the start of session 19 and read once at its end: 0.71 / 0.48 (0.65 /
    # 0.50 with session 18's code). Session 20: fresh14, written blind at the end of session 19, read
    # once at the start with session 19's code: 0.80 / 0.68 (hand score 0.97 / 0.48). The re-scorer
    # then cut negation and direction mismatches as the hand score does: fresh14 0.95 / 0.68 (worn),
    # fresh13 0.76 / 0.48; every part but dev 487 found / 91 false alerts (487 / 106). After the
    # session's lexicon, countries and compound halves: fresh15, written blind at the start of
    # session 20 and read once at its end: 0.83 / 0.63 (0.69 / 0.60 with session 19's code).
    # Session 21: fresh16, written blind at the end of session 20, read once at the start with
    # session 20's code: 0.84 / 0.70; then worn: denials ("It is false that", "Det er feil at"),
    # shares against counts, organisation names and words it lacked: 0.95 / 0.88. After the
    # session's changes (clause boundaries per language, spans against years, swaps, synonyms, a
    # quote's "we"): fresh17, written blind at the start of session 21 and read once at its end:
    # 0.88 / 0.70 (0.83 / 0.67 with session 20's code). Session 22: fresh18, written blind at the
    # end of session 21, read once at the start with session 21's code: 0.80 / 0.62; then worn:
    # counts that read as years ("About 2,000 people"), hedges, hyphenated terms: 0.85 / 0.68.
    # fresh19, written blind at the start of session 22 and read once at its end: 0.76 / 0.68
    # (0.73 / 0.68 with session 21's code). Session 23: fresh20, written blind in session 22,
    # read once at the start with session 22's code: 0.68 / 0.43 (hand score 0.77 / 0.33).
    # Session 24: fresh21, written blind in session 23, read once at the start with session 23's
    # code: 0.84 / 0.63 (hand score 0.80 / 0.40, but 0.83 / 0.48 once the bench no longer took
    # fresh10's q01 for fresh21's q01: batches reuse ids); its twelve claims in the index cost
    # fresh5 and fresh7 three found each. Session 25: fresh22, written blind in session 24, read
    # once at the start with session 24's code: 0.75 / 0.55 (hand score 0.77 / 0.38).
    # The goal (0.9 / 0.8) is not reached on the batches written after the weights.
    model = figures["model"]
    assert model["dev"]["precision"] >= 0.95 and model["dev"]["recall"] >= 0.78
    assert model["heldout"]["precision"] >= 0.95 and model["heldout"]["recall"] >= 0.68
    assert model["fresh"]["precision"] >= 0.74 and model["fresh"]["recall"] >= 0.46
    assert model["fresh2"]["precision"] >= 0.65 and model["fresh2"]["recall"] >= 0.4
    assert model["fresh3"]["precision"] >= 0.55 and model["fresh3"]["recall"] >= 0.15
    assert model["fresh4"]["precision"] >= 0.88 and model["fresh4"]["recall"] >= 0.48
    assert model["fresh5"]["precision"] >= 0.85 and model["fresh5"]["recall"] >= 0.62
    assert model["fresh6"]["precision"] >= 0.8 and model["fresh6"]["recall"] >= 0.58
    assert model["fresh7"]["precision"] >= 0.63 and model["fresh7"]["recall"] >= 0.55
    assert model["fresh8"]["precision"] >= 0.65 and model["fresh8"]["recall"] >= 0.49
    assert model["fresh9"]["precision"] >= 0.76 and model["fresh9"]["recall"] >= 0.6
    assert model["fresh10"]["precision"] >= 0.73 and model["fresh10"]["recall"] >= 0.5
    assert model["fresh11"]["precision"] >= 0.82 and model["fresh11"]["recall"] >= 0.4
    assert model["fresh12"]["precision"] >= 0.7 and model["fresh12"]["recall"] >= 0.52
    assert model["fresh13"]["precision"] >= 0.72 and model["fresh13"]["recall"] >= 0.45
    assert model["fresh14"]["precision"] >= 0.9 and model["fresh14"]["recall"] >= 0.63
    assert model["fresh15"]["precision"] >= 0.78 and model["fresh15"]["recall"] >= 0.58
    assert model["fresh16"]["precision"] >= 0.88 and model["fresh16"]["recall"] >= 0.8
    assert model["fresh17"]["precision"] >= 0.82 and model["fresh17"]["recall"] >= 0.65
    assert model["fresh18"]["precision"] >= 0.8 and model["fresh18"]["recall"] >= 0.63
    assert model["fresh19"]["precision"] >= 0.72 and model["fresh19"]["recall"] >= 0.63
    assert model["fresh20"]["precision"] >= 0.64 and model["fresh20"]["recall"] >= 0.4
    assert model["fresh21"]["precision"] >= 0.78 and model["fresh21"]["recall"] >= 0.56
    assert model["fresh22"]["precision"] >= 0.69 and model["fresh22"]["recall"] >= 0.5
    # The hand score it re-scores (its strongest feature, and what finds the candidates):
    # session 4's figures at its own dev threshold.
    assert figures["dev"]["precision"] >= 0.95 and figures["dev"]["recall"] >= 0.73
    assert figures["heldout"]["precision"] >= 0.95 and figures["heldout"]["recall"] >= 0.62
    assert figures["fresh"]["precision"] >= 0.82 and figures["fresh"]["recall"] >= 0.42
    assert figures["fresh2"]["precision"] >= 0.55 and figures["fresh2"]["recall"] >= 0.31
    assert figures["fresh3"]["precision"] >= 0.29 and figures["fresh3"]["recall"] >= 0.08
    assert figures["fresh4"]["precision"] >= 0.92 and figures["fresh4"]["recall"] >= 0.28
    assert figures["fresh5"]["precision"] >= 0.87 and figures["fresh5"]["recall"] >= 0.4
    assert figures["fresh6"]["precision"] >= 0.77 and figures["fresh6"]["recall"] >= 0.36
    assert figures["fresh7"]["precision"] >= 0.55 and figures["fresh7"]["recall"] >= 0.21
    assert figures["fresh8"]["precision"] >= 0.68 and figures["fresh8"]["recall"] >= 0.33
    assert figures["fresh9"]["precision"] >= 0.68 and figures["fresh9"]["recall"] >= 0.38
    assert figures["fresh10"]["precision"] >= 0.82 and figures["fresh10"]["recall"] >= 0.24
    assert figures["fresh11"]["precision"] >= 0.75 and figures["fresh11"]["recall"] >= 0.3
    assert figures["fresh12"]["precision"] >= 0.68 and figures["fresh12"]["recall"] >= 0.35
    assert figures["fresh13"]["precision"] >= 0.7 and figures["fresh13"]["recall"] >= 0.32
    assert figures["fresh14"]["precision"] >= 0.9 and figures["fresh14"]["recall"] >= 0.43
    assert figures["fresh15"]["precision"] >= 0.75 and figures["fresh15"]["recall"] >= 0.43
    assert figures["fresh16"]["precision"] >= 0.9 and figures["fresh16"]["recall"] >= 0.55
    assert figures["fresh17"]["precision"] >= 0.85 and figures["fresh17"]["recall"] >= 0.55
    assert figures["fresh18"]["precision"] >= 0.82 and figures["fresh18"]["recall"] >= 0.43
    assert figures["fresh19"]["precision"] >= 0.78 and figures["fresh19"]["recall"] >= 0.53
    assert figures["fresh20"]["precision"] >= 0.72 and figures["fresh20"]["recall"] >= 0.3
    assert figures["fresh21"]["precision"] >= 0.74 and figures["fresh21"]["recall"] >= 0.34
    assert figures["fresh22"]["precision"] >= 0.7 and figures["fresh22"]["recall"] >= 0.33


def test_the_desks_own_country_said_without_its_name_is_norway():
    from claims.watch.recurrence_features import features

    for text, language in [
        ("Sykefraværet her i landet er 6,5 prosent.", "nb"),
        ("Landets sykehus har mistet 2000 senger.", "nb"),
        ("In this country, sick leave is 6.5 per cent.", "en"),
    ]:
        assert "@norway" in features(text, language).tokens, text
    assert "@norway" not in features("Landet er stort og kaldt, sa han om Canada.", "nb").tokens
    index = ClaimIndex([LiveClaim(1, "Rundt 700 dømte personer står i kø for å sone i norske fengsler.", "nb")])
    named = index.passages("Rundt 700 dømte personer står i kø for å sone i fengsler her i landet.", "nb", floor=0.0)
    unnamed = index.passages("Rundt 700 dømte personer står i kø for å sone i fengsler.", "nb", floor=0.0)
    assert named[0][0] > unnamed[0][0]


@pytest.mark.django_db(transaction=True)  # the warm-up closes its connections, as a pool process must
def test_a_worker_that_analyses_builds_the_live_index_as_it_starts(monkeypatch, settings):
    """Session 22: the first analysed batch of a fresh worker built the index (about 5 s at
    10,000 fact-checks). A pool process of a worker consuming the default queue builds it as
    it starts; one that only fetches, or one told not to, leaves it to the first batch."""
    from factcheck import celery as celery_app

    monkeypatch.setattr(rec, "_CACHE", {})
    live("Russia has no plans to invade Ukraine.")
    queues = celery_app.app.amqp.queues
    monkeypatch.setattr(type(queues), "consume_from", property(lambda self: {"fetch": object()}))
    celery_app._warm_up_child()
    assert rec._CACHE == {}
    monkeypatch.setattr(type(queues), "consume_from", property(lambda self: {"default": object()}))
    settings.WORKER_WARM_UP = False
    celery_app._warm_up_child()
    assert rec._CACHE == {}
    settings.WORKER_WARM_UP = True
    celery_app._warm_up_child()
    assert len(rec._CACHE["index"].ids) == 1
    built = rec._CACHE["index"]
    assert rec.live_index() is built  # the first batch finds it built


@pytest.mark.django_db
def test_a_failed_warm_up_leaves_the_worker_to_start(monkeypatch):
    from claims.discovery import pipeline

    assert pipeline.analysis_warm_up() is True

    def broken() -> None:
        raise RuntimeError("relation claims_claim does not exist")

    monkeypatch.setattr(rec, "live_index", broken)
    assert pipeline.analysis_warm_up() is False
