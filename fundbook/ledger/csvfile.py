"""Reading one ledger CSV file into a frame of strings, each row tagged with its line number.

One reader for every file (RFC 4180: quoted values may hold commas, doubled quotes and line
breaks). A scan of the bytes (numpy) finds where each record starts, its line, its number of
fields and every quoting error; polars then splits and unquotes the well-formed records in
parallel. Rules, the same for every file:

- a record ends at a line break outside quotes (`\\n` or `\\r\\n`); its line is where it starts;
- a quote opens a value only at its start and closes it only at its end (`"a ""b"", c"`);
  anything else is a quoting error at the quote's line, and the file is not read further;
- a record whose values are all blank is skipped (blank lines, `,,,` from spreadsheets);
- the first record is the header; a record with another number of fields is reported;
- whitespace around a value (quoted or not) is dropped, and a value left empty is null.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from fundbook.core.errors import LedgerError

LINE = "source_line"
_BOM = b"\xef\xbb\xbf"
_NL, _CR, _QUOTE, _COMMA = 10, 13, 34, 44
# Bytes that may start or end a value needing the whitespace rule (>= 0x80: any non-ASCII
# character, some of which are whitespace, like U+3000).
_SPACE = np.zeros(256, dtype=bool)
_SPACE[[9, 10, 11, 12, 13, 32]] = True
_SPACE[0x80:] = True


def read_csv_bytes(path: Path, display: str) -> tuple[bytes | None, list[LedgerError]]:
    """The file's bytes, or an error naming the line of the first bad byte."""
    data = path.read_bytes()
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            message = "text is not UTF-8 (re-save the file as UTF-8)"
            return None, [LedgerError(display, line, message)]
    return data, []


class _Scan:
    """Where the records of a CSV text are, found from its bytes without parsing values."""

    def __init__(self, data: bytes):
        self.data = data
        self.arr = np.frombuffer(data, dtype=np.uint8)
        self.newlines = np.flatnonzero(self.arr == _NL)
        self.quotes = np.flatnonzero(self.arr == _QUOTE)
        # Separators are the commas and line breaks outside quotes (by pairs of quotes, as
        # they open and close values; quoting_error() checks that they do).
        self.commas = _outside(np.flatnonzero(self.arr == _COMMA), self.quotes)
        breaks = _outside(np.arange(self.newlines.size), self.quotes, self.newlines)
        ends = self.newlines[breaks]
        lines = breaks + 2  # the line after each record's own line break
        if ends.size == 0 or ends[-1] != len(data) - 1:
            ends = np.append(ends, len(data))
        else:
            lines = lines[:-1]
        self.ends = ends
        self.starts = np.concatenate(([0], ends[:-1] + 1))
        self.lines = np.concatenate(([1], lines)).astype(np.int64)
        before_end = np.searchsorted(self.commas, ends)
        self.fields = np.diff(before_end, prepend=0) + 1

    def line_of(self, position: int) -> int:
        return int(np.searchsorted(self.newlines, position)) + 1

    def quoting_error(self) -> tuple[int, str] | None:
        """The first misplaced quote, as (line, message), or None when quoting is sound."""
        q, arr, size = self.quotes, self.arr, len(self.data)
        if q.size == 0:
            return None
        opens, closes = q[0::2], q[1::2]
        before = np.where(opens > 0, arr[np.maximum(opens - 1, 0)], _NL)
        bad_open = opens[~np.isin(before, (_COMMA, _NL, _QUOTE))]
        after = np.where(closes + 1 < size, arr[np.minimum(closes + 1, size - 1)], _NL)
        after_cr = np.where(closes + 2 < size, arr[np.minimum(closes + 2, size - 1)], _NL)
        ok = np.isin(after, (_COMMA, _NL, _QUOTE)) | ((after == _CR) & (after_cr == _NL))
        found = []
        if bad_open.size:
            found.append(
                (
                    int(bad_open[0]),
                    "malformed CSV: a quote inside an unquoted value (quote the whole value "
                    'and double the quotes inside it, like "5"" screen")',
                )
            )
        if (~ok).any():
            found.append((int(closes[~ok][0]), "malformed CSV: ',' expected after '\"'"))
        if q.size % 2:
            found.append((int(q[-1]), "malformed CSV: a quoted value is not closed"))
        if not found:
            return None
        position, message = min(found)
        return self.line_of(position), message

    def needs_trim(self) -> bool:
        """Whether any value may start or end with whitespace, or be quoted and empty."""
        arr, size = self.arr, len(self.data)
        if size == 0:
            return False
        opens, closes = self.quotes[0::2], self.quotes[1::2]
        if (closes - opens[: closes.size] == 1).any():  # `""`, maybe an empty value
            return True
        last = np.clip(self.ends - 1, 0, size - 1)
        last = np.clip(last - (arr[last] == _CR), 0, size - 1)
        edges = (
            np.clip(self.starts, 0, size - 1),
            last,
            np.maximum(self.commas - 1, 0),
            np.minimum(self.commas + 1, size - 1),
            np.minimum(opens + 1, size - 1),  # inside the quotes
            closes - 1,
        )
        return any(_SPACE[arr[at]].any() for at in edges)

    def blank(self, record: int) -> bool:
        text = self.data[self.starts[record] : self.ends[record]].decode("utf-8")
        return not text.replace(",", "").strip()

    def text(self, records: np.ndarray) -> bytes:
        """The bytes of the given records (ascending), each ending in a line break."""
        if records.size == 0:
            return b""
        runs = np.flatnonzero(np.diff(records) != 1)
        firsts = np.concatenate(([records[0]], records[runs + 1]))
        lasts = np.concatenate((records[runs], [records[-1]]))
        parts = [
            self.data[self.starts[a] : self.ends[b]] for a, b in zip(firsts, lasts, strict=True)
        ]
        return b"\n".join(parts) + b"\n"


