-- Which rows of the file (registered as file_rows) are new, already booked, or booked with
-- different content (a conflict: booked rows never change).
SELECT f.source_line,
       b.company_id IS NULL AS is_new,
       b.company_id IS NOT NULL AND (f.name IS DISTINCT FROM b.name OR f.theme IS DISTINCT FROM b.theme OR f.hk_nexus IS DISTINCT FROM b.hk_nexus OR f.country IS DISTINCT FROM b.country) AS is_conflict,
       b.source_file || ':' || b.source_line AS booked_at
FROM file_rows f
LEFT JOIN companies b ON b.company_id = f.company_id
ORDER BY f.source_line
