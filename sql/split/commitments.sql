-- Which rows of the file (registered as file_rows) are new, already booked, or booked with
-- different content (a conflict: booked rows never change).
SELECT f.source_line,
       b.fund_id IS NULL AS is_new,
       b.fund_id IS NOT NULL AND (f.amount IS DISTINCT FROM b.amount OR f.currency IS DISTINCT FROM b.currency) AS is_conflict,
       b.source_file || ':' || b.source_line AS booked_at
FROM file_rows f
LEFT JOIN commitments b ON b.fund_id = f.fund_id AND b.investor_id = f.investor_id AND b.date = f.date
ORDER BY f.source_line
