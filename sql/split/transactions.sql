-- Which rows of the file (registered as file_rows) are new, already booked, or booked with
-- different content (a conflict: booked rows never change).
SELECT f.source_line,
       b.txn_id IS NULL AS is_new,
       b.txn_id IS NOT NULL AND (f.date IS DISTINCT FROM b.date OR f.fund_id IS DISTINCT FROM b.fund_id OR f.type IS DISTINCT FROM b.type OR f.investor_id IS DISTINCT FROM b.investor_id OR f.holding_id IS DISTINCT FROM b.holding_id OR f.amount IS DISTINCT FROM b.amount OR f.currency IS DISTINCT FROM b.currency OR f.memo IS DISTINCT FROM b.memo OR f.service_start IS DISTINCT FROM b.service_start OR f.service_end IS DISTINCT FROM b.service_end OR f.category IS DISTINCT FROM b.category OR f.quantity IS DISTINCT FROM b.quantity OR f.call_id IS DISTINCT FROM b.call_id) AS is_conflict,
       b.source_file || ':' || b.source_line AS booked_at
FROM file_rows f
LEFT JOIN transactions b ON b.txn_id = f.txn_id
ORDER BY f.source_line
