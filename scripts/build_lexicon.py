"""Regenerate claims/discovery/lexicon_data/freedict_eng_nor.tsv from Debian's FreeDict package.

    apt-get download dict-freedict-eng-nor && dpkg-deb -x dict-freedict-eng-nor_*.deb /tmp/fd
    python scripts/build_lexicon.py /tmp/fd/usr/share/dictd/freedict-eng-nor.dict.dz

The source is the FreeDict English–Norwegian dictionary (WikDict, from Wiktionary via
DBnary), licensed CC BY-SA 3.0; the TSV it writes is a derived work under the same licence
(see lexicon_data/README.md). Only single-word pairs are kept, with the position of each
Norwegian word among the translations of the entry's first sense (0 = the first offered).
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "claims" / "discovery" / "lexicon_data" / "freedict_eng_nor.tsv"
HEADER = re.compile(r"^(?P<hw>[^/<]+?)\s+(?:/[^<]*/\s*)?<(?P<pos>[a-z]+)>\s*$")
POS = {"n", "v", "adj", "adv"}


def pairs(lines: list[str]) -> list[tuple[str, str, str, int]]:
    out = []
    for i, line in enumerate(lines[:-1]):
        match = HEADER.match(line)
        if not match or match.group("pos") not in POS:
            continue
        english = match.group("hw").strip().lower()
        if not re.fullmatch(r"[a-z]+(?:-[a-z]+)?", english):
            continue
        first_sense = re.sub(r"\s*\d+\.\s*$", "", re.sub(r"^\s*\d+\.\s*", "", lines[i + 1]))
        for rank, word in enumerate(w.strip().lower() for w in first_sense.split(",")):
            if re.fullmatch(r"[a-zæøåé]+(?:-[a-zæøåé]+)?", word) and len(word) >= 2:
                out.append((english, word, match.group("pos"), rank))
    return out


def main(path: str) -> int:
    raw = Path(path).read_bytes()
    text = (gzip.decompress(raw) if path.endswith(".dz") else raw).decode("utf-8")
    rows = sorted(set(pairs(text.split("\n"))))
    with OUT.open("w", encoding="utf-8") as out:
        out.write("# english\tnorwegian\tpos\trank — FreeDict eng-nor 2022.11.18 (WikDict), CC BY-SA 3.0\n")
        for row in rows:
            out.write("\t".join(map(str, row)) + "\n")
    print(f"{len(rows)} pairs -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
