-- Booked rows whose key is not in the file (registered as file_rows): booked rows never
-- change and the ledger directory is their source, so each one is an error.
SELECT b.fund_id, b.investor_id, b.source_line, b.import_id
FROM investor_terms b
WHERE NOT EXISTS (
    SELECT 1 FROM file_rows f WHERE f.fund_id = b.fund_id AND f.investor_id = b.investor_id
)
ORDER BY b.source_line
