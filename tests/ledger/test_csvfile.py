"""The one CSV reader: records, their lines, blanks, quoting and its errors, exactly."""

from __future__ import annotations

import pytest

from fundbook.ledger.csvfile import LINE, parse_csv

COLUMNS = ("a", "b", "c")


def read(text: str | bytes) -> tuple[list[tuple[object, ...]], list[str]]:
    frame, errors = parse_csv(text, "f.csv", COLUMNS, ())
    rows = [] if frame is None else frame.select(LINE, *COLUMNS).rows()
    return rows, [str(e) for e in errors]


def test_quoted_line_breaks_keep_the_lines_of_later_rows() -> None:
    text = 'a,b,c\n1,"two\nlines",x\n"3\n\n",4,5\n6,7,8\n'
    assert read(text) == (
        [(2, "1", "two\nlines", "x"), (4, "3", "4", "5"), (7, "6", "7", "8")],
        [],
    )


def test_crlf_bom_and_no_final_line_break() -> None:
    text = '\ufeffa,b,c\r\n1,"x\r\ny",3\r\n4,5,6'.encode()
    assert read(text) == ([(2, "1", "x\r\ny", "3"), (4, "4", "5", "6")], [])


def test_quoted_commas_doubled_quotes_and_empty_values() -> None:
    text = 'a,b,c\n"1,5","say ""hi""",""\n'
    assert read(text) == ([(2, "1,5", 'say "hi"', None)], [])


def test_blank_records_are_skipped_anywhere() -> None:
    text = "\n  \na,b,c\n\n1,2,3\n,,\n , ,\n,,,,\n4,5,6\n\n\n"
    assert read(text) == ([(5, "1", "2", "3"), (9, "4", "5", "6")], [])


def test_header_problems_name_the_header_line() -> None:
    assert read("\n\na,b\n1,2\n")[1] == ["f.csv:3: missing column 'c'"]


def test_rows_of_another_width_are_reported_quotes_counted_right() -> None:
    text = 'a,b,c\n1,2\n"x,y",2,3\n1,2,3,4\n"p\nq",1,"2,3"\n'
    assert read(text) == (
        [(3, "x,y", "2", "3"), (5, "p\nq", "1", "2,3")],
        [
            "f.csv:2: malformed row: 2 fields, the header has 3",
            "f.csv:4: malformed row: 4 fields, the header has 3",
        ],
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'a,b,c\n1,2,3\n4,5" screen,6\n',
            "f.csv:3: malformed CSV: a quote inside an unquoted value (quote the whole value "
            'and double the quotes inside it, like "5"" screen")',
        ),
        ('a,b,c\n1,"2"x,3\n', "f.csv:2: malformed CSV: ',' expected after '\"'"),
        ('a,b,c\n1,2,3\n\n4,"5\n6,7\n', "f.csv:4: malformed CSV: a quoted value is not closed"),
    ],
    ids=["quote inside a value", "text after a closing quote", "quote never closed"],
)
def test_quoting_errors_name_the_quote_line(text: str, expected: str) -> None:
    assert read(text) == ([], [expected])


@pytest.mark.parametrize("text", ["", "\n\n", " , \n"])
def test_empty_file(text: str) -> None:
    assert read(text) == ([], ["f.csv:1: file is empty: expected a header row"])


def test_header_only() -> None:
    frame, errors = parse_csv("a,b,c\n", "f.csv", COLUMNS, ("d",))
    assert errors == []
    assert frame is not None
    assert frame.columns == ["a", "b", "c", "d", LINE]
    assert frame.height == 0
