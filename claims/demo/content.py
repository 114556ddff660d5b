"""The demo desk's content: users, claimants, sources, claims and their verdicts.

Pure data, no database access; `claims.demo.loader` writes it through the services.
Every text here is written for the demo (no sentence is copied from a news article); the
URLs are on reserved example domains or are illustrative and are never fetched by the loader.

The claims are about the meeting between US Secretary of State Antony Blinken and Russian
Foreign Minister Sergei Lavrov in Geneva on 21 January 2022, and are spread over the
workflow so that every screen of the desk has something to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Printed by the command and documented there; FACTCHECK_DEMO_PASSWORD overrides it.
DEFAULT_PASSWORD = "demo-pass-2022"  # noqa: S105 - a demo login, not a secret
TAGS = ("Ukraina", "NATO", "Russland", "USA", "Genève")


@dataclass(frozen=True)
class DemoUser:
    """A desk member; `role` is the group from migration 0002."""

    username: str
    role: str
    first_name: str
    last_name: str
    is_superuser: bool = False

    @property
    def email(self) -> str:
        return f"{self.username}@desk.example"


USERS = (
    DemoUser("reviewer", "Reviewer", "Rita", "Reviewer"),
    DemoUser("editor", "Editor", "Erik", "Editor"),
    DemoUser("admin", "Admin", "Ada", "Admin", is_superuser=True),
)


@dataclass(frozen=True)
class DemoClaimant:
    name: str
    kind: str  # "person" | "organization"
    job_title: str = ""
    wikidata_id: str = ""  # only ids we are sure of; blank otherwise
    description: str = ""


BLINKEN = DemoClaimant(
    "Antony Blinken",
    "person",
    job_title="United States Secretary of State",
    wikidata_id="Q4773585",
    description="Head of the US State Department from January 2021.",
)
LAVROV = DemoClaimant(
    "Sergei Lavrov",
    "person",
    job_title="Minister of Foreign Affairs of Russia",
    description="Russia's foreign minister since 2004.",
)
RUSSIAN_GOVERNMENT = DemoClaimant(
    "Russian government",
    "organization",
    description="Statements made on behalf of the Russian state by the Kremlin or the foreign ministry.",
)
PSAKI = DemoClaimant(
    "Jen Psaki",
    "person",
    job_title="White House Press Secretary",
    description="Spokesperson for the Biden administration in 2021–2022.",
)
CLAIMANTS = (BLINKEN, LAVROV, RUSSIAN_GOVERNMENT, PSAKI)


@dataclass(frozen=True)
class DemoSource:
    url: str
    title: str
    outlet: str
    language: str
    published: dt.date | None = None


@dataclass(frozen=True)
class DemoAppearance:
    source: DemoSource
    quote: str = ""
    appeared_on: dt.date | None = None
    first: bool = False


@dataclass(frozen=True)
class DemoVerdict:
    """A verdict as the reviewer drafts it (or as the editor revises it for an update)."""

    rating: str  # Rating.slug
    headline: str
    rationale: str  # Markdown
    evidence: tuple[DemoSource, ...]


@dataclass(frozen=True)
class DemoComment:
    author: str  # username
    body: str


@dataclass(frozen=True)
class DemoClaim:
    """One claim and the state the demo leaves it in.

    `text` plus `language` is the natural key the loader finds it by on a second run.
    """

    text: str
    claim_reviewed: str
    language: str
    status: str
    claimant: DemoClaimant | None = None
    claim_date: dt.date | None = None
    location: str = ""
    tags: tuple[str, ...] = ()
    priority: int = 2
    appearances: tuple[DemoAppearance, ...] = ()
    verdict: DemoVerdict | None = None
    # For status "updated": the editor's revision published as the update, with its public note.
    update: DemoVerdict | None = None
    update_note: str = ""
    # For "rejected" (and the last transition generally): the reason given with it.
    reason: str = ""
    comments: tuple[DemoComment, ...] = field(default=())


GENEVA_DAY = dt.date(2022, 1, 21)

# --- Sources ---------------------------------------------------------------------------------

S_TALKS_EN = DemoSource(
    "https://news.example/2022/01/21/blinken-lavrov-geneva-talks",
    "Blinken and Lavrov meet in Geneva but find no way out of the Ukraine stand-off",
    "Example News",
    "en",
    GENEVA_DAY,
)
S_TALKS_NB = DemoSource(
    "https://nyheter.example/2022/01/21/blinken-og-lavrov-i-geneve",
    "Utenriksministrene møttes i Genève uten å komme nærmere en løsning",
    "Nyheter Example",
    "nb",
    GENEVA_DAY,
)
S_STATE_PRESSER = DemoSource(
    "https://www.state.gov/secretary-blinkens-press-availability-geneva-2022-01-21/",
    "Secretary Blinken's press availability in Geneva",
    "U.S. Department of State",
    "en",
    GENEVA_DAY,
)
S_KREMLIN_DENIAL = DemoSource(
    "https://news.example/2022/01/19/kremlin-rejects-invasion-warnings",
    "Kremlin brushes off Western warnings of an attack on Ukraine",
    "Example News",
    "en",
    dt.date(2022, 1, 19),
)
S_SATELLITE = DemoSource(
    "https://news.example/2022/01/18/satellite-images-show-buildup",
    "Satellite pictures show more Russian units near Ukraine",
    "Example News",
    "en",
    dt.date(2022, 1, 18),
)
S_INVASION = DemoSource(
    "https://news.example/2022/02/24/russia-launches-full-scale-invasion",
    "Russia launches a full-scale invasion of Ukraine",
    "Example News",
    "en",
    dt.date(2022, 2, 24),
)
S_WRITTEN_RESPONSE = DemoSource(
    "https://news.example/2022/01/26/us-hands-russia-written-response",
    "Washington hands Moscow its written reply on security demands",
    "Example News",
    "en",
    dt.date(2022, 1, 26),
)
S_DRAFT_TREATIES = DemoSource(
    "https://news.example/2021/12/17/russia-publishes-draft-security-treaties",
    "Russia publishes the security guarantees it wants from the US and NATO",
    "Example News",
    "en",
    dt.date(2021, 12, 17),
)
S_INF_EXPLAINER = DemoSource(
    "https://nyheter.example/2019/08/02/inf-avtalen-forklart",
    "Dette var INF-avtalen – og derfor falt den",
    "Nyheter Example",
    "nb",
    dt.date(2019, 8, 2),
)
S_INF_TEXT = DemoSource(
    "https://archive.example/treaties/inf-1987",
    "Treaty on the Elimination of Intermediate-Range and Shorter-Range Missiles (1987)",
    "Treaty archive (example)",
    "en",
    dt.date(1987, 12, 8),
)
S_PRETEXT = DemoSource(
    "https://news.example/2022/01/14/us-says-russia-preparing-pretext",
    "US accuses Russia of preparing a pretext for invading Ukraine",
    "Example News",
    "en",
    dt.date(2022, 1, 14),
)
S_TROOPS_NB = DemoSource(
    "https://nyheter.example/2022/01/19/blinken-i-kyiv",
    "Blinken i Kyiv: – Russland kan angripe på kort varsel",
    "Nyheter Example",
    "nb",
    dt.date(2022, 1, 19),
)
S_SOCIAL_EARLY_END = DemoSource(
    "https://social.example/posts/geneva-meeting-over-already",
    "Post: the Geneva meeting is already over",
    "Social Example",
    "en",
    GENEVA_DAY,
)
S_CONSEQUENCES_NB = DemoSource(
    "https://nyheter.example/2022/01/21/blinken-advarer-moskva",
    "Blinken advarer Moskva mot å velge konfrontasjon",
    "Nyheter Example",
    "nb",
    GENEVA_DAY,
)
S_NATO_PROMISE = DemoSource(
    "https://nyheter.example/2022/01/22/lovet-vesten-aa-ikke-utvide-nato",
    "Lovet Vesten at NATO ikke skulle vokse østover?",
    "Nyheter Example",
    "nb",
    dt.date(2022, 1, 22),
)

# --- Claims ----------------------------------------------------------------------------------

CLAIMS: tuple[DemoClaim, ...] = (
    DemoClaim(
        text="Russia has no intention of attacking Ukraine; the warnings about an invasion are groundless.",
        claim_reviewed="Russia has no plans to invade Ukraine",
        language="en",
        status="updated",
        claimant=RUSSIAN_GOVERNMENT,
        claim_date=GENEVA_DAY,
        location="Geneva",
        tags=("Ukraina", "Russland", "NATO", "Genève"),
        priority=4,
        appearances=(
            DemoAppearance(S_KREMLIN_DENIAL, "Moscow says it threatens no one.", dt.date(2022, 1, 19), first=True),
            DemoAppearance(S_TALKS_EN, "Russia again denied that it intends to invade.", GENEVA_DAY),
        ),
        verdict=DemoVerdict(
            rating="misleading",
            headline="Russia's denial does not square with the forces on Ukraine's border",
            rationale=(
                "Moscow repeated before and after the Geneva talks that it has **no plans** to invade Ukraine.\n\n"
                "A statement of intent cannot be proven false on the day it is made, but the denial leaves out "
                "what can be observed:\n\n"
                "- commercial satellite pictures show a steady build-up of Russian units near the border;\n"
                "- the build-up continued while the talks were under way;\n"
                "- Russia has given no explanation for the deployment that fits the size of it.\n\n"
                "Presenting the situation as groundless Western alarm therefore gives a misleading picture."
            ),
            evidence=(S_SATELLITE, S_KREMLIN_DENIAL),
        ),
        update=DemoVerdict(
            rating="false",
            headline="Russia denied it would invade Ukraine – then it did",
            rationale=(
                "**Update:** Russia began a full-scale invasion of Ukraine on 24 February 2022. "
                "We have changed the verdict from *Misleading* to *False*.\n\n"
                "Moscow repeated before and after the Geneva talks that it had no plans to invade Ukraine, while "
                "satellite pictures showed a steady build-up of Russian units near the border. "
                "The invasion shows that the denial was not true."
            ),
            evidence=(S_SATELLITE, S_KREMLIN_DENIAL, S_INVASION),
        ),
        update_note=(
            "Updated on 24 February 2022: Russia has invaded Ukraine. The rating is changed from Misleading to "
            "False and the rationale now cites the invasion."
        ),
    ),
    DemoClaim(
        text=(
            "Vi kom ikke fram til noen avgjørende enighet i Genève i dag, men vi har fått et klarere bilde "
            "av hva som bekymrer den andre parten."
        ),
        claim_reviewed="Samtalene i Genève ga ikke noe gjennombrudd",
        language="nb",
        status="published",
        claimant=BLINKEN,
        claim_date=GENEVA_DAY,
        location="Genève",
        tags=("Genève", "USA", "Russland"),
        appearances=(
            DemoAppearance(S_STATE_PRESSER, "No breakthrough was expected, and none came.", GENEVA_DAY, first=True),
            DemoAppearance(S_TALKS_NB, "Blinken sa at partene ikke kom til enighet.", GENEVA_DAY),
        ),
        verdict=DemoVerdict(
            rating="true",
            headline="Stemmer: Møtet i Genève endte uten gjennombrudd",
            rationale=(
                "Blinken og Lavrov møttes i Genève fredag 21. januar 2022. Etter møtet sa **begge** at de "
                "ikke hadde løst uenigheten om Ukraina og sikkerheten i Europa.\n\n"
                "- Ingen avtale ble lagt fram etter møtet.\n"
                "- Det eneste partene ble enige om, var at USA skulle svare skriftlig på Russlands forslag.\n\n"
                "At samtalene ikke ga noe gjennombrudd, er derfor en riktig beskrivelse."
            ),
            evidence=(S_TALKS_NB, S_TALKS_EN, S_STATE_PRESSER),
        ),
    ),
    DemoClaim(
        text="We agreed that the Americans will send us written replies to all of our proposals next week.",
        claim_reviewed="The US will answer Russia's proposals in writing next week",
        language="en",
        status="published",
        claimant=LAVROV,
        claim_date=GENEVA_DAY,
        location="Geneva",
        tags=("Genève", "USA", "Russland", "NATO"),
        appearances=(DemoAppearance(S_TALKS_EN, "Lavrov said written answers would follow.", GENEVA_DAY, first=True),),
        verdict=DemoVerdict(
            rating="true",
            headline="True: Washington delivered its written reply five days later",
            rationale=(
                "After the meeting, both foreign ministers said the United States would respond in writing.\n\n"
                "On **Wednesday 26 January 2022** the US ambassador in Moscow handed the Russian foreign "
                "ministry a written reply to Russia's proposals, and NATO sent its own reply the same day. "
                "The reply arrived in the week after the talks, as Lavrov said it would.\n\n"
                "Whether the reply covered *all* of Russia's proposals is a matter of interpretation: it "
                "addressed the main points and rejected some of them outright."
            ),
            evidence=(S_WRITTEN_RESPONSE, S_TALKS_EN),
        ),
    ),
    DemoClaim(
        text=(
            "Russland krever at Ukraina aldri skal få bli med i NATO, og at alliansen trekker styrkene sine "
            "ut av de østlige medlemslandene."
        ),
        claim_reviewed="Russland krever NATO-nei for Ukraina og tilbaketrekking fra øst",
        language="nb",
        status="in_review",
        claimant=RUSSIAN_GOVERNMENT,
        claim_date=GENEVA_DAY,
        location="Genève",
        tags=("NATO", "Russland", "Ukraina"),
        priority=3,
        appearances=(
            DemoAppearance(
                S_DRAFT_TREATIES, "The drafts ask NATO to stop enlarging.", dt.date(2021, 12, 17), first=True
            ),
            DemoAppearance(S_TALKS_NB, "Kravene ble gjentatt før møtet.", GENEVA_DAY),
        ),
        verdict=DemoVerdict(
            rating="mostly-true",
            headline="Stort sett riktig gjengitt: Russlands krav til NATO",
            rationale=(
                "Russland la i desember 2021 fram to utkast til avtaler, ett med USA og ett med NATO.\n\n"
                "1. Utkastene sier at NATO ikke skal ta opp flere medlemmer, og Ukraina nevnes særskilt.\n"
                "2. NATO skal heller ikke ha styrker eller våpen i land som ble medlemmer etter mai 1997.\n\n"
                "Punkt 2 betyr i praksis at alliansen må trekke seg ut av medlemslandene i øst, men kravet "
                "er formulert mer generelt enn påstanden gir inntrykk av."
            ),
            evidence=(S_DRAFT_TREATIES,),
        ),
        comments=(DemoComment("reviewer", "Klar for vurdering. Sjekk gjerne formuleringen om «østlige medlemsland»."),),
    ),
    DemoClaim(
        text="INF-avtalen forbød både USA og Russland å ha landbaserte mellomdistanseraketter.",
        claim_reviewed="INF-avtalen forbød landbaserte mellomdistanseraketter",
        language="nb",
        status="published",
        claim_date=GENEVA_DAY,
        location="Debatt i sosiale medier",
        tags=("USA", "Russland", "NATO"),
        priority=1,
        appearances=(DemoAppearance(S_TALKS_NB, "Avtalen ble nevnt i forbindelse med møtet.", GENEVA_DAY, first=True),),
        verdict=DemoVerdict(
            rating="true",
            headline="Stemmer: INF-avtalen forbød landbaserte mellomdistanseraketter",
            rationale=(
                "INF-avtalen ble undertegnet av USA og Sovjetunionen i desember 1987. Russland overtok "
                "Sovjetunionens forpliktelser.\n\n"
                "Avtalen forbød **landbaserte** ballistiske raketter og kryssermissiler med rekkevidde mellom "
                "500 og 5500 kilometer, og alle slike våpen skulle destrueres. Raketter som skytes fra skip "
                "eller fly, var ikke omfattet.\n\n"
                "USA trakk seg fra avtalen i 2019 og viste til at Russland hadde brutt den. Avtalen gjelder "
                "derfor ikke lenger, men påstanden beskriver riktig hva den forbød."
            ),
            evidence=(S_INF_EXPLAINER, S_INF_TEXT),
        ),
    ),
    DemoClaim(
        text=(
            "Our intelligence shows that Russia is laying the groundwork for a staged pretext "
            "to justify invading Ukraine."
        ),
        claim_reviewed="US intelligence says Russia is preparing a pretext for invasion",
        language="en",
        status="in_research",
        claimant=PSAKI,
        claim_date=dt.date(2022, 1, 14),
        location="Washington",
        tags=("USA", "Russland", "Ukraina"),
        priority=3,
        appearances=(
            DemoAppearance(
                S_PRETEXT, "Officials said a staged incident could be used.", dt.date(2022, 1, 14), first=True
            ),
        ),
        comments=(
            DemoComment(
                "reviewer", "The intelligence itself is not public. Look for what else officials have released."
            ),
        ),
    ),
    DemoClaim(
        text="Russland har samlet rundt 100 000 soldater nær grensen til Ukraina.",
        claim_reviewed="Russland har samlet store styrker nær Ukrainas grense",
        language="nb",
        status="in_research",
        claimant=BLINKEN,
        claim_date=dt.date(2022, 1, 19),
        location="Kyiv",
        tags=("Russland", "Ukraina", "USA"),
        priority=3,
        appearances=(
            DemoAppearance(
                S_TROOPS_NB, "Blinken viste til et stort antall soldater.", dt.date(2022, 1, 19), first=True
            ),
        ),
    ),
    DemoClaim(
        text="The meeting between Blinken and Lavrov in Geneva was over earlier than planned.",
        claim_reviewed="The Geneva meeting ended earlier than planned",
        language="en",
        status="triaged",
        claim_date=GENEVA_DAY,
        location="Geneva",
        tags=("Genève",),
        priority=1,
        appearances=(DemoAppearance(S_SOCIAL_EARLY_END, "Already finished?", GENEVA_DAY, first=True),),
    ),
    DemoClaim(
        text="Velger Russland konfrontasjon framfor dialog, vil det få svært alvorlige følger for landet.",
        claim_reviewed="Blinken advarte om alvorlige konsekvenser ved konfrontasjon",
        language="nb",
        status="new",
        claimant=BLINKEN,
        claim_date=GENEVA_DAY,
        location="Genève",
        tags=("USA", "Russland", "Genève"),
        appearances=(DemoAppearance(S_CONSEQUENCES_NB, "Blinken advarte Moskva.", GENEVA_DAY, first=True),),
    ),
    DemoClaim(
        text="Vesten lovet etter den kalde krigen at NATO aldri skulle utvide seg østover.",
        claim_reviewed="Vesten lovet at NATO ikke skulle utvide seg østover",
        language="nb",
        status="new",
        claimant=RUSSIAN_GOVERNMENT,
        tags=("NATO", "Russland"),
        priority=3,
        appearances=(
            DemoAppearance(S_NATO_PROMISE, "Moskva viser til løfter fra 1990.", dt.date(2022, 1, 22), first=True),
        ),
    ),
    DemoClaim(
        text="Today's talks were frank and useful.",
        claim_reviewed="Lavrov calls the talks frank and useful",
        language="en",
        status="rejected",
        claimant=LAVROV,
        claim_date=GENEVA_DAY,
        location="Geneva",
        tags=("Genève", "Russland"),
        priority=1,
        appearances=(DemoAppearance(S_TALKS_EN, "Lavrov described the talks in positive terms.", GENEVA_DAY),),
        reason="How talks felt to one side is an opinion; there is no fact here that we could check.",
        comments=(DemoComment("reviewer", "An assessment, not a checkable statement of fact."),),
    ),
)
