-- Frames for metrics: each fund's partnership terms (no dates to filter).
SELECT * EXCLUDE (source_file, source_line, import_id)
FROM terms
ORDER BY fund_id