def _outside(
    items: np.ndarray, quotes: np.ndarray, positions: np.ndarray | None = None
) -> np.ndarray:
    """The items whose position (the item itself, or `positions[item]`) is outside every
    quoted stretch (from an odd-numbered quote to the next one)."""
    at = items if positions is None else positions
    if quotes.size < 2 or items.size == 0:
        return items
    opens, closes = quotes[0 : quotes.size - 1 : 2], quotes[1::2]
    lo, hi = np.searchsorted(at, opens), np.searchsorted(at, closes)
    counts = hi - lo
    if counts.sum() == 0:
        return items
    inside = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    return np.delete(items, inside)


def parse_csv(
    text: bytes | str, display: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> tuple[pl.DataFrame | None, list[LedgerError]]:
    """Parse CSV text into a frame of string columns plus `source_line` (module docstring)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    scan = _Scan(data.removeprefix(_BOM))
    problem = scan.quoting_error()
    if problem is not None:
        return None, [LedgerError(display, problem[0], problem[1])]
    header_at = _first_record(scan)
    if header_at is None:
        return None, [LedgerError(display, 1, "file is empty: expected a header row")]
    header = _values(scan.text(np.array([header_at])), int(scan.fields[header_at]))
    errors = _check_header(header, display, int(scan.lines[header_at]), required, optional)
    if errors:
        return None, errors
    body, errors = _body_records(scan, header_at, len(header), display)
    if header_at == 0 and body.size == scan.starts.size - 1:  # every record: no copy
        frame = _read(scan.data, header).slice(1)
    else:
        frame = _read(scan.text(body), header)
    if frame.height != body.size:
        raise AssertionError(f"{display}: {frame.height} rows parsed, {body.size} expected")
    frame = frame.with_columns(pl.Series(LINE, scan.lines[body], dtype=pl.Int32))
    if scan.needs_trim():
        frame = frame.with_columns(trimmed(c) for c in header)
    if frame.get_column(header[0]).has_nulls():  # records whose values are all blank
        frame = frame.filter(~pl.all_horizontal(pl.col(header).is_null()))
    missing = [c for c in optional if c not in header]
    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(c) for c in missing)
    return frame.select(*required, *optional, LINE), errors


def _first_record(scan: _Scan) -> int | None:
    for record in range(scan.starts.size):
        if not scan.blank(record):
            return record
    return None


def _body_records(
    scan: _Scan, header_at: int, width: int, display: str
) -> tuple[np.ndarray, list[LedgerError]]:
    """The records after the header with the header's width, and an error for each other
    one that is not blank."""
    records = np.arange(header_at + 1, scan.starts.size)
    odd = records[scan.fields[records] != width]
    errors = [
        LedgerError(
            display,
            int(scan.lines[r]),
            f"malformed row: {scan.fields[r]} fields, the header has {width}",
        )
        for r in odd
        if not scan.blank(int(r))
    ]
    return records[scan.fields[records] == width], errors


def _values(record: bytes, width: int) -> list[str]:
    """The values of one record (the header), stripped."""
    row = _read(record, [f"c{i}" for i in range(width)]).row(0)
    return [(v or "").strip() for v in row]


def _read(body: bytes, columns: list[str]) -> pl.DataFrame:
    if not body:
        return pl.DataFrame(schema={c: pl.String for c in columns})
    return pl.read_csv(
        body,
        has_header=False,
        schema={c: pl.String for c in columns},
        quote_char='"',
        raise_if_empty=False,
    )


def trimmed(column: str) -> pl.Expr:
    """The whitespace rule: whitespace around a value (quoted or not) is dropped, and a value
    left empty is empty (null). Applied to each value on its own, so a row reads the same
    whatever else the file holds."""
    return pl.col(column).str.strip_chars().replace("", None)


def _check_header(
    header: list[str], display: str, line: int, required: tuple[str, ...], optional: tuple[str, ...]
) -> list[LedgerError]:
    errors = []
    seen: set[str] = set()
    known = (*required, *optional)
    for name in header:
        if name in seen:
            errors.append(
                LedgerError(display, line, f"column {name!r} appears twice in the header")
            )
        elif name not in known:
            errors.append(
                LedgerError(
                    display, line, f"unknown column {name!r} (expected one of {', '.join(known)})"
                )
            )
        seen.add(name)
    for name in required:
        if name not in seen:
            errors.append(LedgerError(display, line, f"missing column {name!r}"))
    return errors
