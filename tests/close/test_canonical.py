"""The canonical hashes: hashlib over sorted Arrow lines equals SHA-256 of the joined text."""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa

from fundbook.close import canonical

LINES = ["b\x1fx", "a", "", "é\x1f\\N", "c" * 300, "a"]


def test_lines_digest_is_sha256_of_lines_joined_by_newlines() -> None:
    expected = hashlib.sha256("\n".join(LINES).encode()).hexdigest()
    chunked = pa.chunked_array([LINES[:2], [], LINES[2:5], LINES[5:]], type=pa.string())
    assert canonical._lines_sha256(chunked) == expected
    sliced = pa.chunked_array([["zz", *LINES[:3]], [*LINES[3:], "zz"]]).slice(1, len(LINES))
    assert canonical._lines_sha256(sliced) == expected
    assert canonical._lines_sha256(pa.chunked_array([], type=pa.string())) == (
        hashlib.sha256(b"").hexdigest()
    )


def test_digests_equal_duckdb_sha256_of_ordered_string_agg() -> None:
    con = duckdb.connect(":memory:")
    rows = [("t2", line) for line in LINES] + [("t1", "only"), ("t1", "another")]
    con.execute("CREATE TABLE canon (part VARCHAR, line VARCHAR)")
    con.executemany("INSERT INTO canon VALUES (?, ?)", rows)
    in_sql = con.execute(
        "SELECT part, count(*), sha256(string_agg(line, chr(10) ORDER BY line)) "
        "FROM canon GROUP BY part ORDER BY part"
    ).fetchall()
    query = "SELECT part, line FROM canon WHERE part <> $skip ORDER BY part, line"
    parts = canonical._digests(con, query, {"skip": "none"}, ("t0", "t1", "t2"))
    assert parts[0] == canonical.PartDigest("t0", 0, hashlib.sha256(b"").hexdigest())
    assert [(p.name, p.rows, p.digest) for p in parts[1:]] == in_sql


def test_money_prints_the_same_through_the_fast_cast() -> None:
    con = duckdb.connect(":memory:")
    values = ["0", "-0.01", "1234.5", "999999999999999.99", "-1000000000000000.00"]
    values += ["12345678901234567890123456.78", "-99999999999999999999999999999999999.99"]
    con.execute("CREATE TABLE m (money DECIMAL(38,2))")
    con.executemany("INSERT INTO m VALUES (?::DECIMAL(38,2))", [[v] for v in values])
    fast = "CASE WHEN abs(money) < 1000000000000000 THEN money::DECIMAL(18,2)::VARCHAR"
    rows = con.execute(f"SELECT money::VARCHAR, {fast} ELSE money::VARCHAR END FROM m").fetchall()
    assert [a for a, _ in rows] == [b for _, b in rows]
    assert rows[1][0] == "-0.01" and rows[3][0] == "999999999999999.99"
