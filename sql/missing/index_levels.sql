-- Booked rows whose key is not in the file (registered as file_rows): booked rows never
-- change and the ledger directory is their source, so each one is an error.
SELECT b.date, b.index_id, b.source_line, b.import_id
FROM index_levels b
WHERE NOT EXISTS (
    SELECT 1 FROM file_rows f WHERE f.date = b.date AND f.index_id = b.index_id
)
ORDER BY b.source_line
