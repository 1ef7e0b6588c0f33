-- How many lines of the cash journal (`postings`) an import added: one debit and one credit
-- per transaction with a posting rule (a write-off, amount 0.00 and no cash, has none).
SELECT count(*) FROM postings WHERE import_id = $import_id
