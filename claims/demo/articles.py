"""A small local article corpus for the related-article search (claims.models.Article).

Articles about the 21 January 2022 Geneva talks, and hard negatives about the June 2021
Biden–Putin summit in the same city (same place, same two countries, also a meeting that
ended early), so that ranking has something to tell apart. All text is written for the
demo; the URLs are on reserved example domains.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from claims.demo.content import S_DRAFT_TREATIES, S_SATELLITE, S_TALKS_EN, S_TALKS_NB, S_WRITTEN_RESPONSE

UTC = dt.UTC


@dataclass(frozen=True)
class DemoArticle:
    """An article in the local index; `relevant` marks whether it is about the 2022 talks."""

    url: str
    title: str
    outlet: str
    language: str
    published_at: dt.datetime
    summary: str
    text: str
    relevant: bool = True


ARTICLES: tuple[DemoArticle, ...] = (
    DemoArticle(
        url=S_TALKS_EN.url,
        title=S_TALKS_EN.title,
        outlet="Example News",
        language="en",
        published_at=dt.datetime(2022, 1, 21, 15, 30, tzinfo=UTC),
        summary="The US and Russian foreign ministers spent about an hour and a half together in Geneva.",
        text=(
            "Antony Blinken and Sergei Lavrov met in a Geneva hotel on Friday for talks about the crisis over "
            "Ukraine. Neither side claimed a breakthrough. Lavrov told reporters that Washington had promised "
            "written answers to Moscow's proposals within a week, and Blinken confirmed it. Russia once more "
            "denied that it is planning to invade its neighbour, while Western governments pointed to the "
            "tens of thousands of troops it has moved close to the border."
        ),
    ),
    DemoArticle(
        url=S_TALKS_NB.url,
        title=S_TALKS_NB.title,
        outlet="Nyheter Example",
        language="nb",
        published_at=dt.datetime(2022, 1, 21, 16, 0, tzinfo=UTC),
        summary="USAs og Russlands utenriksministre ble ikke enige om noe vesentlig i Genève fredag.",
        text=(
            "Møtet mellom Antony Blinken og Sergej Lavrov i Genève varte kortere enn ventet. Etterpå sa "
            "begge at de ikke hadde løst uenigheten om Ukraina. USA skal svare skriftlig på Russlands "
            "forslag i løpet av neste uke. Russland har flyttet store styrker nær grensen til Ukraina, "
            "men avviser at det finnes planer om et angrep. Moskva vil ha garantier for at NATO ikke "
            "tar opp Ukraina som medlem."
        ),
    ),
    DemoArticle(
        url=S_WRITTEN_RESPONSE.url,
        title=S_WRITTEN_RESPONSE.title,
        outlet="Example News",
        language="en",
        published_at=dt.datetime(2022, 1, 26, 18, 0, tzinfo=UTC),
        summary="The written reply promised in Geneva reached the Russian foreign ministry on Wednesday.",
        text=(
            "The US ambassador in Moscow delivered Washington's written reply to Russia's security proposals "
            "on Wednesday, five days after the Geneva meeting of the two foreign ministers. NATO sent a "
            "separate reply. Both keep the door open to talks on arms control but reject a veto on the "
            "alliance taking in new members such as Ukraine."
        ),
    ),
    DemoArticle(
        url=S_SATELLITE.url,
        title=S_SATELLITE.title,
        outlet="Example News",
        language="en",
        published_at=dt.datetime(2022, 1, 18, 9, 0, tzinfo=UTC),
        summary="New commercial satellite images show more Russian equipment close to Ukraine.",
        text=(
            "Images taken this week by a commercial satellite operator show tanks, artillery and field "
            "camps at several sites in western Russia and in Belarus, some of them only a few dozen "
            "kilometres from the Ukrainian border. Analysts say the number of units has grown since "
            "December, despite Moscow's insistence that it threatens no one."
        ),
    ),
    DemoArticle(
        url="https://nyheter.example/2022/01/14/usa-russland-forbereder-paaskudd",
        title="USA: Russland forbereder et påskudd for å gå inn i Ukraina",
        outlet="Nyheter Example",
        language="nb",
        published_at=dt.datetime(2022, 1, 14, 20, 0, tzinfo=UTC),
        summary="Det hvite hus sier etterretning tyder på at Russland planlegger en iscenesatt hendelse.",
        text=(
            "Amerikanske myndigheter hevder at Russland har plassert personell i Øst-Ukraina som kan "
            "iscenesette en hendelse og dermed gi et påskudd for invasjon. Moskva avviser anklagen. "
            "USA har ikke lagt fram etterretningen som beskyldningen bygger på."
        ),
    ),
    DemoArticle(
        url=S_DRAFT_TREATIES.url,
        title=S_DRAFT_TREATIES.title,
        outlet="Example News",
        language="en",
        published_at=dt.datetime(2021, 12, 17, 12, 0, tzinfo=UTC),
        summary="Moscow's draft treaties would bar Ukraine from NATO and limit the alliance in the east.",
        text=(
            "Russia's foreign ministry has published two draft agreements, one with the United States and "
            "one with NATO. They would rule out any further enlargement of the alliance, including Ukraine, "
            "and bar NATO troops and weapons from countries that joined after 1997. Western officials "
            "called several of the demands non-starters but said they were ready to talk."
        ),
    ),
    # Hard negatives: Geneva, the US and Russia, a short meeting – but the June 2021 summit.
    DemoArticle(
        url="https://news.example/2021/06/16/biden-putin-geneva-summit",
        title="Biden and Putin hold their first summit in Geneva",
        outlet="Example News",
        language="en",
        published_at=dt.datetime(2021, 6, 16, 19, 0, tzinfo=UTC),
        summary="The two presidents met at a lakeside villa and agreed to send their ambassadors back.",
        text=(
            "US President Joe Biden and Russian President Vladimir Putin met in Geneva on Wednesday at "
            "Villa La Grange. The meeting ended sooner than many had expected. The leaders agreed that "
            "their ambassadors would return to their posts and that officials would start a dialogue on "
            "strategic stability. Cyber attacks and human rights were also on the agenda."
        ),
        relevant=False,
    ),
    DemoArticle(
        url="https://nyheter.example/2021/06/16/biden-og-putin-i-geneve",
        title="Biden og Putin møttes i Genève",
        outlet="Nyheter Example",
        language="nb",
        published_at=dt.datetime(2021, 6, 16, 20, 0, tzinfo=UTC),
        summary="Presidentene ble enige om å sende ambassadørene tilbake, men var uenige om mye annet.",
        text=(
            "Toppmøtet mellom Joe Biden og Vladimir Putin i Genève ble kortere enn planlagt. Begge beskrev "
            "samtalene som saklige. De ble enige om å innlede samtaler om rustningskontroll, men sto langt "
            "fra hverandre om menneskerettigheter og dataangrep."
        ),
        relevant=False,
    ),
    DemoArticle(
        url="https://news.example/2021/06/17/geneva-summit-arms-control-statement",
        title="After Geneva summit, US and Russia promise talks on arms control",
        outlet="Example News",
        language="en",
        published_at=dt.datetime(2021, 6, 17, 8, 0, tzinfo=UTC),
        summary="A joint statement from the June summit restates that a nuclear war can have no winner.",
        text=(
            "The joint statement issued after the Biden–Putin summit in Geneva commits both governments to "
            "an integrated dialogue on strategic stability, meant to lay the groundwork for future arms "
            "control. It repeats the Cold War formula that a nuclear war cannot be won and must never be fought."
        ),
        relevant=False,
    ),
)
