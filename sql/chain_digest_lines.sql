-- The canonical lines of one table, each ending in a newline, with the event covering them
-- ({segment}: its seq, null for none), sorted as `chain.table_rows` sorts them: hashed in order
-- after the table's header, they give `chain.digest` of each event's rows
-- (fundbook/store/chain.py, segment_digests). {line} is chain.line_expr and {table} a quoted
-- table name, both from the catalog.
SELECT seq, line || chr(10) AS line
FROM (SELECT {segment}::INTEGER AS seq, {line} AS line FROM {table} x)
ORDER BY seq NULLS LAST, line
