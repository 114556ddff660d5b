"""Would the LibreOffice thesauri join the paraphrases the recurrence matcher misses? (#15, session 14)

    apt-get install mythes-no mythes-en-us     # Debian's packages; not a dependency: measured here
    python bench/recurrence_thesaurus.py

The fresh held-out batch's misses are repeats in other words ("rejects" for "denies"). Debian
ships a Norwegian bokmål thesaurus (mythes-no, 14,000 head words) and an English one (mythes-en-us,
from WordNet). Each head word's synonyms (one-word ones) are mapped through the matcher's own word
keys (claims/watch/recurrences.py: stems, the nb–en lexicon), so a claim word is also "found" in a
passage that has one of its synonyms, in either language. Two features are added to the
re-scorer's 16: the IDF-weighted coverage of the claim through synonyms too, and its gain over the
plain coverage. The logistic regression is refitted on the development claims only, with the same
topic-grouped cross-validation as bench/recurrence_model.py, and the held-out parts are read only
if the development figure improves (a rule fixed before the run). It prints; it writes nothing.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import recurrence_model as fit  # noqa: E402
from bench import recurrences as bench  # noqa: E402

THESAURI = {"nb": Path("/usr/share/mythes/th_nb_NO_v2.dat"), "en": Path("/usr/share/mythes/th_en_US_v2.dat")}


def read_thesaurus(path: Path) -> dict[str, set[str]]:
    """Head word → its one-word synonyms, over all its senses (MyThes .dat format)."""
    raw = path.read_bytes()
    encoding, _, body = raw.partition(b"\n")
    lines = body.decode(encoding.decode().strip().lower().replace("iso8859", "iso-8859"), "replace").splitlines()
    synonyms: dict[str, set[str]] = defaultdict(set)
    position = 0
    while position < len(lines):
        head, _, count = lines[position].partition("|")
        position += 1
        for line in lines[position : position + int(count or 0)]:
            for word in line.split("|")[1:]:
                word = word.strip()
                if word and " " not in word and "(" not in word and word != head:
                    synonyms[head].add(word)
        position += int(count or 0)
    return synonyms


def synonym_keys() -> dict[str, frozenset[str]]:
    """Matcher key → the keys of its synonyms (both thesauri, through `word_keys`)."""
    from claims.watch.recurrence_keys import word_keys

    expanded: dict[str, set[str]] = defaultdict(set)
    for lang, path in THESAURI.items():
        if not path.exists():
            sys.exit(f"{path} is missing: apt-get install mythes-no mythes-en-us")
        for head, words in read_thesaurus(path).items():
            if " " in head:
                continue
            head_keys = [k for k in word_keys(head, lang) if not k.startswith("~")]
            syn = {k for w in words for k in word_keys(w, lang) if not k.startswith("~")}
            for key in head_keys:
                expanded[key] |= syn - {key}
    return {k: frozenset(v) for k, v in expanded.items()}


def main() -> None:
    import numpy as np

    bench._setup_django()
    syn = synonym_keys()
    print(f"{len(syn)} matcher keys with synonyms; median {int(np.median([len(v) for v in syn.values()]))} each")

    def synonym_coverage(index, claim, passage, _article, _claim) -> list[float]:
        tokens = passage[3].tokens
        found = 0.0
        for group, weight in index.groups[claim]:
            wider = group.union(*(syn.get(k, frozenset()) for k in group))
            found += weight if not wider.isdisjoint(tokens) else 0.0
        return [found / index.totals[claim] if index.totals[claim] else 0.0]

    pairs = fit.every_pair(synonym_coverage)
    X, y, topic, dev, gold = pairs["X"], pairs["y"], pairs["topic"], pairs["dev"], pairs["gold"]
    # The synonyms' coverage and its gain over the plain coverage (the re-scorer's first feature).
    E = np.column_stack([pairs["E"][:, 0], pairs["E"][:, 0] - X[:, 0]])
    gained = E[:, 1] > 0
    # The held-out parts only if the rule below lets them be read.
    print(
        f"dev: {int(dev.sum())} pairs; synonyms raise the coverage of {int((gained & dev & (y == 1)).sum())} "
        f"of {int((dev & (y == 1)).sum())} repeats and {int((gained & dev & (y == 0)).sum())} of "
        f"{int((dev & (y == 0)).sum())} others"
    )
    hand = X[:, -1]
    results = {}
    for name, F in (("re-scorer features", X), ("+ thesaurus", np.column_stack([X, E]))):
        for floor in (0.1, 0.2, 0.3):
            keep = hand >= floor
            for c in (0.1, 1.0, 10.0):
                oof = fit.out_of_fold(F[dev], y[dev], topic[dev], keep[dev], c)
                recall, precision, threshold = fit.best_threshold(oof, y[dev], gold["dev"])
                results[(name, floor, c)] = (recall, precision, threshold, F, keep)
                print(f"{name:19} floor {floor} C {c:<4} CV R {recall:.3f} P {precision:.3f} t {threshold:.3f}")
    names = ("re-scorer features", "+ thesaurus")
    best = {name: max((v[0], k) for k, v in results.items() if k[0] == name) for name in names}
    print("best by development CV:", {n: (round(r, 3), k[1:]) for n, (r, k) in best.items()})
    if best["+ thesaurus"][0] <= best["re-scorer features"][0]:
        print("The thesaurus features do not raise the development CV recall: held-out parts not read.")
        return
    for name, (_r, key) in best.items():
        _recall, _precision, threshold, F, keep = results[key]
        p = fit.probabilities(F, pairs, keep, key[2])
        print(
            f"{name:19} heldout {fit.figures_at(p, pairs, threshold, 'heldout')} | "
            f"fresh {fit.figures_at(p, pairs, threshold, 'fresh')}"
        )


if __name__ == "__main__":
    main()
