-- Booked rows whose key is not in the file (registered as file_rows): booked rows never
-- change and the ledger directory is their source, so each one is an error.
SELECT b.date, b.currency, b.source_line, b.import_id
FROM fx_rates b
WHERE NOT EXISTS (SELECT 1 FROM file_rows f WHERE f.date = b.date AND f.currency = b.currency)
ORDER BY b.source_line
