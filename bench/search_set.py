"""A labelled query set for claim search: 30 claims (15 Norwegian, 15 English, written for
this set) and 48 queries with the claims a person typing them expects to find.

Relevance is judged on the words, not the topic: a claim is expected when it contains the
query's words in some form a reader would accept as the same word (inflection, genitive,
accent-free spelling, a part of a compound), in the query's language. "Russland" is not
expected to find "Russia", nor "Geneva" "Genève": search is not translation.

`TUNING` marks the queries the matching rules were shaped on (the issue's examples);
everything else was written after the rules were fixed and is the held-out part.
"""

from __future__ import annotations

CLAIMS: dict[str, tuple[str, str]] = {
    # key: (language, text)
    "n1": ("nb", "Russland har flyttet over 100 000 soldater til grensen mot Ukraina."),
    "n2": ("nb", "Russlands utenriksminister sier at landet ikke planlegger et angrep."),
    "n3": ("nb", "Møtet i Genève endte uten noe gjennombrudd, ifølge begge delegasjonene."),
    "n4": ("nb", "USA advarer om alvorlige konsekvenser dersom styrkene rykker inn."),
    "n5": ("nb", "NATO lovet i 1990 at alliansen ikke skulle utvide seg østover."),
    "n6": ("nb", "Strømprisene i Sør-Norge ble tredoblet i løpet av vinteren."),
    "n7": ("nb", "Regjeringen vil bygge ut havvind langs kysten av Vestlandet."),
    "n8": ("nb", "Ventetiden på sykehusene har aldri vært lengre enn i år."),
    "n9": ("nb", "Vaksinene gir alvorlige bivirkninger hos unge menn, hevder innlegget."),
    "n10": ("nb", "Lakseeksporten til Kina økte med 40 prosent i fjor."),
    "n11": ("nb", "Bompengene i Bergen er de høyeste i landet."),
    "n12": ("nb", "Fødeavdelingen i Kristiansund legges ned neste år."),
    "n13": ("nb", "Den russiske styrkeoppbyggingen fortsatte under forhandlingene."),
    "n14": ("nb", "Sanksjonene mot Russland har ikke virket, sier økonomen."),
    "n15": ("nb", "Ordføreren reiste til Brussel på kommunens regning."),
    "e1": ("en", "Russia has moved more than 100,000 troops to the Ukrainian border."),
    "e2": ("en", "The foreign minister said Russia's army has no plans to invade."),
    "e3": ("en", "The Geneva talks ended without any breakthrough."),
    "e4": ("en", "Washington warned of severe consequences if the forces crossed the border."),
    "e5": ("en", "NATO promised in 1990 that the alliance would not expand eastward."),
    "e6": ("en", "Electricity prices in southern Norway tripled over the winter."),
    "e7": ("en", "The government plans offshore wind farms along the western coast."),
    "e8": ("en", "Hospital waiting times have never been longer."),
    "e9": ("en", "The vaccines cause serious side effects in young men, the post claims."),
    "e10": ("en", "Salmon exports to China grew by 40 percent last year."),
    "e11": ("en", "Road tolls in Bergen are the highest in the country."),
    "e12": ("en", "The maternity ward in Kristiansund will close next year."),
    "e13": ("en", "Sanctions against Russia have not worked, the economist says."),
    "e14": ("en", "The mayor travelled to Brussels at the council's expense."),
    "e15": ("en", "Troop build-up continued during the negotiations."),
}

# (language of the query, query, expected claim keys)
QUERIES: list[tuple[str, str, frozenset[str]]] = [
    ("nb", "Russlands", frozenset({"n1", "n2", "n14"})),
    ("nb", "gjennombruddet", frozenset({"n3"})),
    ("nb", "konsekvensene", frozenset({"n4"})),
    ("nb", "geneve", frozenset({"n3"})),
    ("nb", "ostover", frozenset({"n5"})),
    ("nb", "styrkene", frozenset({"n4", "n13"})),
    ("nb", "og ikke det", frozenset()),
    ("nb", "🙂", frozenset()),
    ("nb", "strømpris", frozenset({"n6"})),
    ("nb", "prisene", frozenset({"n6"})),
    ("nb", "havvind", frozenset({"n7"})),
    ("nb", "sykehus", frozenset({"n8"})),
    ("nb", "ventetid", frozenset({"n8"})),
    ("nb", "bivirkning", frozenset({"n9"})),
    ("nb", "vaksine", frozenset({"n9"})),
    ("nb", "laks eksport", frozenset({"n10"})),
    ("nb", "Kina", frozenset({"n10"})),
    ("nb", "bompenger Bergen", frozenset({"n11"})),
    ("nb", "fødeavdelingene", frozenset({"n12"})),
    ("nb", "sanksjoner", frozenset({"n14"})),
    ("nb", "ordføreren", frozenset({"n15"})),
    ("nb", "Brussel", frozenset({"n15", "e14"})),
    ("nb", "forhandlingene", frozenset({"n13"})),
    ("nb", "soldat grense", frozenset({"n1"})),
    ("nb", "Genève møtet", frozenset({"n3"})),
    ("en", "Russia's", frozenset({"e1", "e2", "e13"})),
    ("en", "breakthroughs", frozenset({"e3"})),
    ("en", "consequence", frozenset({"e4"})),
    ("en", "eastwards", frozenset({"e5"})),
    ("en", "force", frozenset({"e4"})),
    ("en", "electricity price", frozenset({"e6"})),
    ("en", "wind farm", frozenset({"e7"})),
    ("en", "hospitals", frozenset({"e8"})),
    ("en", "waiting time", frozenset({"e8"})),
    ("en", "side effect", frozenset({"e9"})),
    ("en", "vaccine", frozenset({"e9"})),
    ("en", "salmon export", frozenset({"e10"})),
    ("en", "toll road", frozenset({"e11"})),
    ("en", "maternity wards", frozenset({"e12"})),
    ("en", "sanction", frozenset({"e13"})),
    ("en", "mayors", frozenset({"e14"})),
    ("en", "troops", frozenset({"e1", "e15"})),
    ("en", "negotiation", frozenset({"e15"})),
    ("en", "invading", frozenset({"e2"})),
    ("en", "the of and", frozenset()),
    ("en", "expanding alliances", frozenset({"e5"})),
    ("en", "100 000", frozenset({"n1", "e1"})),
    ("en", "Bergen tolls", frozenset({"e11"})),
]

TUNING = frozenset({"Russlands", "gjennombruddet", "konsekvensene", "geneve", "ostover", "styrkene", "🙂"})
