-- Which rows of the file (registered as file_rows) are new, already booked, or booked with
-- different content (a conflict: booked rows never change).
SELECT f.source_line,
       b.date IS NULL AS is_new,
       b.date IS NOT NULL AND (f.fair_value IS DISTINCT FROM b.fair_value OR f.currency IS DISTINCT FROM b.currency) AS is_conflict,
       b.source_file || ':' || b.source_line AS booked_at
FROM file_rows f
LEFT JOIN valuations b ON b.date = f.date AND b.fund_id = f.fund_id AND b.holding_id = f.holding_id
ORDER BY f.source_line
