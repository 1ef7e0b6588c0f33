-- Frames for metrics: each partner's side-letter terms in a fund (no dates to filter).
SELECT * EXCLUDE (source_file, source_line, import_id)
FROM investor_terms
ORDER BY fund_id, investor_id
