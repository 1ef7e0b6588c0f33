-- Which rows of the file (registered as file_rows) are new, already booked, or booked with
-- different content (a conflict: booked rows never change). Every column but the source is
-- compared (`*COLUMNS`), so a column added to the file and the table needs no change here.
WITH f AS (
    SELECT source_line, date, index_id,
           struct_pack(*COLUMNS(* EXCLUDE (source_file, source_line))) AS content
    FROM file_rows
), b AS (
    SELECT source_file, source_line, date, index_id,
           struct_pack(*COLUMNS(* EXCLUDE (source_file, source_line, import_id))) AS content
    FROM index_levels
)
SELECT f.source_line,
       b.index_id IS NULL AS is_new,
       b.index_id IS NOT NULL AND f.content IS DISTINCT FROM b.content AS is_conflict,
       b.source_file || ':' || b.source_line AS booked_at
FROM f
LEFT JOIN b ON f.date = b.date AND f.index_id = b.index_id
ORDER BY f.source_line
