-- Frames for metrics: the index levels dated on or before $as_of.
SELECT date, index_id, CAST(level AS DECIMAL(18,6)) AS level, name, source_file, source_line
FROM index_levels
WHERE date <= $as_of
ORDER BY index_id, date
