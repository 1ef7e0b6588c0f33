-- Which rows of the file (registered as file_rows) are new, already booked, or booked with
-- different content (a conflict: booked rows never change).
SELECT f.source_line,
       b.date IS NULL AS is_new,
       b.date IS NOT NULL AND (f.hkd_per_unit IS DISTINCT FROM b.hkd_per_unit) AS is_conflict,
       b.source_file || ':' || b.source_line AS booked_at
FROM file_rows f
LEFT JOIN fx_rates b ON b.date = f.date AND b.currency = f.currency
ORDER BY f.source_line
