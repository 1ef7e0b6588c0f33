-- Which rows of the file (registered as file_rows) are new, already booked, or booked with
-- different content (a conflict: booked rows never change).
SELECT f.source_line,
       b.investor_id IS NULL AS is_new,
       b.investor_id IS NOT NULL AND (f.name IS DISTINCT FROM b.name OR f.kind IS DISTINCT FROM b.kind OR f.fund_id IS DISTINCT FROM b.fund_id OR f.strategic IS DISTINCT FROM b.strategic) AS is_conflict,
       b.source_file || ':' || b.source_line AS booked_at
FROM file_rows f
LEFT JOIN investors b ON b.investor_id = f.investor_id
ORDER BY f.source_line
