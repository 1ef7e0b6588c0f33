-- The canonical lines of one table per event covering them ({segment}: its seq, null for none),
-- sorted as `table_rows` sorts them and joined, each ending in a newline, in chunks of
-- $chunk_rows lines: hashed in order after the table's header, the chunks give the same digest
-- as `chain.digest` (fundbook/store/chain.py, segment_digests). {line} is chain.line_expr and
-- {table} a quoted table name, both from the catalog.
SELECT seq, chunk, count(*) AS lines, string_agg(line || chr(10), '' ORDER BY line) AS body
FROM (
    SELECT seq, line,
           (row_number() OVER (PARTITION BY seq ORDER BY line) - 1) // $chunk_rows AS chunk
    FROM (SELECT {segment}::INTEGER AS seq, {line} AS line FROM {table} x)
)
GROUP BY seq, chunk
ORDER BY seq NULLS LAST, chunk
