-- Which rows of the file (registered as file_rows) are new, already booked, or booked with
-- different content (a conflict: booked rows never change). Every column but the source is
-- compared (`*COLUMNS`), so a column added to the file and the table needs no change here.
WITH f AS (
    SELECT source_line, call_id,
           struct_pack(*COLUMNS(* EXCLUDE (source_file, source_line))) AS content
    FROM file_rows
), b AS (
    SELECT source_file, source_line, call_id,
           struct_pack(*COLUMNS(* EXCLUDE (source_file, source_line, import_id))) AS content
    FROM calls
)
SELECT f.source_line,
       b.call_id IS NULL AS is_new,
       b.call_id IS NOT NULL AND f.content IS DISTINCT FROM b.content AS is_conflict,
       b.source_file || ':' || b.source_line AS booked_at
FROM f
LEFT JOIN b ON f.call_id = b.call_id
ORDER BY f.source_line
