"""Reading one ledger CSV file into a frame of strings, each row tagged with its line number."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import polars as pl

from fundbook.core.errors import LedgerError

LINE = "source_line"
_QUOTED_FIELD = re.compile(r'"(?:[^"]|"")*"')


def read_csv_text(path: Path, display: str) -> tuple[str | None, list[LedgerError]]:
    """The file's text (BOM stripped), or an error naming the line of the first bad byte."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [LedgerError(display, line, "text is not UTF-8 (re-save the file as UTF-8)")]
    return text.removeprefix("\ufeff"), []


def parse_csv(
    text: str, display: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> tuple[pl.DataFrame | None, list[LedgerError]]:
    """Parse CSV text into a frame of string columns plus `source_line`.

    Quote-free files (the common, machine-written case) take a vectorised path; files with
    quotes go through the csv module, which understands quoted commas and line breaks.
    """
    header: list[str] | None
    rows: list[pl.Series]
    lines: list[int] | pl.Series
    fast = _parse_fast(text)
    if fast is not None:
        header, rows, lines, errors = fast
    elif '"' in text:
        header, rows, lines, errors = _parse_quoted(text, display)
    else:
        header, rows, lines, errors = _parse_plain(text, display)
    if header is None:
        return None, [LedgerError(display, 1, "file is empty: expected a header row")]
    problems = _check_header(header, display, required, optional)
    if problems:
        return None, problems
    wanted = [c for c in (*required, *optional) if c in header]
    data = {c: rows[header.index(c)] for c in wanted}
    frame = pl.DataFrame(data, schema={c: pl.String for c in wanted})
    frame = frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int32).alias(LINE))
    for column in optional:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    return frame.with_columns(trimmed(c) for c in (*required, *optional)), errors


def trimmed(column: str) -> pl.Expr:
    """The one whitespace rule of every parser path: whitespace around a value (quoted or
    not) is dropped, and a value left empty is empty (null). Applied to each value on its own,
    so a row reads the same whatever else the file holds."""
    return pl.col(column).str.strip_chars().replace("", None)


def _check_header(
    header: list[str], display: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> list[LedgerError]:
    errors = []
    seen: set[str] = set()
    known = (*required, *optional)
    for name in header:
        if name in seen:
            errors.append(LedgerError(display, 1, f"column {name!r} appears twice in the header"))
        elif name not in known:
            errors.append(
                LedgerError(
                    display, 1, f"unknown column {name!r} (expected one of {', '.join(known)})"
                )
            )
        seen.add(name)
    for name in required:
        if name not in seen:
            errors.append(LedgerError(display, 1, f"missing column {name!r}"))
    return errors


def _parse_fast(
    text: str,
) -> tuple[list[str], list[pl.Series], list[int] | pl.Series, list[LedgerError]] | None:
    """Machine-written files: no line breaks inside quotes, no blank lines, every row with
    the header's width.

    Then polars parses the file in parallel and line = row index + 2. Returns None when the
    file is not of that shape (the careful paths then report exactly what is wrong).
    """
    if "\n\n" in text or "\n\r\n" in text or not text.strip():
        return None
    quoted = '"' in text
    body = text.rstrip("\r\n")
    first_end = body.find("\n")
    header_line = body if first_end < 0 else body[:first_end]
    header = [h.strip() for h in header_line.rstrip("\r").split(",")]
    rows_n = body.count("\n")
    if len(set(header)) != len(header) or '"' in header_line:
        return None
    inside = _quoted_commas(body) if quoted else 0
    if inside is None or body.count(",") - inside != (len(header) - 1) * (rows_n + 1):
        return None
    try:
        frame = pl.read_csv(
            body.encode("utf-8"),
            infer_schema=False,
            quote_char='"' if quoted else None,
            has_header=True,
            new_columns=header,
        )
    except pl.exceptions.PolarsError:
        return None
    if frame.height != rows_n:
        return None
    if header and header[-1]:
        frame = frame.with_columns(pl.col(header[-1]).str.strip_suffix("\r"))
    lines = pl.int_range(2, rows_n + 2, eager=True, dtype=pl.Int32)
    return header, frame.get_columns(), lines, []


def _quoted_commas(body: str) -> int | None:
    """Commas inside quoted fields, or None when a quoted field spans lines or a quote stands
    outside a quoted field (the careful path then reads the file)."""
    fields = _QUOTED_FIELD.findall(body)
    if sum(f.count('"') for f in fields) != body.count('"'):
        return None
    if any("\n" in f or "\r" in f for f in fields):
        return None
    return sum(f.count(",") for f in fields)


def _parse_plain(
    text: str, display: str
) -> tuple[list[str] | None, list[pl.Series], list[int], list[LedgerError]]:
    raw = pl.Series("line", text.split("\n"), dtype=pl.String).str.strip_suffix("\r")
    frame = pl.DataFrame({"text": raw, LINE: pl.int_range(1, raw.len() + 1, eager=True)})
    frame = frame.filter(pl.col("text").str.strip_chars() != "")
    if frame.height == 0:
        return None, [], [], []
    header = [h.strip() for h in frame["text"][0].split(",")]
    body = frame.slice(1)
    n = len(header)
    counts = body["text"].str.count_matches(",", literal=True) + 1
    bad = body.filter(counts != n)
    errors = [
        LedgerError(display, line, f"malformed row: {k} fields, the header has {n}")
        for line, k in zip(bad[LINE], counts.filter(counts != n), strict=True)
    ]
    body = body.filter(counts == n)
    columns = body["text"].str.split_exact(",", n - 1).struct.unnest()
    rows = [columns.to_series(i) for i in range(n)]
    return header, rows, body[LINE].to_list(), errors


def _parse_quoted(
    text: str, display: str
) -> tuple[list[str] | None, list[pl.Series], list[int], list[LedgerError]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    records: list[list[str]] = []
    lines: list[int] = []
    errors: list[LedgerError] = []
    start = 1
    try:
        for record in reader:
            if not record or all(not field.strip() for field in record):
                start = reader.line_num + 1
                continue
            if header is None:
                header = [h.strip() for h in record]
            elif len(record) != len(header):
                errors.append(
                    LedgerError(
                        display,
                        start,
                        f"malformed row: {len(record)} fields, the header has {len(header)}",
                    )
                )
            else:
                records.append(record)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        errors.append(LedgerError(display, start, f"malformed CSV: {exc}"))
    if header is None:
        return None, [], [], errors
    columns = list(zip(*records, strict=True)) if records else [() for _ in header]
    rows = [pl.Series(values=list(col), dtype=pl.String) for col in columns]
    return header, rows, lines, errors
