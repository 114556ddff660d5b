"""Word lists the check-worthiness features look for, in Norwegian bokmål and English.

Kept apart from `features.py` so the lists can grow without crowding the logic. Each list
is lower-case words, matched against the lower-cased words of a sentence.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LEXICON: dict[str, frozenset[str]] = {
    "speech": _words(
        """
        sa sier hevder hevdet opplyste opplyser uttalte bekreftet bekrefter ifølge melder meldte skriver
        skrev fortalte forteller innrømmet innrømmer påstår påsto slår fast said says claimed claims
        told confirmed confirms according reported reports stated admitted announced found showed shows
        show viser viste rapporterer
        """
    ),
    "opinion": _words(
        """
        mener synes tror syns føler håper ønsker frykter think thinks believe believes feel feels hope
        hopes wish argue argues insisted insists view opinion mening described calling called kalte
        kaller beskrev
        """
    ),
    "hedge": _words(
        """
        kanskje muligens trolig antakelig sannsynligvis kan kunne vil ville bør might may could would
        perhaps possibly likely probably potentially maybe unclear uklart possible mulig suggest
        suggests tyder antyder seem seems appears expected ventes forventes if hvis dersom whether om
        """
    ),
    "evaluative": _words(
        """
        good great bad best worst fantastic terrible disgrace shameful outrageous ridiculous absurd
        unfair fair wrong right beautiful ugly insane madness crazy criminal robbery obscene selfish
        bold insult success failure pointless productive encouraging disappointing devastated
        heartbreaking confident happy proud nightmare frankly simply far too god bra dårlig beste verste
        fantastisk forferdelig skam skammelig opprørende latterlig urettferdig rettferdig feil riktig
        nydelig stygg stygge sykt galskap kriminelt ran sløsing egoistisk modig hån suksess fiasko
        meningsløse nyttige gledelige skuffende knust hjerteskjærende trygg fornøyde mareritt rett og
        slett altfor vilt uakseptabelt akseptabelt
        """
    ),
    "trend": _words(
        """
        rose risen rises fell fallen falls increased increase increases decreased declined dropped grew
        grown doubled tripled trebled halved quadrupled cut cuts shrank widened peaked reached record
        økte øker økt falt faller steg stiger sank doblet tredoblet firedoblet halvert redusert kuttet
        nådde rekord rekordmange gikk ned opp
        """
    ),
    "comparative": _words(
        """
        more less fewer higher lower highest lowest largest biggest smallest most least than faster
        slower first only never ever mer mindre færre flere høyere lavere høyeste laveste største minste
        mest minst enn raskere første bare aldri noensinne
        """
    ),
    "decision": _words(
        """
        vedtok vedtatt vedtak forbudt forbyr forbød innførte innført godkjent godkjente stengt stenger
        la lagt ned avskaffet fjernet trakk dømt dom skyldig løslatt solgte sold banned bans approved
        passed voted vetoed signed abolished closed removed withdrawn withdrew introduced guilty
        convicted released fined seized beslagla illegal law lov loven
        """
    ),
    "first_person": _words(
        """
        i me my we our us jeg meg min mitt mine vi oss vår vårt våre
        """
    ),
    "second_person": _words(
        """
        you your du deg din ditt dine dere
        """
    ),
    "boilerplate": _words(
        """
        foto photo illustrasjon les read also også nyhetsbrev newsletter abonner subscribe app appen
        download last ned kommentarfeltet comments del share følg follow live direkte podcast podkasten
        oppdateres update updated kontakt contact tips velkommen welcome
        """
    ),
}
