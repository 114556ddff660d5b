"""Synthetic newsroom text for the benchmark data, in Norwegian Bokmål and English.

Every sentence here is written for the benchmark (templates with slots), about politics,
security, health and the economy, so that full-text search over the generated claims and
articles has a realistic vocabulary: shared words that match thousands of rows, rarer
words that match a few, inflected forms for the stemmers, and æ, ø and å throughout.
Party, outlet and person names are invented; countries and places are real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

TOPICS = ("security", "health", "economy", "politics")

COUNTRIES = {
    "nb": [
        "Russland", "Ukraina", "Norge", "Sverige", "Finland", "Kina", "USA", "Tyskland", "Polen",
        "Belarus", "Danmark", "Storbritannia", "Frankrike", "Estland", "Latvia", "Litauen", "Tyrkia",
    ],
    "en": [
        "Russia", "Ukraine", "Norway", "Sweden", "Finland", "China", "the United States", "Germany",
        "Poland", "Belarus", "Denmark", "the United Kingdom", "France", "Estonia", "Latvia", "Lithuania",
        "Turkey",
    ],
}  # fmt: skip
PLACES = [
    "Oslo", "Bergen", "Tromsø", "Trondheim", "Bodø", "Kristiansand", "Ålesund", "Førde", "Hammerfest",
    "Lillehammer", "Drøbak", "Måløy", "Skien", "Kirkenes", "Stavanger", "Østfold", "Vestland",
    "Innlandet", "Nord-Norge", "Sørlandet", "Gjøvik", "Molde", "Vardø", "Røros",
]  # fmt: skip
PARTIES = {
    "nb": ["Fjordpartiet", "Nordlyspartiet", "Grønn Framtid", "Bygdelista", "Sentrumsalliansen",
           "Fellesskapspartiet", "Frihetspartiet", "Kystlista"],
    "en": ["the Harbour Party", "the Northern Alliance", "the Green Future party", "the Liberty Party",
           "the Coastal List", "the Common Ground party", "the Rural Union", "the Reform Movement"],
}  # fmt: skip
DISEASES = {
    "nb": ["meslinger", "influensa", "kikhoste", "korona", "tuberkulose", "skrantesyke", "borreliose"],
    "en": ["measles", "influenza", "whooping cough", "covid-19", "tuberculosis", "mpox", "Lyme disease"],
}
SECTORS = {
    "nb": ["politiet", "Forsvaret", "sykehusene", "skolene", "NAV", "Skatteetaten", "jernbanen", "tollvesenet"],
    "en": ["the police", "the armed forces", "the hospitals", "the schools", "the welfare agency",
           "the tax office", "the railways", "customs"],
}  # fmt: skip
THINGS = {
    "nb": ["drivstoff", "matvarer", "strøm", "bolig", "sukker", "alkohol", "elbiler", "flyreiser"],
    "en": ["fuel", "groceries", "electricity", "housing", "sugar", "alcohol", "electric cars", "air travel"],
}
MONTHS = {
    "nb": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "desember"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
}  # fmt: skip

# One statement per line; {c1}/{c2} countries, {p} place, {party}, {d} disease, {s} sector,
# {t} thing, {m} month, {y} year, {n} a number, {pct} a percentage.
STATEMENTS = {
    "nb": {
        "security": [
            "{c1} har ingen planer om å invadere {c2}",
            "{c1} har samlet over {n} 000 soldater nær grensen til {c2}",
            "alliansen lovet {c1} at den aldri skulle utvides østover",
            "forsvarsbudsjettet i {c1} økte med {pct} prosent i {y}",
            "{c1} har plassert atomvåpen i {c2}",
            "militærøvelsen ved grensen er rent defensiv og avsluttes i {m}",
            "sanksjonene mot {c1} har ikke svekket økonomien der i det hele tatt",
            "{c1} har levert {n} stridsvogner til {c2} siden {y}",
            "dataangrepet mot {s} ble styrt fra {c1}",
            "Forsvaret har bare ammunisjon til {n} dager med krig",
            "{c2} har bedt om at styrkene trekkes ut av Øst-Europa",
            "droneflygingen over {p} i {m} var en øvelse fra {c1}",
            "grensestasjonen ved {p} er stengt på grunn av trusler fra {c1}",
            "forhandlingene i Genève endte uten gjennombrudd, men begge parter svarer skriftlig",
        ],
        "health": [
            "vaksinen mot {d} gir flere alvorlige bivirkninger enn sykdommen selv",
            "ventetiden ved sykehuset i {p} er halvert siden {y}",
            "{pct} prosent av sykepleierne i {p} vurderer å slutte",
            "fastlegeordningen i {p} mangler {n} leger",
            "dødsfallene av {d} økte med {pct} prosent i {y}",
            "sukkeravgiften fikk folk til å spise mindre godteri",
            "luftforurensningen i {p} gir {n} for tidlige dødsfall hvert år",
            "kommunene bruker mer penger på konsulenter enn på hjemmesykepleie",
            "utbruddet av {d} i {p} skyldes manglende vaksinering",
            "fødeavdelingen i {p} ble lagt ned uten faglig begrunnelse",
            "antallet ambulanser i {p} er redusert med {pct} prosent",
            "psykiatrien får {pct} prosent mindre penger enn i {y}",
        ],
        "economy": [
            "strømprisen i {p} er den høyeste i Europa",
            "prisene på {t} har steget med {pct} prosent det siste året",
            "oljefondet tapte {n} milliarder kroner i {m}",
            "arbeidsledigheten blant unge er den laveste siden {y}",
            "kronen har aldri vært svakere mot euroen",
            "formuesskatten har fått {n} rike nordmenn til å flytte til Sveits",
            "renteøkningen koster en vanlig familie {n} 000 kroner i året",
            "{c1} står for over halvparten av gassen Europa kjøper",
            "avgiften på {t} gir staten {n} milliarder kroner i året",
            "boligprisene i {p} falt med {pct} prosent i {m}",
            "lønnsveksten i {y} var lavere enn prisveksten for tredje år på rad",
            "eksporten av laks til {c1} er tredoblet siden {y}",
        ],
        "politics": [
            "{party} har aldri stemt for lavere avgift på {t}",
            "valgdeltakelsen blant førstegangsvelgere var rekordlav i {y}",
            "regjeringen har kuttet {n} stillinger i {s}",
            "{party} vil legge ned {n} lokalsykehus",
            "Stortinget vedtok budsjettet uten å ha lest det",
            "innflyttingen til {p} er tredoblet siden {y}",
            "{party} lovet gratis barnehage i {y}, men brøt løftet",
            "bompengene i {p} går til å lønne konsulenter",
            "{party} har fått {pct} prosent av stemmene i {p} ved hvert valg siden {y}",
            "kommunesammenslåingen i {p} sparte ikke en eneste krone",
            "ordføreren i {p} har brukt {n} 000 kroner på reiser i {m}",
            "statsbudsjettet for {y} øker bevilgningene til {s} med {pct} prosent",
        ],
    },
    "en": {
        "security": [
            "{c1} has no plans to invade {c2}",
            "{c1} has massed more than {n},000 troops near the border with {c2}",
            "the alliance promised {c1} it would never expand eastwards",
            "defence spending in {c1} rose by {pct} percent in {y}",
            "{c1} has stationed nuclear weapons in {c2}",
            "the exercise near the border is purely defensive and ends in {m}",
            "the sanctions against {c1} have not weakened its economy at all",
            "{c1} has delivered {n} tanks to {c2} since {y}",
            "the cyber attack on {s} was directed from {c1}",
            "the armed forces only have ammunition for {n} days of war",
            "{c2} has demanded that troops are withdrawn from Eastern Europe",
            "the drones seen over {p} in {m} were an exercise by {c1}",
            "the border crossing at {p} was closed because of threats from {c1}",
            "the talks in Geneva ended without a breakthrough, but both sides will reply in writing",
        ],
        "health": [
            "the {d} vaccine causes more serious side effects than the disease itself",
            "waiting times at the hospital in {p} have halved since {y}",
            "{pct} percent of nurses in {p} are considering quitting",
            "the GP scheme in {p} is short of {n} doctors",
            "deaths from {d} rose by {pct} percent in {y}",
            "the sugar tax made people eat fewer sweets",
            "air pollution in {p} causes {n} premature deaths every year",
            "municipalities spend more on consultants than on home nursing",
            "the {d} outbreak in {p} was caused by low vaccination rates",
            "the maternity ward in {p} was closed without any medical reason",
            "the number of ambulances in {p} has been cut by {pct} percent",
            "mental health services get {pct} percent less money than in {y}",
        ],
        "economy": [
            "electricity in {p} is the most expensive in Europe",
            "the price of {t} has risen by {pct} percent over the past year",
            "the oil fund lost {n} billion kroner in {m}",
            "youth unemployment is the lowest since {y}",
            "the krone has never been weaker against the euro",
            "the wealth tax has driven {n} rich Norwegians to move to Switzerland",
            "the rate rise costs an ordinary family {n},000 kroner a year",
            "{c1} supplies more than half of the gas Europe buys",
            "the duty on {t} brings the state {n} billion kroner a year",
            "house prices in {p} fell by {pct} percent in {m}",
            "wage growth in {y} lagged behind inflation for the third year running",
            "salmon exports to {c1} have tripled since {y}",
        ],
        "politics": [
            "{party} has never voted for a lower duty on {t}",
            "turnout among first-time voters was the lowest ever in {y}",
            "the government has cut {n} jobs in {s}",
            "{party} wants to close {n} local hospitals",
            "parliament passed the budget without reading it",
            "the number of people moving to {p} has tripled since {y}",
            "{party} promised free kindergartens in {y} but broke the promise",
            "the road tolls in {p} are spent on consultants' fees",
            "{party} has won {pct} percent of the vote in {p} at every election since {y}",
            "the municipal merger in {p} did not save a single krone",
            "the mayor of {p} spent {n},000 kroner on travel in {m}",
            "the budget for {y} raises funding for {s} by {pct} percent",
        ],
    },
}

FRAMES = {
    "nb": [
        "{X}.",
        "Det er helt sikkert at {x}.",
        "{X}, sa {who} på et pressemøte.",
        "Jeg kan love dere at {x}.",
        "Faktum er at {x}, uansett hva motstanderne påstår.",
        "Alle vet jo at {x}.",
        "{X} – det viser tallene tydelig.",
        "I et innlegg på sosiale medier skrev {who} at {x}.",
        "Ingen har fortalt dere at {x}.",
        "Våre beregninger viser at {x}, og det er bare begynnelsen.",
    ],
    "en": [
        "{X}.",
        "It is absolutely certain that {x}.",
        "{X}, {who} told a press conference.",
        "I can promise you that {x}.",
        "The fact is that {x}, whatever our opponents say.",
        "Everybody knows that {x}.",
        "{X} - the figures show it clearly.",
        "In a post on social media, {who} wrote that {x}.",
        "Nobody has told you that {x}.",
        "Our calculations show that {x}, and that is only the beginning.",
    ],
}
WHO = {
    "nb": ["statsråden", "partilederen", "ordføreren", "talspersonen", "forsvarssjefen", "helseministeren"],
    "en": ["the minister", "the party leader", "the mayor", "the spokesperson", "the defence chief",
           "the health minister"],
}  # fmt: skip
QUOTE_FRAMES = {
    "nb": ["– {X}", "«{X}»", "{X}, hevdet hen.", "Hen gjentok at {x}."],
    "en": ["“{X}”", "{X}, they said.", "They repeated that {x}.", "'{X}'"],
}
HEADLINES = {
    "nb": ["Faktasjekk: {X}?", "Stemmer det at {x}?", "Slik er tallene: {x}", "Nei, {x}", "Dette vet vi om {p}"],
    "en": ["Fact check: {X}?", "Is it true that {x}?", "The numbers behind the claim that {x}", "No, {x}",
           "What we know about {p}"],
}  # fmt: skip
RATIONALE = {
    "nb": [
        "Vi har gått gjennom tallene fra {s} og snakket med fagfolk i {p}.",
        "Kildene påstanden viser til, sier noe annet enn det som ble hevdet.",
        "Statistikken for {y} viser en endring på {pct} prosent, ikke mer.",
        "Påstanden blander sammen to ulike målinger fra {m}.",
        "Vi fant ingen dokumentasjon som støtter påstanden.",
        "Både offentlige registre og uavhengige forskere bekrefter hovedpoenget.",
    ],
    "en": [
        "We went through the figures from {s} and spoke to experts in {p}.",
        "The sources the claim relies on say something different from what was said.",
        "The statistics for {y} show a change of {pct} percent, no more.",
        "The claim mixes up two different measurements from {m}.",
        "We found no documentation that supports the claim.",
        "Both public records and independent researchers confirm the main point.",
    ],
}
TAGS = {
    "security": ["Ukraina", "NATO", "Forsvar", "Sanksjoner", "Atomvåpen", "Cybersikkerhet", "Grensekontroll"],
    "health": ["Helse", "Vaksiner", "Sykehus", "Folkehelse", "Psykisk helse", "Fødetilbud"],
    "economy": ["Økonomi", "Strømpris", "Renter", "Oljefondet", "Prisvekst", "Boligmarkedet", "Skatt"],
    "politics": ["Valg", "Statsbudsjettet", "Kommunesammenslåing", "Bompenger", "Innvandring", "Lokalpolitikk"],
}

FIRST_NAMES = [
    "Åse", "Bjørn", "Ståle", "Kjersti", "Øyvind", "Solveig", "Tormod", "Ingrid", "Jørgen", "Mette",
    "Håkon", "Sigrid", "Ærling", "Liv", "Trond", "Gro", "Petter", "Hanne", "Even", "Marit", "Rune",
    "Tone", "Sindre", "Åsmund", "Ragnhild", "Emma", "Jonas", "Nora", "Elias", "Sara", "Daniel",
    "Olivia", "Thomas", "Grace", "Michael", "Hannah", "David", "Laura", "Peter", "Anna",
]  # fmt: skip
MIDDLE_NAMES = [
    "", "Marie", "Johan", "Kristine", "Andreas", "Louise", "Martin", "Elise", "Henrik", "Sofie",
    "Magnus", "Helene", "Kristian", "Eline", "Fredrik", "Amalie", "Mathias", "Karoline", "Tobias", "Julie",
]  # fmt: skip
LAST_NAMES = [
    "Løvås", "Ødegård", "Fjærli", "Bråten", "Sæther", "Håland", "Strøm", "Kvåle", "Nærø", "Bækken",
    "Myhre", "Aasen", "Lie", "Dahl", "Berg", "Haugen", "Solberg", "Brekke", "Moen", "Lund", "Tveit",
    "Hågensen", "Skår", "Sørensen", "Gjærde", "Vågen", "Rød", "Østby", "Smith", "Walker", "Hughes",
    "Evans", "Clarke", "Turner", "Parker", "Collins", "Bennett", "Morgan", "Reid", "Foster",
]  # fmt: skip
ORG_PREFIXES = ["Foreningen for", "Aksjonen mot", "Nettverket for", "Alliance for", "Campaign for", "Friends of"]
ORG_SUBJECTS = ["trygg energi", "lokale sykehus", "ærlig politikk", "sterkere forsvar", "fair prices", "clean air",
                "rural schools", "open borders", "lower taxes", "fri presse"]  # fmt: skip
JOB_TITLES = ["Stortingsrepresentant", "Ordfører", "Statsråd", "Partileder", "Member of Parliament", "Spokesperson",
              "Kommentator", "Forsker", "Influencer", "Biskop"]  # fmt: skip
OUTLETS = [
    ("Nordavisa", "nordavisa.example"), ("Fjordposten", "fjordposten.example"), ("Kystavisa", "kystavisa.example"),
    ("Byposten", "byposten.example"), ("Vidda Tidende", "viddatidende.example"), ("Dagsrevyen Øst", "dagost.example"),
    ("Harbour Herald", "harbourherald.example"), ("Northern Times", "northerntimes.example"),
    ("The Daily Ledger", "dailyledger.example"), ("Capital Wire", "capitalwire.example"),
    ("Global Dispatch", "globaldispatch.example"), ("Fakta på Nett", "faktapanett.example"),
    ("Videoplattformen", "video.example"), ("Sosialt Nettverk", "social.example"),
]  # fmt: skip
SECTIONS = ["nyheter", "politikk", "innenriks", "utenriks", "okonomi", "helse", "news", "world", "opinion"]


@dataclass(frozen=True)
class Sentence:
    """A statement in both its bare form (for titles and quotes) and framed as somebody said it."""

    topic: str
    bare: str
    framed: str


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class TextMaker:
    """Draws statements, headlines and article bodies from the templates with a seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _slots(self, lang: str) -> dict[str, str]:
        r = self.rng
        c1, c2 = r.sample(COUNTRIES[lang], 2)
        return {
            "c1": c1,
            "c2": c2,
            "p": r.choice(PLACES),
            "party": r.choice(PARTIES[lang]),
            "d": r.choice(DISEASES[lang]),
            "s": r.choice(SECTORS[lang]),
            "t": r.choice(THINGS[lang]),
            "m": r.choice(MONTHS[lang]),
            "y": str(r.randint(2005, 2025)),
            "n": str(r.choice((2, 3, 5, 8, 12, 15, 20, 40, 75, 100, 120, 250, 400, 900))),
            "pct": str(r.choice((3, 5, 7, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80))),
        }

    def statement(self, lang: str, topic: str | None = None) -> Sentence:
        topic = topic or self.rng.choice(TOPICS)
        bare = self.rng.choice(STATEMENTS[lang][topic]).format(**self._slots(lang))
        frame = self.rng.choice(FRAMES[lang])
        framed = frame.format(x=bare, X=_cap(bare), who=self.rng.choice(WHO[lang]))
        return Sentence(topic=topic, bare=bare, framed=framed)

    def claim_text(self, lang: str) -> tuple[Sentence, str]:
        """The claim as stated: one framed statement, sometimes with a supporting second one."""
        main = self.statement(lang)
        text = main.framed
        if self.rng.random() < 0.35:
            text += " " + _cap(self.statement(lang, main.topic).bare) + "."
        return main, text

    def quote(self, lang: str, sentence: Sentence) -> str:
        return self.rng.choice(QUOTE_FRAMES[lang]).format(x=sentence.bare, X=_cap(sentence.bare))

    def headline(self, lang: str, sentence: Sentence) -> str:
        return self.rng.choice(HEADLINES[lang]).format(
            x=sentence.bare, X=_cap(sentence.bare), p=self.rng.choice(PLACES)
        )

    def rationale(self, lang: str) -> str:
        """A Markdown verdict of a few paragraphs (real ones run to a few kilobytes)."""
        paragraphs = []
        for _ in range(self.rng.randint(3, 6)):
            picks = self.rng.sample(RATIONALE[lang], 3)
            sentences = [p.format(**self._slots(lang)) for p in picks]
            sentences.insert(1, _cap(self.statement(lang).bare) + ".")
            paragraphs.append(" ".join(sentences))
        return "\n\n".join(paragraphs)

    def body(self, lang: str, topic: str, sentences: int) -> str:
        return " ".join(
            self.statement(lang, topic if self.rng.random() < 0.8 else None).framed for _ in range(sentences)
        )

    def article(self, lang: str) -> tuple[str, str, str, str]:
        """(topic, title, summary, body) for an article in the index: 5 to 12 sentences on one topic."""
        lead = self.statement(lang)
        title = self.headline(lang, lead)
        summary = _cap(lead.bare) + ". " + _cap(self.statement(lang, lead.topic).bare) + "."
        return lead.topic, title, summary, self.body(lang, lead.topic, self.rng.randint(5, 12))

    def person(self) -> str:
        r = self.rng
        middle = r.choice(MIDDLE_NAMES)
        return " ".join(p for p in (r.choice(FIRST_NAMES), middle, r.choice(LAST_NAMES)) if p)

    def organisation(self) -> str:
        return f"{self.rng.choice(ORG_PREFIXES)} {self.rng.choice(ORG_SUBJECTS)}"
