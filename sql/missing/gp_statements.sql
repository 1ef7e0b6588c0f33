-- Booked rows whose key is not in the file (registered as file_rows): booked rows never
-- change and the ledger directory is their source, so each one is an error.
SELECT b.statement_date, b.fund_id, b.holding_id, b.source_line, b.import_id
FROM gp_statements b
WHERE NOT EXISTS (
    SELECT 1 FROM file_rows f WHERE f.statement_date = b.statement_date
   AND f.fund_id = b.fund_id
   AND f.holding_id = b.holding_id
)
ORDER BY b.source_line
