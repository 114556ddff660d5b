"""Reading a CSV of claims (pure): the documented columns, `,` or `;`, UTF-8 (with or without
a BOM) or cp1252, ISO or DD.MM.YYYY dates. Each data row is one `ImportItem` whose position
is the row's physical line in the file (the header is line 1)."""

from __future__ import annotations

import csv
import io

from claims.intake.claimreview_import import ImportItem, parse_date

COLUMNS = ("text", "language", "claimant", "claim_date", "appearance_urls", "tags", "verdict")
REQUIRED = ("text", "language")


def decode(content: bytes) -> str:
    """UTF-8 (a BOM is dropped) or, failing that, Windows-1252 as spreadsheets save it."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


class CSVError(ValueError):
    """The file cannot be read as the documented CSV at all (no usable header)."""


def items_from_csv(content: bytes) -> list[ImportItem]:
    text = decode(content)
    header_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise CSVError("The file is empty.") from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CSVError(f"Missing column(s): {', '.join(missing)}. Columns: {', '.join(COLUMNS)}.")
    items: list[ImportItem] = []
    start = reader.line_num + 1
    for row in reader:
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        values = dict(zip(header, (cell.strip() for cell in row), strict=False))
        item = ImportItem(
            position=line,
            claim_text=values.get("text", "").replace("\r\n", "\n"),
            claimant=values.get("claimant", ""),
            language=values.get("language", ""),
            appearance_urls=_split(values.get("appearance_urls", "")),
            tags=_split(values.get("tags", "")),
            verdict_text=values.get("verdict", ""),
        )
        raw_date = values.get("claim_date", "")
        item.claim_date = parse_date(raw_date)
        if len(row) > len(header):
            item.error = f"The row has {len(row)} fields, the header {len(header)}."
        elif not item.claim_text:
            item.error = "The text is empty."
        elif not item.language:
            item.error = "The language is empty."
        elif raw_date and item.claim_date is None:
            item.error = f"“{raw_date}” is not a date (YYYY-MM-DD or DD.MM.YYYY)."
        else:
            bad = [u for u in item.appearance_urls if not u.lower().startswith(("http://", "https://"))]
            if bad:
                item.error = f"“{bad[0]}” is not a web address."
        items.append(item)
    return items
