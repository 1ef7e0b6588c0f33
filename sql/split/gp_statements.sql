-- Which rows of the file (registered as file_rows) are new, already booked, or booked with
-- different content (a conflict: booked rows never change). Every column but the source is
-- compared (`*COLUMNS`), so a column added to the file and the table needs no change here.
WITH f AS (
    SELECT source_line, statement_date, fund_id, holding_id,
           struct_pack(*COLUMNS(* EXCLUDE (source_file, source_line))) AS content
    FROM file_rows
), b AS (
    SELECT source_file, source_line, statement_date, fund_id, holding_id,
           struct_pack(*COLUMNS(* EXCLUDE (source_file, source_line, import_id))) AS content
    FROM gp_statements
)
SELECT f.source_line,
       b.fund_id IS NULL AS is_new,
       b.fund_id IS NOT NULL AND f.content IS DISTINCT FROM b.content AS is_conflict,
       b.source_file || ':' || b.source_line AS booked_at
FROM f
LEFT JOIN b ON f.statement_date = b.statement_date
   AND f.fund_id = b.fund_id
   AND f.holding_id = b.holding_id
ORDER BY f.source_line
