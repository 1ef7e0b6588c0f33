-- Which rows of the file (registered as file_rows) are new, already booked, or booked with
-- different content (a conflict: booked rows never change).
SELECT f.source_line,
       b.fund_id IS NULL AS is_new,
       b.fund_id IS NOT NULL AND (f.name IS DISTINCT FROM b.name OR f.kind IS DISTINCT FROM b.kind OR f.currency IS DISTINCT FROM b.currency OR f.vintage IS DISTINCT FROM b.vintage OR f.manager IS DISTINCT FROM b.manager OR f.programme_id IS DISTINCT FROM b.programme_id OR f.investment_period_end IS DISTINCT FROM b.investment_period_end) AS is_conflict,
       b.source_file || ':' || b.source_line AS booked_at
FROM file_rows f
LEFT JOIN funds b ON b.fund_id = f.fund_id
ORDER BY f.source_line
