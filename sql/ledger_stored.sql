-- The general ledger a close stored (close_ledger) for $close_id, one fund or all ($fund_id
-- NULL), in the order the trial balance prints it: fund, section, account.
SELECT fund_id, currency, account, section, balance, closed_balance
FROM close_ledger
WHERE close_id = $close_id AND ($fund_id IS NULL OR fund_id = $fund_id)
ORDER BY fund_id,
         list_position(['asset', 'liability', 'capital', 'income', 'expense', 'memo'], section),
         account
