"""Word lists of the recurrence matcher (claims/watch/recurrences.py): general fact-check
vocabulary in both languages, words that carry no claim, negations and the direction words
that turn a claim into its opposite ("more" vs "fewer", "rose" vs "fell")."""

from __future__ import annotations

# General fact-check vocabulary the shared cognate map (geopolitics, names) leaves out:
# canonical English form first, then Norwegian and English variants.
LEXICON: dict[str, tuple[str, ...]] = {
    "percent": ("prosent", "per cent", "%"),
    "million": ("millioner", "million", "mill", "mln"),
    "billion": ("milliard", "milliarder", "billions", "mrd"),
    "increase": (
        "økning",
        "økte",
        "øke",
        "øker",
        "økt",
        "rise",
        "rose",
        "risen",
        "grew",
        "grow",
        "increased",
        "doubled",
        "doblet",
        "climbed",
        "jumped",
        "soared",
    ),
    "decrease": (
        "nedgang",
        "falt",
        "synke",
        "sank",
        "redusert",
        "fell",
        "fall",
        "fallen",
        "declined",
        "dropped",
        "cut",
        "kutt",
    ),
    "tax": ("skatt", "skatten", "skatter", "avgift", "avgifter", "taxes"),
    "budget": ("budsjett", "budsjettet", "budgets"),
    "price": ("pris", "prisen", "priser", "prices", "cost", "costs", "koster", "kostet"),
    "electricity": ("strøm", "strømmen", "strømpris", "strømprisen", "power"),
    "vaccine": ("vaksine", "vaksinen", "vaksiner", "vaccines", "vaccinated", "vaksinert"),
    "immigrant": ("innvandrer", "innvandrere", "innvandring", "immigrants", "immigration", "migrant", "migrants"),
    "refugee": ("flyktning", "flyktninger", "refugees", "asylsøker", "asylsøkere", "asylum"),
    "crime": ("kriminalitet", "forbrytelse", "forbrytelser", "crimes"),
    "unemployment": ("arbeidsledighet", "arbeidsledigheten", "ledighet", "jobless"),
    "job": ("jobb", "jobber", "arbeidsplass", "arbeidsplasser", "jobs"),
    "school": ("skole", "skolen", "skoler", "schools"),
    "hospital": ("sykehus", "sykehuset", "hospitals"),
    "doctor": ("lege", "leger", "legene", "doctors", "physician", "physicians"),
    "child": ("barn", "barna", "children", "kids"),
    "elderly": ("eldre", "pensjonister", "pensioners", "older"),
    "pension": ("pensjon", "pensjonen", "pensjoner", "pensions"),
    "oil": ("olje", "oljen", "oljefondet", "petroleum"),
    "fund": ("fond", "fondet", "funds"),
    "climate": ("klima", "klimaet", "klimaendringer", "warming"),
    "emission": ("utslipp", "utslippene", "emissions"),
    "car": ("bil", "biler", "bilene", "cars", "vehicles"),
    "electric": ("elektrisk", "elektriske", "elbil", "elbiler", "ev", "evs"),
    "wolf": ("ulv", "ulven", "ulver", "wolves"),
    "salmon": ("laks", "laksen", "oppdrettslaks"),
    "fish": ("fisk", "fisken", "fishing", "fiske"),
    "police": ("politi", "politiet", "officers"),
    "prison": ("fengsel", "fengsler", "prisons", "jail"),
    "death": ("død", "døde", "dødsfall", "deaths", "died", "killed", "drept"),
    "people": ("personer", "mennesker", "folk", "persons"),
    "year": ("år", "året", "årlig", "annual", "annually", "years"),
    "month": ("måned", "måneder", "months"),
    "day": ("dag", "dager", "døgn", "days"),
    "double": ("dobbelt", "doblet", "doble", "twice", "doubled"),
    "half": ("halvparten", "halvert", "halved"),
    "most": ("flest", "flertall", "majority"),
    "highest": ("høyeste", "høyest", "record", "rekord"),
    "lowest": ("laveste", "lavest"),
    "world": ("verden", "verdens", "global", "globally"),
    "country": ("land", "landet", "landene", "countries", "nation", "nations"),
    "parliament": ("storting", "stortinget", "storting's", "parliamentary"),
    "minister": ("statsråd", "statsråden"),
    "prime": ("statsminister", "statsministeren", "premier"),
    "municipality": ("kommune", "kommunen", "kommuner", "municipalities", "council"),
    "wage": ("lønn", "lønna", "lønnen", "lønninger", "salary", "salaries", "wages", "pay"),
    "food": ("mat", "maten", "matpris", "matpriser", "groceries"),
    "house": ("bolig", "boliger", "hus", "housing", "homes", "home"),
    "rent": ("husleie", "leie", "rents"),
    "interest": ("rente", "renten", "renter", "rates", "rate"),
    "bank": ("banken", "banker", "sentralbank", "sentralbanken", "banks"),
    "cancer": ("kreft", "krefttilfeller"),
    "smoking": ("røyking", "røyk", "røyker", "smokers", "smoke"),
    "alcohol": ("alkohol", "drinking"),
    "woman": ("kvinne", "kvinner", "kvinnene", "women"),
    "man": ("mann", "menn", "mennene", "men"),
    "student": ("student", "studenter", "elev", "elever", "pupils", "students"),
    "teacher": ("lærer", "lærere", "teachers"),
    "ban": ("forbud", "forby", "forbyr", "forbudt", "banned", "bans", "prohibit"),
    "free": ("gratis", "fri", "gratis-", "costless"),
    "cause": ("forårsake", "forårsaker", "skyld", "skyldes", "causes", "caused", "due"),
    "safe": ("trygg", "trygge", "trygt", "sikker", "safety"),
    "dangerous": ("farlig", "farlige", "harmful", "skadelig"),
    "never": ("aldri",),
    "promise": ("love", "lover", "lovet", "løfte", "løfter", "løftet", "promised", "promises", "pledge", "pledged"),
    "alliance": ("allianse", "alliansen", "alliances"),
    "eastward": ("østover", "østlig", "eastwards"),
    "deploy": ("utplassere", "utplasserer", "utplassert", "stationed", "deployed", "deploys"),
    "poland": ("polen", "polsk", "polske", "polish"),
    "germany": ("tyskland", "tysk", "tyske", "german"),
    "sweden": ("sverige", "svensk", "svenske", "swedish"),
    "norway": ("nordmann", "nordmenn", "nordmennene", "norwegians"),
    "export": ("eksport", "eksporten", "eksportere", "eksporterer", "eksportert", "exports", "exported"),
    "import": ("importere", "importerer", "importert", "imports", "imported"),
    "petrol": ("bensin", "diesel", "gasoline"),
    "produce": ("produksjon", "produksjonen", "produsere", "produserer", "produsert", "production", "produced"),
    "kill": ("drepe", "dreper", "drepte", "kills", "killed"),
    "bird": ("fugl", "fugler", "fuglene", "birds"),
    "cat": ("katt", "katter", "kattene", "cats"),
    "turbine": ("turbin", "turbiner", "vindmølle", "vindmøller", "turbines", "windmill", "windmills"),
    "wind": ("vind", "vinden"),
    "commit": ("begå", "begår", "begås", "begått", "commits", "committed"),
    "dna": ("arvestoff", "arvestoffet", "gener", "genes"),
    "change": ("endre", "endrer", "endret", "endring", "endringer", "changes", "changed", "alter", "alters"),
    "corona": ("korona", "koronaviruset", "coronavirus", "covid"),
    "bed": ("seng", "senger", "sengeplass", "sengeplasser", "beds"),
    "lose": ("miste", "mister", "mistet", "tape", "taper", "tapte", "tapt", "lost", "loses", "loss"),
    "daily": ("daglig", "daglige", "everyday"),
    "wine": ("vin", "vinen", "wines"),
    "red": ("rød", "rødt", "røde"),
    "heart": ("hjerte", "hjertet", "hearts"),
    "disease": ("sykdom", "sykdommen", "sykdommer", "diseases", "illness"),
    "protect": ("beskytte", "beskytter", "beskyttet", "protects", "protection"),
    "drink": ("drikke", "drikker", "drakk", "drinks", "drinking"),
    "colour": ("farge", "farges", "farget", "fargen", "color", "dye", "dyed"),
    "pink": ("rosa",),
    "chemical": ("kjemikalie", "kjemikalier", "chemicals"),
    "warm": ("varm", "varmere", "varmt", "oppvarming", "warmer", "warming"),
    "poverty": ("fattigdom", "fattigdommen", "fattige", "poor"),
    "minimum": ("minste", "minimal", "lowest"),
    "work": ("arbeid", "arbeidet", "jobbe", "labour", "labor"),
    "high": ("høy", "høye", "høyere", "høyt", "higher", "heavily"),
    "low": ("lav", "lave", "lavere", "lower", "below", "less", "mindre"),
    "krone": ("kroner", "kr", "nok"),
    "fall": ("falle", "faller", "falt", "fallen", "fell"),
    # session 21: common news words whose synonyms the lexicon keeps apart
    "company": ("selskap", "selskaper", "bedrift", "bedrifter", "firma", "firm", "firms", "companies"),
    "buy": ("kjøpe", "kjøper", "kjøpte", "kjøpt", "purchase", "purchased", "purchases", "bought", "buys"),
    "employee": ("ansatt", "ansatte", "employees", "staff"),
    "visit": ("besøk", "besøket", "besøkende", "visits", "visitors", "visitor", "visited", "besøkte"),
    "fine": ("bot", "bøter", "gebyr", "gebyrer", "fines", "penalty", "penalties"),
    "ticket": ("billett", "billetter", "billettene", "tickets"),
    "sport": ("idrett", "idretten", "sports"),
    "rule": ("regel", "regler", "reglene", "rules"),
    "accident": ("ulykke", "ulykker", "ulykkene", "accidents", "crash", "crashes"),
}
# Hedges on a figure: "roughly nine kilos" and "omtrent ni kilo" state the same figure, and
# "rundt 2000 personer" is a count, not a year (claims/watch/quantities.py).
HEDGES = frozenset(
    {"some", "rundt", "about", "around", "roughly", "approximately", "omtrent", "cirka", "ca", "omkring",
     "anslagsvis"}
)  # fmt: skip
# Words that carry no claim in either language ("stands for", "gets", "is now"); left out of matching.
EXTRA_STOPWORDS = HEDGES | frozenset(
    {"står", "stå", "sto", "gjør", "gjøre", "gjorde", "får", "fikk", "hele", "igjen", "again", "now", "nå",
     "sier", "sa", "said", "says", "ifølge", "according", "hevder", "hevdet", "claims", "claimed", "mener",
     "cent", "per", "om", "will", "skal", "vil", "must", "innen", "within", "circa", "hvert",
     # "det finnes", "there are": existence, which any statement of a number implies
     "finnes", "fins", "finst",
     # English "get" as Norwegian "får"/"fikk" above ("gets through 12 litres a year")
     "get", "gets", "got"}
)  # fmt: skip
# An exception takes back part of what is said ("than any other country except Iceland"): it
# counts as a negation, but does not turn a comparison round (recurrence_features).
EXCEPTIONS = frozenset({"except", "excluding", "unntatt", "bortsett", "unntak"})
NEGATIONS = frozenset(
    {"not", "no", "never", "none", "nobody", "nothing", "without", "n't", "ikke", "aldri", "ingen", "intet", "uten",
     "unable", "cannot",
     "deny", "denies", "denied", "avviser", "avviste", "benekter", "benektet", "nekter", "nektet", "refuses", "refused",
     "tilbakeviser", "tilbakeviste", "bestrider", "bestred", "disputes", "disputed", "rejects", "rejected",
     "reject", "dispute", "refute", "refutes", "refuted", "avkrefter", "avkreftet", "dementerer", "dementerte"}
) | EXCEPTIONS  # fmt: skip
# A statement called false is denied ("It is false that …", "Det er feil at …", "a myth that"):
# one of these words followed by "that"/"at" negates what follows, where the word alone need
# not ("false alarms", "feil i systemet").
REFUTING = frozenset(
    {"false", "untrue", "wrong", "incorrect", "myth", "feil", "galt", "usant", "uriktig", "myte", "løgn",
     # "…, is exaggerated", "…, er utdatert": a figure called too high or out of date is not endorsed
     "exaggerated", "overstated", "outdated", "overdrevet", "overdrevent", "utdatert", "foreldet"}
)  # fmt: skip
# "…, er sterkt overdrevet", "…, is greatly exaggerated": a degree word between the verb and the verdict.
REFUTING_DEGREE = frozenset(
    {"greatly", "grossly", "hugely", "vastly", "wildly", "much", "totally", "completely", "simply", "sterkt",
     "kraftig", "grovt", "svært", "helt", "klart"}
)  # fmt: skip
REFUTED_CLAUSE = frozenset({"that", "at"})
# A claim and a passage that go in opposite directions make different claims, even when
# every other word is shared ("emit more CO2" vs "emit less CO2", "rose" vs "fell").
UP_WORDS = frozenset(
    {"more", "most", "higher", "highest", "above", "over", "increase", "increased", "increases", "rise", "rose",
     "risen", "rising", "grew", "grow", "grown", "up", "mer", "mest", "flere", "flest", "høyere", "høyest",
     "høyeste", "økte", "øker", "økt", "økning", "steg", "stiger", "vokste", "vokser", "opp",
     # the other inflections of the same verbs
     "rises", "grows", "growing", "increasing", "climbed", "øke", "økende", "stige", "steget", "vokse", "vokst",
     # a change by a factor, a gain, a higher price
     "doubled", "doubles", "tripled", "doblet", "dobler", "fordoblet", "tredoblet", "added", "gained", "dyrere"}
)  # fmt: skip
DOWN_WORDS = frozenset(
    {"less", "least", "fewer", "fewest", "lower", "lowest", "below", "under", "decrease", "decreased",
     "decreases", "fall", "fell", "fallen", "falling", "dropped", "declined", "shrank", "down", "mindre",
     "minst", "færre", "færrest", "lavere", "lavest", "laveste", "falt", "faller", "sank", "synker", "nedgang",
     "redusert", "ned",
     # the other inflections of the same verbs
     "falls", "drop", "drops", "decline", "declines", "declining", "shrink", "shrinks", "shrunk", "reduced",
     "falle", "synke", "sunket", "minket", "minker", "redusere", "reduseres",
     # halving, a loss, a cut, a lower price
     "halved", "halves", "halvert", "halveres", "lost", "mistet", "cut", "cuts", "kuttet", "kutter", "cheaper",
     "billigere"}
)  # fmt: skip
# Passing a figure bounds it from below ("passed 1.5 million", "passerte 11 millioner"); without
# a figure these words state nothing of a direction ("the bill passed").
PASSING_WORDS = frozenset(
    {"passed", "passes", "exceeded", "exceeds", "topped", "passerte", "passert", "passerer", "oversteg",
     "overstiger", "oversteget"}
)  # fmt: skip
# The desk's own country said without its name ("her i landet", "in this country"): the
# Norwegian press means Norway, as a claim that names it does. Folded word sequences; the
# alias goes on their last word, so "her" and "i" stay stopwords.
HOME_COUNTRY = "norway"
# Other countries as the alias table knows them (lexicon_data/aliases.tsv, with their
# adjectives and peoples: "danske", "Swedish"), for a claim that names no country: it is
# about the desk's own, and a passage about one of these ("Systembolaget in Sweden sold …",
# "Den danske regjeringen vil …") states another country's figure.
OTHER_COUNTRIES = frozenset(
    {"@sweden", "@denmark", "@finland", "@germany", "@france", "@uk", "@usa", "@russia", "@ukraine", "@china",
     "@japan", "@india", "@poland", "@netherlands", "@belgium", "@spain", "@italy", "@greece", "@turkey",
     "@switzerland", "@austria", "@estonia", "@latvia", "@lithuania", "@belarus"}
)  # fmt: skip
HOME_PHRASES = frozenset(
    {("her", "i", "landet"), ("i", "landet", "vart"), ("i", "dette", "landet"), ("landets",),
     ("pa", "landsbasis"), ("her", "til", "lands"), ("i", "hele", "landet"), ("in", "this", "country"),
     ("across", "the", "country"), ("this", "country", "s"), ("nationwide",)}
)  # fmt: skip
# Its capital alike ("hovedstaden", "the capital"): Oslo, as "Oslo" in a claim.
HOME_CAPITAL = "oslo"
CAPITAL_PHRASES = frozenset(
    {("hovedstaden",), ("hovedstadens",), ("the", "capital"), ("the", "capital", "s"), ("the", "norwegian", "capital")}
)  # fmt: skip
