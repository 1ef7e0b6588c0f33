-- The general ledger close $close_id stored (close_ledger), every column as the table holds
-- it (so the pack alone reproduces the table's digest in the close's chain event), in the
-- order the trial balance prints it: fund, section, account.
SELECT *
FROM close_ledger
WHERE close_id = $close_id
ORDER BY fund_id,
         list_position(['asset', 'liability', 'capital', 'income', 'expense', 'memo'], section),
         account
